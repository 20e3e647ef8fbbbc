"""Console flows over HTTP against the live app: bookings board, add/cancel/reschedule,
holds, search, calls, recordings, callbacks, API tokens, calendar feeds, accounts."""

from __future__ import annotations

import re
from datetime import timedelta

import requests
from icalendar import Calendar
from staff_live import ADMIN, CALL_ID, PATIENTS, STAFF, LiveApp, csrf_of


def test_day_board_shows_bookings_and_the_live_hold(live: LiveApp) -> None:
    s, _ = live.login(STAFF)
    page = s.get(f"{live.base}/staff/bookings?day={live.day}", timeout=10).text
    for name in PATIENTS:
        assert name in page
    assert f'data-hold="{live.ids["hold"]}"' in page and "tentative hold" in page
    assert "expires" in page
    only_chen = s.get(f"{live.base}/staff/bookings?day={live.day}&provider=chen", timeout=10).text
    assert "Ana Ruiz" in only_chen and "Maria Lopez" not in only_chen
    week = s.get(f"{live.base}/staff/bookings?day={live.day}&view=week", timeout=10).text
    assert week.count('class="board"') == 7 * 3 and "Maria Lopez" in week


def test_bad_day_and_provider_are_clear_errors(live: LiveApp) -> None:
    s, _ = live.login(STAFF)
    r = s.get(f"{live.base}/staff/bookings?day=2026-02-30", timeout=10)
    assert r.status_code == 400 and "not a date" in r.text
    r = s.get(f"{live.base}/staff/bookings?provider=nobody", timeout=10)
    assert r.status_code == 400 and "Unknown provider" in r.text


def test_add_booking_by_hand_uses_booking_rules(live: LiveApp) -> None:
    s, csrf = live.login(STAFF)
    form = {
        "csrf_token": csrf,
        "provider": "patel",
        "visit_type": "checkup",
        "date": str(live.day),
        "time": "09:00",
        "name": "Eve Adams",
        "dob": "1970-01-02",
        "phone": "555-100-2000",
    }
    taken = s.post(live.base + "/staff/bookings", data=form, timeout=10)
    assert taken.status_code == 409 and "taken" in taken.text
    assert 'value="Eve Adams"' in taken.text  # what was typed is kept
    sunday = live.day + timedelta(days=(6 - live.day.weekday()))
    closed = s.post(live.base + "/staff/bookings", data={**form, "date": str(sunday)}, timeout=10)
    assert closed.status_code == 400 and "Could not add the booking" in closed.text
    wrong = s.post(live.base + "/staff/bookings", data={**form, "provider": "chen"}, timeout=10)
    assert wrong.status_code == 400 and "does not offer checkup" in wrong.text
    bad_dob = s.post(live.base + "/staff/bookings", data={**form, "dob": "31/31/1990"}, timeout=10)
    assert bad_dob.status_code == 400 and "date of birth" in bad_dob.text
    ok = s.post(live.base + "/staff/bookings", data={**form, "time": "16:00"}, timeout=10)
    assert ok.status_code == 200 and "Booking added." in ok.text and "Eve Adams" in ok.text


def test_cancel_and_reschedule(live: LiveApp) -> None:
    s, csrf = live.login(STAFF)
    form = {
        "csrf_token": csrf,
        "provider": "okafor",
        "visit_type": "checkup",
        "date": str(live.day),
        "time": "13:00",
        "name": "Tom Baker",
        "dob": "1980-04-04",
    }
    s.post(live.base + "/staff/bookings", data=form, timeout=10)
    page = s.get(f"{live.base}/staff/bookings?day={live.day}&provider=okafor", timeout=10).text
    appt = re.search(r'data-id="([0-9a-f]+)">\s*<span class="time">13:00', page)
    assert appt, page
    appt_id = appt.group(1)
    moved = s.post(
        f"{live.base}/staff/bookings/{appt_id}/reschedule",
        timeout=10,
        data={"csrf_token": csrf, "date": str(live.day), "time": "10:00"},
    )
    assert moved.status_code == 409 and "taken" in moved.text  # John Smith is at 10:00
    moved = s.post(
        f"{live.base}/staff/bookings/{appt_id}/reschedule",
        timeout=10,
        data={"csrf_token": csrf, "date": str(live.day), "time": "13:30"},
    )
    assert moved.status_code == 200 and "Booking rescheduled." in moved.text
    new_id = moved.url.rsplit("/", 1)[1].split("?")[0]
    assert new_id != appt_id and f"/staff/bookings/{appt_id}" in moved.text
    old = s.get(f"{live.base}/staff/bookings/{appt_id}", timeout=10).text
    assert 'class="status cancelled"' in old
    done = s.post(
        f"{live.base}/staff/bookings/{new_id}/cancel", data={"csrf_token": csrf}, timeout=10
    )
    assert "Booking cancelled." in done.text
    after = s.get(f"{live.base}/staff/bookings/{new_id}", timeout=10).text
    assert 'class="status cancelled"' in after
    missing = s.get(f"{live.base}/staff/bookings/nope", timeout=10)
    assert missing.status_code == 404


def test_confirm_a_hold(live: LiveApp) -> None:
    s, csrf = live.login(STAFF)
    bad = s.post(
        f"{live.base}/staff/holds/{live.ids['hold']}/confirm",
        timeout=10,
        data={"csrf_token": csrf, "name": "", "dob": "1999-09-09", "day": str(live.day)},
    )
    assert bad.status_code == 400 and "name is required" in bad.text
    ok = s.post(
        f"{live.base}/staff/holds/{live.ids['hold']}/confirm",
        timeout=10,
        data={"csrf_token": csrf, "name": "Gus Grant", "dob": "1999-09-09", "day": str(live.day)},
    )
    assert ok.status_code == 200 and "Hold confirmed" in ok.text and "Gus Grant" in ok.text
    board = s.get(f"{live.base}/staff/bookings?day={live.day}", timeout=10).text
    assert f'data-hold="{live.ids["hold"]}"' not in board


def test_search_by_name_and_dob(live: LiveApp) -> None:
    s, csrf = live.login(STAFF)
    by_name = s.post(
        live.base + "/staff/search", data={"csrf_token": csrf, "name": "maria"}, timeout=10
    ).text
    assert "Maria Lopez" in by_name and "John Smith" not in by_name
    by_dob = s.post(
        live.base + "/staff/search", timeout=10, data={"csrf_token": csrf, "dob": "1961-07-14"}
    ).text
    assert "John Smith" in by_dob and "Maria Lopez" not in by_dob
    both = s.post(
        live.base + "/staff/search",
        timeout=10,
        data={"csrf_token": csrf, "name": "Ana Ruiz", "dob": "12/01/1990"},
    ).text
    assert "Ana Ruiz" in both
    empty = s.post(live.base + "/staff/search", data={"csrf_token": csrf}, timeout=10)
    assert empty.status_code == 400


def test_calls_list_and_call_page(live: LiveApp) -> None:
    s, _ = live.login(STAFF)
    calls = s.get(live.base + "/staff/calls", timeout=10).text
    row = calls[calls.index(f'data-call="{CALL_ID}"') :]
    row = row[: row.index("</tr>")]
    assert "1:35" in row and "booked" in row and "<td>1</td>" in row
    page = s.get(f"{live.base}/staff/calls/{CALL_ID}", timeout=10).text
    assert '<svg class="timeline"' in page
    # The seeded record carries the marks as the agent writes them (staff_live.TURN_EVENTS):
    # drawn at their seconds from the call start, not on the turn controller's clock.
    assert page.count('class="mark mark-pause"') == 2 and 'class="mark mark-stop"' in page
    assert 'class="mark mark-resume"' in page
    listed = re.findall(r'<li class="mark-(\w+)">([\d.]+) s', page)
    assert listed == [("pause", "8.10"), ("resume", "8.60"), ("pause", "9.90"), ("stop", "10.20")]
    for track in ("booking", "side", "correction"):
        assert f'data-track="{track}"' in page
    assert "Wednesday" in page and "find_availability" in page
    assert f'src="/staff/calls/{CALL_ID}/recording"' in page
    audio = s.get(f"{live.base}/staff/calls/{CALL_ID}/recording", timeout=10)
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF"
    assert audio.headers["content-type"] == "audio/wav"
    assert s.get(f"{live.base}/staff/calls/nope", timeout=10).status_code == 404


def test_recording_outside_the_root_is_not_served(live: LiveApp) -> None:
    import asyncio

    from staff_live import call_record

    from booking import BookingService

    async def save() -> None:
        svc = await BookingService.open(live.url)
        record = call_record(live.day, live.recordings / "x.wav")
        record.id, record.recording_path = "call-escape", "/etc/passwd"
        await svc.save_call(record)
        record.id, record.recording_path = "call-dotdot", str(live.recordings / ".." / "clinic.db")
        await svc.save_call(record)
        await svc.close()

    asyncio.run(save())
    s, _ = live.login(STAFF)
    for call in ("call-escape", "call-dotdot"):
        assert s.get(f"{live.base}/staff/calls/{call}/recording", timeout=10).status_code == 404
        assert "<audio" not in s.get(f"{live.base}/staff/calls/{call}", timeout=10).text


def test_callbacks(live: LiveApp) -> None:
    s, csrf = live.login(STAFF)
    page = s.get(live.base + "/staff/callbacks", timeout=10).text
    assert "Sam Lee" in page and "lab results" in page
    done = s.post(
        f"{live.base}/staff/callbacks/{live.ids['callback']}/status",
        timeout=10,
        data={"csrf_token": csrf, "status": "done"},
    )
    assert "Callback request updated." in done.text and "Mark done" not in done.text


def test_api_token_from_the_console(live: LiveApp) -> None:
    s, csrf = live.login(STAFF)
    page = s.post(
        live.base + "/staff/account/tokens", data={"csrf_token": csrf, "label": "crm"}, timeout=10
    ).text
    token = re.search(r'id="new-token">([^<]+)<', page)
    assert token
    headers = {"Authorization": "Bearer " + token.group(1)}
    me = requests.get(live.base + "/api/v1/me", headers=headers, timeout=10)
    assert me.json()["username"] == STAFF
    listing = s.get(live.base + "/staff/account", timeout=10).text
    token_id = re.findall(r"/staff/account/tokens/(\d+)/revoke", listing)[-1]
    s.post(
        f"{live.base}/staff/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}, timeout=10
    )
    assert requests.get(live.base + "/api/v1/me", headers=headers, timeout=10).status_code == 401


def test_api_bookings_and_calls(live: LiveApp) -> None:
    h = {"Authorization": "Bearer " + live.tokens[STAFF]}
    listing = requests.get(f"{live.base}/api/v1/bookings?day={live.day}", headers=h, timeout=10)
    names = {b["patient_name"] for b in listing.json()}
    assert {"Maria Lopez", "John Smith"} <= names
    one = requests.get(
        f"{live.base}/api/v1/bookings/{live.ids['Maria Lopez']}", headers=h, timeout=10
    ).json()
    assert one["patient_dob"] == "1984-03-02" and one["patient_phone"] == "555-201-7788"
    body = {
        "provider_id": "patel",
        "visit_type": "checkup",
        "start": f"{live.day}T09:00:00",
        "patient_name": "Al Bee",
        "patient_dob": "1990-01-01",
    }
    taken = requests.post(f"{live.base}/api/v1/bookings", json=body, headers=h, timeout=10)
    assert taken.status_code == 409 and "taken" in taken.json()["detail"]
    made = requests.post(
        f"{live.base}/api/v1/bookings",
        headers=h,
        timeout=10,
        json={**body, "start": f"{live.day}T11:30:00"},
    )
    assert made.status_code == 201, made.text
    moved = requests.post(
        f"{live.base}/api/v1/bookings/{made.json()['id']}/reschedule",
        headers=h,
        json={"start": f"{live.day}T11:45:00"},
        timeout=10,
    )
    assert moved.status_code == 200 and moved.json()["rescheduled_from"] == made.json()["id"]
    gone = requests.post(
        f"{live.base}/api/v1/bookings/{moved.json()['id']}/cancel", headers=h, timeout=10
    )
    assert gone.json()["status"] == "cancelled"
    calls = requests.get(f"{live.base}/api/v1/calls", headers=h, timeout=10).json()
    mine = next(c for c in calls if c["id"] == CALL_ID)
    assert mine["interruptions"] == 1 and mine["duration_s"] == 95 and "212" not in mine["caller"]
    detail = requests.get(f"{live.base}/api/v1/calls/{CALL_ID}", headers=h, timeout=10).json()
    assert detail["caller"] == "+1 555 212 4433" and len(detail["transcript"]) == 6
    schema = requests.get(f"{live.base}/openapi.json", timeout=10).json()
    assert "/api/v1/bookings" in schema["paths"] and "/api/v1/calls/{call_id}" in schema["paths"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_calendar_feed_with_secret_token(live: LiveApp) -> None:
    s, csrf = live.login(ADMIN)
    page = s.post(
        f"{live.base}/staff/admin/calendar/patel/token", data={"csrf_token": csrf}, timeout=10
    ).text
    url = re.search(r'id="feed-url">([^<]+)<', page)
    assert url and "/calendar/patel.ics?token=" in url.group(1)
    feed = requests.get(url.group(1).replace("&amp;", "&"), timeout=10)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.content)
    summaries = [str(e.get("summary")) for e in cal.walk("VEVENT")]
    assert "Checkup: Maria Lopez" in summaries
    assert all("John Smith" not in x for x in summaries)  # Okafor's patient, not Patel's
    token = url.group(1).split("token=")[1]
    assert (
        requests.get(f"{live.base}/calendar/okafor.ics?token={token}", timeout=10).status_code
        == 404
    )
    assert requests.get(f"{live.base}/calendar/patel.ics?token=x", timeout=10).status_code == 404
    again = s.post(
        f"{live.base}/staff/admin/calendar/patel/token", data={"csrf_token": csrf}, timeout=10
    ).text
    assert re.search(r'id="feed-url">([^<]+)<', again)
    assert requests.get(url.group(1), timeout=10).status_code == 404  # old URL revoked


def test_admin_manages_accounts(live: LiveApp) -> None:
    s, csrf = live.login(ADMIN)
    weak = s.post(
        live.base + "/staff/admin/users",
        timeout=10,
        data={"csrf_token": csrf, "username": "carol", "password": "short"},
    )
    assert weak.status_code == 400 and "at least 10" in weak.text
    ok = s.post(
        live.base + "/staff/admin/users",
        timeout=10,
        data={
            "csrf_token": csrf,
            "username": "carol",
            "password": "carol-long-pass",
            "role": "staff",
        },
    )
    assert "Account added." in ok.text and "carol" in ok.text
    dup = s.post(
        live.base + "/staff/admin/users",
        timeout=10,
        data={"csrf_token": csrf, "username": "carol", "password": "carol-long-pass"},
    )
    assert dup.status_code == 400 and "already exists" in dup.text
    self_remove = s.post(
        f"{live.base}/staff/admin/users/{ADMIN}/remove", data={"csrf_token": csrf}, timeout=10
    )
    assert self_remove.status_code == 400
    promote = s.post(
        f"{live.base}/staff/admin/users/carol/role",
        data={"csrf_token": csrf, "role": "admin"},
        timeout=10,
    )
    assert "Role changed." in promote.text
    carol_form = promote.text.split('/users/carol/role"')[1].split("</form>")[0]
    assert '<option value="admin" selected>' in carol_form
    bad = s.post(
        f"{live.base}/staff/admin/users/carol/role",
        data={"csrf_token": csrf, "role": "root"},
        timeout=10,
    )
    assert bad.status_code == 400 and "role must be" in bad.text
    self_demote = s.post(
        f"{live.base}/staff/admin/users/{ADMIN}/role",
        data={"csrf_token": csrf, "role": "staff"},
        timeout=10,
    )
    assert self_demote.status_code == 400 and "your own role" in self_demote.text
    gone = s.post(
        live.base + "/staff/admin/users/carol/remove", data={"csrf_token": csrf}, timeout=10
    )
    assert "Account removed." in gone.text


def test_admin_settings_validate_the_webhook_url(live: LiveApp) -> None:
    s, csrf = live.login(ADMIN)
    bad = s.post(
        live.base + "/staff/admin/settings",
        timeout=10,
        data={"csrf_token": csrf, "webhook_url": "ftp://x"},
    )
    assert bad.status_code == 400 and "http://" in bad.text
    page = s.get(live.base + "/staff/admin/settings", timeout=10).text
    assert "Maple Street Family Clinic" in page and "Calendar feeds" in page
    assert csrf_of(page) == csrf
    # A secret can be set and cleared again (a port nothing listens on: no delivery lands).
    hook = {"csrf_token": csrf, "webhook_url": "http://127.0.0.1:9/hook"}
    saved = s.post(
        live.base + "/staff/admin/settings", data={**hook, "webhook_secret": "s3"}, timeout=10
    )
    assert 'name="clear_secret"' in saved.text
    cleared = s.post(
        live.base + "/staff/admin/settings", data={**hook, "clear_secret": "1"}, timeout=10
    )
    assert 'name="clear_secret"' not in cleared.text and "Set a secret" in cleared.text
    s.post(live.base + "/staff/admin/settings", data={"csrf_token": csrf}, timeout=10)
