"""Booking webhooks reach a local receiver on loopback: signed, retried after a failure, and
also for bookings made by another process (the voice worker)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from staff_live import ADMIN, STAFF, LiveApp

from booking import BookingService, FixedClock, PatientInfo

SECRET = "crm-shared-secret"


@dataclass
class Receiver:
    url: str
    fail_next: int = 0
    got: list[dict[str, Any]] = field(default_factory=list)
    failed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, event: str, appointment_id: str, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for item in self.got:
                    body = item["json"]
                    if body["event"] == event and body["appointment"]["id"] == appointment_id:
                        return item
            time.sleep(0.05)
        raise AssertionError(
            f"no {event} for {appointment_id}; got {[g['json'] for g in self.got]}"
        )


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                if state.fail_next > 0:
                    state.fail_next -= 1
                    state.failed += 1
                    self.send_response(500)
                    self.end_headers()
                    return
                state.got.append(
                    {"headers": dict(self.headers), "body": body, "json": json.loads(body)}
                )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/clinic"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()


@pytest.fixture(scope="module")
def hooked(live: LiveApp, receiver: Receiver) -> LiveApp:
    s, csrf = live.login(ADMIN)
    r = s.post(
        live.base + "/staff/admin/settings",
        timeout=10,
        data={"csrf_token": csrf, "webhook_url": receiver.url, "webhook_secret": SECRET},
    )
    assert "Settings saved." in r.text
    return live


def verify(item: dict[str, Any]) -> None:
    expected = "sha256=" + hmac.new(SECRET.encode(), item["body"], hashlib.sha256).hexdigest()
    assert item["headers"]["X-Clinic-Signature"] == expected
    assert item["headers"]["X-Clinic-Event"] == item["json"]["event"]


def test_created_is_signed_and_retried_after_a_failure(hooked: LiveApp, receiver: Receiver) -> None:
    receiver.fail_next = 1
    made = hooked.api_book(
        STAFF, "chen", "vaccination", f"{hooked.day}T16:00:00", "Wes Hook", "1988-08-08"
    )
    assert made.status_code == 201
    item = receiver.wait_for("booking.created", made.json()["id"])
    verify(item)
    assert receiver.failed == 1  # the first attempt got a 500 and was retried
    assert item["json"]["appointment"]["patient_name"] == "Wes Hook"
    assert "patient_dob" not in item["json"]["appointment"]
    # Seeded bookings existed before the sender's first scan: they are not announced.
    assert all(g["json"]["appointment"]["id"] not in hooked.ids.values() for g in receiver.got)


def test_reschedule_and_cancel(hooked: LiveApp, receiver: Receiver) -> None:
    h = {"Authorization": "Bearer " + hooked.tokens[STAFF]}
    made = hooked.api_book(
        STAFF, "chen", "vaccination", f"{hooked.day}T16:15:00", "Ria Move", "1991-01-01"
    ).json()
    receiver.wait_for("booking.created", made["id"])
    moved = requests.post(
        f"{hooked.base}/api/v1/bookings/{made['id']}/reschedule",
        headers=h,
        json={"start": f"{hooked.day}T16:30:00"},
        timeout=10,
    ).json()
    changed = receiver.wait_for("booking.changed", moved["id"])
    verify(changed)
    assert changed["json"]["appointment"]["rescheduled_from"] == made["id"]
    s, csrf = hooked.login(STAFF)
    s.post(
        f"{hooked.base}/staff/bookings/{moved['id']}/cancel", data={"csrf_token": csrf}, timeout=10
    )
    verify(receiver.wait_for("booking.cancelled", moved["id"]))


def test_booking_made_by_another_process_is_announced(hooked: LiveApp, receiver: Receiver) -> None:
    async def book_like_the_worker() -> str:
        clock = FixedClock(datetime.combine(hooked.day, dtime(6, 0)))
        svc = await BookingService.open(hooked.url, clock=clock)
        try:
            slot = (
                await svc.find_availability(
                    "checkup",
                    "okafor",
                    date_from=hooked.day,
                    date_to=hooked.day + timedelta(days=3),
                )
            ).slots[0]
            hold = await svc.hold(slot, "call-worker-1")
            appt = await svc.confirm(
                hold.id, PatientInfo("Vic Voice", datetime(1970, 2, 2).date()), "worker-key-1"
            )
            return appt.id
        finally:
            await svc.close()

    appt_id = asyncio.run(book_like_the_worker())
    verify(receiver.wait_for("booking.created", appt_id))
    s, _ = hooked.login(ADMIN)
    page = s.get(hooked.base + "/staff/admin/settings", timeout=10).text
    assert "Recent deliveries" in page and "HTTP 500" in page
