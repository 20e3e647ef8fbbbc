"""Every staff page and API route refuses anonymous and wrong-role callers; CSRF is required;
no phone number or date of birth reaches the logs. Routes are enumerated from the app, so a
new route is covered without touching this file."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
import requests
from fastapi.routing import iter_route_contexts
from staff_live import ADMIN, PATIENTS, STAFF, LiveApp

# Routes anyone may call: the login form and the console's CSS/JS. Calendar feeds take a
# secret token instead of a session (tested below).
PUBLIC = {("GET", "/staff/login"), ("POST", "/staff/login"), ("GET", "/staff/static/{name}")}
STAFF_PREFIXES = ("/staff", "/api/v1", "/calendar")
ADMIN_PREFIXES = ("/staff/admin", "/api/v1/admin")


def staff_routes(app: object) -> list[tuple[str, str]]:
    found = []
    for ctx in iter_route_contexts(app.routes):  # type: ignore[attr-defined]
        path = getattr(ctx, "path", "")
        methods = getattr(getattr(ctx, "original_route", ctx), "methods", None) or set()
        if path.startswith(STAFF_PREFIXES):
            found += [(m, path) for m in sorted(methods) if m != "HEAD"]
    return found


def concrete(path: str) -> str:
    # Any value will do: the guard must refuse before the handler looks anything up.
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture(scope="module")
def routes(live: LiveApp) -> list[tuple[str, str]]:
    found = staff_routes(live.app)
    assert len(found) > 30, found  # the enumeration itself works
    return found


def test_anonymous_is_refused_everywhere(live: LiveApp, routes: list[tuple[str, str]]) -> None:
    checked = 0
    for method, path in routes:
        if (method, path) in PUBLIC:
            continue
        r = requests.request(method, live.base + concrete(path), allow_redirects=False, timeout=10)
        if path.startswith("/api/v1"):
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.headers.get("www-authenticate") == "Bearer"
        elif path.startswith("/calendar"):
            assert r.status_code == 404, (method, path, r.status_code)
        else:
            assert r.status_code == 303, (method, path, r.status_code)
            assert r.headers["location"].startswith("/staff/login")
        checked += 1
    assert checked == len(routes) - len(PUBLIC)


def test_wrong_api_token_is_refused(live: LiveApp, routes: list[tuple[str, str]]) -> None:
    for method, path in routes:
        if path.startswith("/api/v1"):
            r = requests.request(
                method,
                live.base + concrete(path),
                timeout=10,
                headers={"Authorization": "Bearer cst_not-a-token"},
            )
            assert r.status_code == 401, (method, path)


def test_staff_role_is_refused_admin_routes(live: LiveApp, routes: list[tuple[str, str]]) -> None:
    session, csrf = live.login(STAFF)
    admin_routes = [(m, p) for m, p in routes if p.startswith(ADMIN_PREFIXES)]
    assert len(admin_routes) >= 8
    for method, path in admin_routes:
        url = live.base + concrete(path)
        if path.startswith("/api/v1"):
            r = requests.request(
                method, url, timeout=10, headers={"Authorization": "Bearer " + live.tokens[STAFF]}
            )
        else:
            r = session.request(
                method, url, data={"csrf_token": csrf}, allow_redirects=False, timeout=10
            )
        assert r.status_code == 403, (method, path, r.status_code)
    # ...while the same user may use the staff pages and the admin may use admin ones.
    assert session.get(live.base + "/staff/bookings", timeout=10).status_code == 200
    admin, _ = live.login(ADMIN)
    assert admin.get(live.base + "/staff/admin/users", timeout=10).status_code == 200
    r = requests.get(
        live.base + "/api/v1/admin/users",
        timeout=10,
        headers={"Authorization": "Bearer " + live.tokens[ADMIN]},
    )
    assert r.status_code == 200 and {u["username"] for u in r.json()} >= {ADMIN, STAFF}


def test_every_console_form_needs_the_csrf_token(
    live: LiveApp, routes: list[tuple[str, str]]
) -> None:
    session, csrf = live.login(ADMIN)
    posts = [
        (m, p) for m, p in routes if m == "POST" and p.startswith("/staff") and (m, p) not in PUBLIC
    ]
    assert len(posts) >= 15
    for method, path in posts:
        url = live.base + concrete(path)
        for data in ({}, {"csrf_token": "wrong" + csrf}):
            r = session.request(method, url, data=data, allow_redirects=False, timeout=10)
            assert r.status_code == 403, (path, data, r.status_code)


def test_cancel_without_csrf_changes_nothing(live: LiveApp) -> None:
    session, _ = live.login(STAFF)
    appt = live.ids["Ana Ruiz"]
    r = session.post(f"{live.base}/staff/bookings/{appt}/cancel", allow_redirects=False, timeout=10)
    assert r.status_code == 403
    page = session.get(f"{live.base}/staff/bookings/{appt}", timeout=10)
    assert 'class="status confirmed"' in page.text


def test_login_form_needs_its_csrf_cookie(live: LiveApp) -> None:
    from staff_live import PASSWORD

    r = requests.post(
        live.base + "/staff/login",
        timeout=10,
        allow_redirects=False,
        data={"username": STAFF, "password": PASSWORD[STAFF], "csrf_token": "x"},
    )
    assert r.status_code == 403
    assert "staff_session" not in r.cookies


def test_session_cookie_flags_and_logout(live: LiveApp) -> None:
    from staff_live import PASSWORD, csrf_of

    s = requests.Session()
    token = csrf_of(s.get(live.base + "/staff/login", timeout=10).text)
    r = s.post(
        live.base + "/staff/login",
        allow_redirects=False,
        timeout=10,
        data={"username": STAFF, "password": PASSWORD[STAFF], "csrf_token": token},
    )
    assert r.status_code == 303
    cookie = next(h for h in r.raw.headers.getlist("set-cookie") if h.startswith("staff_session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # off by default for loopback http (STAFF_COOKIE_SECURE=1)
    page = s.get(live.base + "/staff/bookings", timeout=10)
    assert page.status_code == 200
    s.post(live.base + "/staff/logout", data={"csrf_token": csrf_of(page.text)}, timeout=10)
    stolen = requests.get(
        live.base + "/staff/bookings",
        allow_redirects=False,
        timeout=10,
        cookies={
            "staff_session": s.cookies.get("staff_session") or cookie.split(";")[0].split("=", 1)[1]
        },
    )
    assert stolen.status_code == 303  # the old cookie value is dead server-side


def test_console_pages_send_security_headers(live: LiveApp) -> None:
    session, _ = live.login(STAFF)
    r = session.get(live.base + "/staff/bookings", timeout=10)
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"


def test_open_redirect_is_refused(live: LiveApp) -> None:
    from staff_live import PASSWORD, csrf_of

    s = requests.Session()
    token = csrf_of(s.get(live.base + "/staff/login?next=https://evil.example/", timeout=10).text)
    r = s.post(
        live.base + "/staff/login",
        allow_redirects=False,
        timeout=10,
        data={
            "username": STAFF,
            "password": PASSWORD[STAFF],
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert r.headers["location"] == "/staff/bookings"


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    # INFO everywhere (what runs in production), DEBUG for our own loggers. aiosqlite's DEBUG
    # records echo SQL parameters verbatim, so DEBUG must never be enabled for it in production.
    caplog.set_level(logging.INFO)
    for name in ("web", "web.staff", "booking", "uvicorn"):
        caplog.set_level(logging.DEBUG, logger=name)
    yield caplog


def test_no_phi_in_logs(live: LiveApp, all_logs: pytest.LogCaptureFixture) -> None:
    """Drive the console and the API through PHI-heavy actions while capturing every log
    record of the process (uvicorn's access log included); no phone or DOB may appear."""
    session, csrf = live.login(ADMIN)
    api = {"Authorization": "Bearer " + live.tokens[ADMIN]}
    new_phone, new_dob = "555-777-1234", "1977-05-19"
    day = str(live.day)
    added = session.post(
        live.base + "/staff/bookings",
        timeout=10,
        data={
            "csrf_token": csrf,
            "provider": "okafor",
            "visit_type": "vaccination",
            "date": day,
            "time": "15:00",
            "name": "Lena Fischer",
            "dob": new_dob,
            "phone": new_phone,
        },
    )
    assert added.status_code == 200 and "Booking added." in added.text
    session.post(
        live.base + "/staff/search", data={"csrf_token": csrf, "dob": "1961-07-14"}, timeout=10
    )
    session.post(
        live.base + "/staff/search", data={"csrf_token": csrf, "name": "Maria"}, timeout=10
    )
    session.get(live.base + f"/staff/bookings/{live.ids['John Smith']}", timeout=10)
    session.get(live.base + "/staff/calls/call-0001", timeout=10)
    created = live.api_book(
        ADMIN, "chen", "sick visit", f"{day}T15:30:00", "Omar Haddad", "1955-01-30", "555-919-2020"
    )
    assert created.status_code == 201, created.text
    found = requests.post(
        live.base + "/api/v1/bookings/search",
        headers=api,
        timeout=10,
        json={"date_of_birth": "1984-03-02"},
    )
    assert [b["patient_name"] for b in found.json()] == ["Maria Lopez"]
    requests.get(live.base + "/api/v1/bookings", headers=api, timeout=10)
    text = all_logs.text
    assert "GET /staff/calls/call-0001" in text  # the access log was captured
    secrets = [new_phone, new_dob, "555-919-2020", "1955-01-30", "1961-07-14", "1984-03-02"]
    for _, (dob, phone, *_rest) in PATIENTS.items():
        secrets += [phone, dob.isoformat(), phone.replace("-", "")]
    for secret in secrets:
        assert secret not in text, secret


def test_lists_mask_phi_and_detail_pages_show_it(live: LiveApp) -> None:
    session, _ = live.login(STAFF)
    board = session.get(f"{live.base}/staff/bookings?day={live.day}", timeout=10).text
    calls = session.get(f"{live.base}/staff/calls", timeout=10).text
    callbacks = session.get(f"{live.base}/staff/callbacks", timeout=10).text
    api = requests.get(
        f"{live.base}/api/v1/bookings?day={live.day}",
        timeout=10,
        headers={"Authorization": "Bearer " + live.tokens[STAFF]},
    ).text
    dob, phone, *_ = PATIENTS["John Smith"]
    for listing in (board, api):
        assert "John Smith" in listing
        assert phone not in listing and dob.isoformat() not in listing
    assert "555 212 4433" not in calls and "•••-33" in calls
    assert "555-303-9090" not in callbacks and "•••-90" in callbacks
    detail = session.get(f"{live.base}/staff/bookings/{live.ids['John Smith']}", timeout=10).text
    assert phone in detail and dob.isoformat() in detail
    call = session.get(f"{live.base}/staff/calls/call-0001", timeout=10).text
    assert "+1 555 212 4433" in call
