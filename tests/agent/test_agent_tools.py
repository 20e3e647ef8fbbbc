"""Booking tools against a real (SQLite) booking service: state kept in step, rules enforced."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from agent.state import DialogueState, Stage
from agent.tools import BookingTools, NotAllowed
from booking import BookingService, PatientInfo, Slot


def tools_for(svc: BookingService, session_id: str = "t1") -> BookingTools:
    return BookingTools(svc, DialogueState(), session_id)


async def test_find_hold_confirm_books_and_updates_state(booking_service: BookingService) -> None:
    ops = tools_for(booking_service)
    text = await ops.find_availability("checkup", "Patel", "2026-03-05", "morning")
    b = ops.state.booking
    assert b.stage is Stage.OFFERING and len(b.offered) == 3
    assert all(s.start.date() == date(2026, 3, 5) and s.start.hour < 12 for s in b.offered)
    assert "1)" in text and "Ana Patel" in text
    await ops.hold_slot(2)
    assert b.stage is Stage.HELD and b.hold_id
    assert len(await booking_service.live_holds("t1")) == 1
    await ops.confirm_booking("Maria Lopez", "1985-03-03")
    assert b.stage is Stage.CONFIRMED and b.appointment_id
    appts = await booking_service.find_appointments("Maria Lopez", date(1985, 3, 3))
    assert [a.slot.start for a in appts] == [b.offered[1].start]
    assert await booking_service.live_holds("t1") == []


async def test_exact_time_search_returns_that_time(booking_service: BookingService) -> None:
    ops = tools_for(booking_service)
    await ops.find_availability("checkup", "Patel", "2026-03-05", after="09:30", before="09:30")
    assert [s.start for s in ops.state.booking.offered] == [datetime(2026, 3, 5, 9, 30)]


async def test_taken_time_gives_alternatives_for_the_same_provider_first(
    booking_service: BookingService,
) -> None:
    await booking_service.add_busy("patel", datetime(2026, 3, 5, 10, 0))
    ops = tools_for(booking_service)
    await ops.find_availability("checkup", "Patel", "2026-03-05", after="10:00", before="10:00")
    b = ops.state.booking
    assert b.offered_were_alternatives and b.offered
    assert b.offered[0].provider_id == "patel"
    assert datetime(2026, 3, 5, 10, 0) not in [s.start for s in b.offered]


async def test_past_day_is_refused_with_a_spoken_sentence(booking_service: BookingService) -> None:
    from booking import BookingError

    ops = tools_for(booking_service)
    with pytest.raises(BookingError) as err:
        await ops.find_availability("checkup", day="2026-02-20")
    assert err.value.spoken == "That date has already passed."


async def test_cancel_needs_a_verified_caller(booking_service: BookingService) -> None:
    start = datetime(2026, 3, 4, 11, 0)
    slot = Slot("chen", "Lee Chen", "sick visit", start, start + timedelta(minutes=15))
    hold = await booking_service.hold(slot, "setup")
    appt = await booking_service.confirm(
        hold.id, PatientInfo("Dev Shah", date(1979, 11, 20)), idempotency_key="k"
    )
    ops = tools_for(booking_service)
    with pytest.raises(NotAllowed):
        await ops.cancel_appointment(appt.id)  # nobody verified yet
    await ops.lookup_appointments("Dev Shah", "1990-01-01")  # wrong DOB
    assert not ops.state.booking.verified
    with pytest.raises(NotAllowed):
        await ops.cancel_appointment(appt.id)
    assert (await booking_service.get_appointment(appt.id)).status == "confirmed"
    await ops.lookup_appointments("dev shah", "1979-11-20")
    assert ops.state.booking.verified
    await ops.cancel_appointment(appt.id)
    assert (await booking_service.get_appointment(appt.id)).status == "cancelled"


async def test_release_all_gives_back_every_hold(booking_service: BookingService) -> None:
    ops = tools_for(booking_service, "s-rel")
    await ops.find_availability("vaccination", day="2026-03-06")
    await ops.hold_slot(1)
    await ops.hold_slot(2)  # the first hold is released when another is taken
    assert len(await booking_service.live_holds("s-rel")) == 1
    assert await ops.release_all() == 1
    assert await booking_service.live_holds("s-rel") == []
