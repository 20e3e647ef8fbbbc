"""A real uvicorn server on a free loopback port, serving web.app.create_app in a thread,
over a temp SQLite database seeded with bookings, a live hold, a call and a callback."""

from __future__ import annotations

import asyncio
import io
import re
import socket
import struct
import threading
import time
import wave
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import requests
import uvicorn

from agent.record import turn_marks
from booking import BookingService, CallRecord, FixedClock, PatientInfo, Slot
from booking.clinic import load_clinic
from web.app import create_app
from web.settings import WebSettings
from web.staff import cli

ADMIN, STAFF = "alice", "bob"
PASSWORD = {ADMIN: "alice-correct-horse", STAFF: "bob-battery-staple"}
# Patients of the seed data; their phones and DOBs must never reach a log or a list.
PATIENTS = {
    "Maria Lopez": (date(1984, 3, 2), "555-201-7788", "patel", "checkup", dtime(9, 0)),
    "John Smith": (date(1961, 7, 14), "555-867-5309", "okafor", "follow-up", dtime(10, 0)),
    "Ana Ruiz": (date(1990, 12, 1), "555-404-1212", "chen", "sick visit", dtime(11, 0)),
}
CALL_ID = "call-0001"
CALL_CALLER = "+1 555 212 4433"
CALLBACK_PHONE = "555-303-9090"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# The call's turn-taking events as the turn controller saves them (metrics["turn"]["events"]):
# on its monotonic clock, which read TURN0 when the call started. A backchannel pauses the
# agent's offer (resumed), then the copay question stops it.
TURN0 = 51_200.0
TURN_EVENTS = [
    {"kind": "barge_in_onset", "t": TURN0 + 7.9},
    {"kind": "paused", "t": TURN0 + 8.1, "after_ms": 200},
    {"kind": "overlap", "t": TURN0 + 8.6, "verdict": "backchannel", "words": "mhm"},
    {"kind": "resume", "t": TURN0 + 8.6, "verdict": "backchannel"},
    {"kind": "framework_resume", "t": TURN0 + 8.6, "resumed": True},
    {"kind": "barge_in_onset", "t": TURN0 + 9.8},
    {"kind": "paused", "t": TURN0 + 9.9, "after_ms": 100},
    {"kind": "overlap", "t": TURN0 + 10.2, "verdict": "interruption", "words": "Sorry, what's"},
    {"kind": "interruption", "t": TURN0 + 10.2, "after_ms": 400},
]


def board_day(today: date | None = None) -> date:
    """Today when the clinic is open all day today (until 17:00), else the next such day."""
    clinic = load_clinic()
    day = today or date.today()
    while (hours := clinic.hours_on(day)) is None or hours.closes < dtime(17, 0):
        day += timedelta(days=1)
    return day


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_wav(path: Path, seconds: float = 0.5) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(struct.pack("<h", 0) * int(16000 * seconds))


def call_record(day: date, recording: Path) -> CallRecord:
    t0 = datetime.combine(day, dtime(8, 30))
    return CallRecord(
        id=CALL_ID,
        room="clinic-web-test",
        started_at=t0,
        ended_at=t0 + timedelta(seconds=95),
        outcome="booked",
        caller=CALL_CALLER,
        transcript=[
            {
                "role": "agent",
                "text": "Maple Street Family Clinic, how can I help?",
                "track": "greeting",
                "t": 0.4,
                "interrupted": False,
            },
            {
                "role": "patient",
                "text": "I'd like a checkup with Doctor Patel on Tuesday.",
                "track": "booking",
                "t": 4.0,
                "interrupted": False,
            },
            {
                "role": "agent",
                "text": "Sure. I have nine AM or ten thirty on Tuesday, which",
                "track": "booking",
                "t": 7.5,
                "interrupted": True,
            },
            {
                "role": "patient",
                "text": "Sorry, what's the copay?",
                "track": "side",
                "t": 9.8,
                "interrupted": False,
            },
            {
                "role": "agent",
                "text": "The copay for a checkup is twenty-five dollars.",
                "track": "side",
                "t": 11.2,
                "interrupted": False,
            },
            {
                "role": "patient",
                "text": "No wait, Wednesday instead.",
                "track": "correction",
                "t": 15.0,
                "interrupted": False,
            },
        ],
        corrections=[
            {
                "slot": "day",
                "old": "Tuesday",
                "new": "Wednesday",
                "utterance": "No wait, Wednesday instead.",
            }
        ],
        tool_calls=[
            {
                "name": "find_availability",
                "arguments": {"visit_type": "checkup"},
                "output": "2 slots",
            }
        ],
        # What agent.record writes from those: paused / resumed / stopped, seconds from start.
        events=turn_marks(TURN_EVENTS, TURN0),
        metrics={
            "interruptions": 1,
            "turns": 6,
            "turn": {
                "preset": "natural",
                "interruptions": 1,
                "false_interruptions": 1,
                "events": TURN_EVENTS,
            },
        },
        recording_path=str(recording),
    )


async def seed(url: str, day: date, recording: Path) -> dict[str, str]:
    """Bookings on `day`, a hold that outlives the test, a call and a callback request."""
    svc = await BookingService.open(url, clock=FixedClock(datetime.combine(day, dtime(6, 0))))
    ids: dict[str, str] = {}
    try:
        for name, (dob, phone, provider, kind, at) in PATIENTS.items():
            vt = svc.clinic.visit_type(kind)
            p = svc.clinic.provider(provider)
            start = datetime.combine(day, at)
            slot = Slot(p.id, p.name, vt.name, start, start + timedelta(minutes=vt.minutes))
            hold = await svc.hold(slot, session_id=f"seed-{provider}")
            appt = await svc.confirm(hold.id, PatientInfo(name, dob, phone), f"seed-{name}")
            ids[name] = appt.id
        start = datetime.combine(day, dtime(14, 0))
        slot = Slot("patel", "Ana Patel", "checkup", start, start + timedelta(minutes=30))
        hold = await svc.hold(slot, session_id="call-live-1", ttl=timedelta(days=3))
        ids["hold"] = hold.id
        await svc.save_call(call_record(day, recording))
        cb = await svc.add_callback_request(
            "Wants a call about lab results", CALLBACK_PHONE, "Sam Lee"
        )
        ids["callback"] = cb.id
    finally:
        await svc.close()
    return ids


def add_user(url: str, username: str, role: str) -> str:
    """Create an account through the real CLI; return an API token for it."""
    argv = ["--database-url", url, "add", username, "--role", role, "--password-stdin"]
    assert cli.main(argv, stdin=io.StringIO(PASSWORD[username] + "\n"), out=io.StringIO()) == 0
    out = io.StringIO()
    assert cli.main(["--database-url", url, "token", username], out=out) == 0
    return out.getvalue().strip()


@dataclass
class LiveApp:
    base: str
    url: str
    day: date
    ids: dict[str, str]
    tokens: dict[str, str]
    recordings: Path
    server: uvicorn.Server
    thread: threading.Thread
    app: object = field(repr=False, default=None)

    def login(self, username: str) -> tuple[requests.Session, str]:
        """A requests session signed in as `username`, and its CSRF token."""
        s = requests.Session()
        page = s.get(self.base + "/staff/login", timeout=10)
        form_csrf = _CSRF.search(page.text)
        assert form_csrf, page.text
        r = s.post(
            self.base + "/staff/login",
            data={
                "username": username,
                "password": PASSWORD[username],
                "csrf_token": form_csrf.group(1),
            },
            timeout=10,
        )
        assert r.status_code == 200 and r.url.endswith("/staff/bookings"), (r.status_code, r.url)
        return s, csrf_of(r.text)

    def api_book(
        self,
        username: str,
        provider_id: str,
        visit_type: str,
        start: str,
        name: str,
        dob: str,
        phone: str | None = None,
    ) -> requests.Response:
        """POST /api/v1/bookings with `username`'s API token (dates as ISO text)."""
        body = {
            "provider_id": provider_id,
            "visit_type": visit_type,
            "start": start,
            "patient_name": name,
            "patient_dob": dob,
        }
        if phone is not None:
            body["patient_phone"] = phone
        return requests.post(
            self.base + "/api/v1/bookings",
            headers={"Authorization": "Bearer " + self.tokens[username]},
            json=body,
            timeout=10,
        )

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF token in page"
    return m.group(1)


class RunningClock:
    """Clinic time that starts at `start` and runs with the wall clock, so the live app's
    "today" is the seeded day and its times lie ahead whatever the hour of the run."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        elapsed = timedelta(seconds=time.monotonic() - self._t0)
        return (self._start + elapsed).replace(microsecond=0)


def start_live_app(tmp: Path) -> LiveApp:
    url = f"sqlite:///{tmp / 'clinic.db'}"
    day = board_day()
    recordings = tmp / "recordings"
    write_wav(recordings / f"{CALL_ID}.wav")
    ids = asyncio.run(seed(url, day, recordings / f"{CALL_ID}.wav"))
    tokens = {ADMIN: add_user(url, ADMIN, "admin"), STAFF: add_user(url, STAFF, "staff")}
    app = create_app(
        WebSettings(database_url=url),
        clock=RunningClock(datetime.combine(day, dtime(6, 0))),
    )
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True, name="staff-live-app")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    return LiveApp(
        f"http://127.0.0.1:{port}", url, day, ids, tokens, recordings, server, thread, app
    )
