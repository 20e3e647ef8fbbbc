"""A call made through the real agent (text mode, offline dialogue engine) shows up in the
console: its booking on the board and its record, with transcript and timeline."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime
from datetime import time as dtime

import pytest
from livekit.agents.cli.log import JsonFormatter
from staff_live import STAFF, LiveApp

from booking import BookingService, CallRecord, FixedClock


async def phone_call(live: LiveApp) -> CallRecord:
    from agent.call import CallOptions, build_call

    clock = FixedClock(datetime.combine(live.day, dtime(7, 0)))
    svc = await BookingService.open(live.url, clock=clock)
    try:
        call = build_call(
            booking=svc,
            session_id="staff-e2e-call",
            caller="+1 555 010 4242",
            clock=clock,
            options=CallOptions(max_call_s=0),
        )
        await call.start()
        for line in (
            "I need a vaccination with Lee Chen today at four thirty please",
            "Nora Quinn, born June sixth, nineteen eighty two",
            "Yes",
        ):
            await call.session.run(user_input=line)
        return await call.finish()
    finally:
        await svc.close()


def test_a_call_by_the_agent_is_reviewable(live: LiveApp, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the worker's level in `make run`
    record = asyncio.run(phone_call(live))
    assert record.outcome == "booked", record.transcript
    # What the call logged (read before any HTTP request, whose ports could hold the digits),
    # as the worker's JSON log lines with their `extra` fields: no name, DOB or phone number.
    log = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    for phi in ("Nora", "Quinn", "1982", "4242"):
        assert phi not in log, phi
    s, _ = live.login(STAFF)
    calls = s.get(live.base + "/staff/calls", timeout=10).text
    assert f'data-call="{record.id}"' in calls and "•••-42" in calls
    page = s.get(f"{live.base}/staff/calls/{record.id}", timeout=10)
    assert page.status_code == 200
    assert '<svg class="timeline"' in page.text and "vaccination" in page.text
    assert len(re.findall(r'<rect class="seg', page.text)) == len(record.transcript)
    assert "find_availability" in page.text and "hold_slot" in page.text
    board = s.get(f"{live.base}/staff/bookings?day={live.day}&provider=chen", timeout=10)
    assert "Nora Quinn" in board.text
