"""Login lockout over HTTP, and the Secure cookie flag when STAFF_COOKIE_SECURE=1. Its own
app: locking 127.0.0.1 out must not disturb the other modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from staff_live import PASSWORD, STAFF, LiveApp, csrf_of, start_live_app


@pytest.fixture(scope="module")
def secure_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    tmp: Path = tmp_path_factory.mktemp("staff-lockout")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STAFF_COOKIE_SECURE", "1")
        mp.setenv("STAFF_RECORDINGS_ROOT", str(tmp / "recordings"))
        mp.setenv("STAFF_ARGON2_TIME_COST", "1")  # cheap hashing in tests
        mp.setenv("STAFF_ARGON2_MEMORY_KIB", "8192")
        app = start_live_app(tmp)
    yield app
    app.stop()


def attempt(app: LiveApp, password: str) -> requests.Response:
    page = requests.get(app.base + "/staff/login", timeout=10)
    token = csrf_of(page.text)
    # The login cookie is Secure, so requests would not send it over http: send it by hand.
    return requests.post(
        app.base + "/staff/login",
        data={"username": STAFF, "password": password, "csrf_token": token},
        headers={"Cookie": f"staff_login_csrf={token}"},
        allow_redirects=False,
        timeout=10,
    )


def test_secure_flag_on_cookies(secure_app: LiveApp) -> None:
    page = requests.get(secure_app.base + "/staff/login", timeout=10)
    assert "secure" in page.headers["set-cookie"].lower()
    ok = attempt(secure_app, PASSWORD[STAFF])
    assert ok.status_code == 303
    cookie = next(h for h in ok.raw.headers.getlist("set-cookie") if h.startswith("staff_session="))
    flags = {p.strip().lower() for p in cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= flags


def test_five_failures_lock_the_account_and_address(secure_app: LiveApp) -> None:
    codes = [attempt(secure_app, "wrong-password").status_code for _ in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    locked = attempt(secure_app, PASSWORD[STAFF])
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert "staff_session" not in locked.headers.get("set-cookie", "")
