"""Holds, confirm, release, cancel, reschedule and lookup, on SQLite and PostgreSQL."""

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from booking import (
    BookingService,
    FixedClock,
    HoldExpired,
    InvalidRequest,
    NotFound,
    PatientInfo,
    Slot,
    SlotTaken,
    start_sweeper,
)
from booking.schema import holds

MARIA = PatientInfo("Maria Lopez", date(1985, 3, 3), "555-0101")
THU_10 = datetime(2026, 3, 5, 10, 0)


@pytest.fixture
async def svc(db_url: str, clinic_clock: FixedClock) -> AsyncIterator[BookingService]:
    s = await BookingService.open(db_url, clock=clinic_clock)
    yield s
    await s.close()


def checkup(start: datetime, provider: str = "patel") -> Slot:
    names = {"patel": "Ana Patel", "okafor": "James Okafor"}
    return Slot(provider, names[provider], "checkup", start, start + timedelta(minutes=30))


def clock_of(svc: BookingService) -> FixedClock:
    assert isinstance(svc.clock, FixedClock)
    return svc.clock


async def test_hold_then_confirm_books(svc: BookingService) -> None:
    hold = await svc.hold(checkup(THU_10), "call-1")
    assert hold.expires_at == datetime(2026, 3, 2, 9, 5)
    assert [h.id for h in await svc.live_holds("call-1")] == [hold.id]
    appt = await svc.confirm(hold.id, MARIA, "call-1:confirm")
    assert (appt.status, appt.patient_name, appt.slot) == ("confirmed", "Maria Lopez", hold.slot)
    assert await svc.live_holds() == []
    assert [a.id for a in await svc.list_appointments(THU_10.date())] == [appt.id]
    with pytest.raises(SlotTaken):
        await svc.hold(checkup(THU_10 + timedelta(minutes=15)), "call-2")  # overlaps


async def test_same_session_holding_again_renews(svc: BookingService) -> None:
    first = await svc.hold(checkup(THU_10), "call-1", ttl=timedelta(minutes=5))
    clock_of(svc).advance(timedelta(minutes=4))
    again = await svc.hold(checkup(THU_10), "call-1", ttl=timedelta(minutes=5))
    assert again.id == first.id and again.expires_at == datetime(2026, 3, 2, 9, 9)
    clock_of(svc).advance(timedelta(minutes=4))  # past the first expiry, inside the renewed one
    assert [h.id for h in await svc.live_holds()] == [first.id]
    with pytest.raises(SlotTaken):
        await svc.hold(checkup(THU_10), "call-2")
    assert (await svc.confirm(first.id, MARIA, "k")).status == "confirmed"


async def test_confirm_is_idempotent(svc: BookingService) -> None:
    hold = await svc.hold(checkup(THU_10), "call-1")
    first = await svc.confirm(hold.id, MARIA, "k1")
    assert await svc.confirm(hold.id, MARIA, "k1") == first
    # Same hold retried with a fresh key (the agent lost its key): still the same booking.
    assert await svc.confirm(hold.id, MARIA, "k2") == first
    other = await svc.hold(checkup(THU_10, "okafor"), "call-1")
    with pytest.raises(InvalidRequest):
        await svc.confirm(other.id, MARIA, "k1")  # key belongs to another request
    assert len(await svc.list_appointments()) == 1


async def test_hold_expires_lazily_and_by_sweeper(svc: BookingService) -> None:
    clock = clock_of(svc)
    hold = await svc.hold(checkup(THU_10), "call-1", ttl=timedelta(minutes=2))
    with pytest.raises(SlotTaken):
        await svc.hold(checkup(THU_10), "call-2")
    clock.advance(timedelta(minutes=2))
    assert await svc.live_holds() == []
    with pytest.raises(HoldExpired) as err:
        await svc.confirm(hold.id, MARIA, "k1")
    assert err.value.spoken
    second = await svc.hold(checkup(THU_10), "call-2")  # lazy: dead claim cleared on the spot
    clock.advance(timedelta(minutes=10))
    assert await svc.sweep_expired() == 2  # both holds are now marked expired
    assert await svc.sweep_expired() == 0
    with pytest.raises(HoldExpired):
        await svc.confirm(second.id, MARIA, "k2")
    assert await svc.list_appointments() == []


async def held_rows(svc: BookingService) -> int:
    query = sa.select(sa.func.count()).select_from(holds).where(holds.c.status == "held")
    async with svc.db.read() as conn:
        return int((await conn.execute(query)).scalar_one())


async def test_sweeper_task_runs(svc: BookingService) -> None:
    await svc.hold(checkup(THU_10), "call-1", ttl=timedelta(seconds=1))
    clock_of(svc).advance(timedelta(seconds=1))
    task = start_sweeper(svc, interval_s=0.01)
    try:
        for _ in range(200):
            if not await held_rows(svc):
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
    assert await held_rows(svc) == 0


async def test_release_and_session_release(svc: BookingService) -> None:
    a = await svc.hold(checkup(THU_10), "call-1")
    await svc.hold(checkup(THU_10, "okafor"), "call-1")
    await svc.hold(checkup(THU_10 + timedelta(hours=1)), "call-2")
    assert await svc.release(a.id) is True
    assert await svc.release(a.id) is False
    with pytest.raises(HoldExpired):
        await svc.confirm(a.id, MARIA, "k")
    assert await svc.release_session_holds("call-1") == 1
    assert [h.session_id for h in await svc.live_holds()] == ["call-2"]
    await svc.hold(checkup(THU_10), "call-3")  # released time is free again


async def test_cancel_frees_the_time(svc: BookingService) -> None:
    appt = await svc.confirm((await svc.hold(checkup(THU_10), "c")).id, MARIA, "k")
    cancelled = await svc.cancel(appt.id)
    assert cancelled.status == "cancelled"
    assert (await svc.cancel(appt.id)).status == "cancelled"  # twice is harmless
    assert await svc.list_appointments() == []
    assert len(await svc.list_appointments(include_cancelled=True)) == 1
    await svc.hold(checkup(THU_10), "c2")
    with pytest.raises(NotFound):
        await svc.cancel("nope")


async def test_reschedule_moves_atomically(svc: BookingService) -> None:
    appt = await svc.confirm((await svc.hold(checkup(THU_10), "c1")).id, MARIA, "k1")
    # Overlapping move (10:00 -> 10:15) works because the old claims go in the same transaction.
    moved = await svc.reschedule(appt.id, checkup(THU_10 + timedelta(minutes=15)), "c2", "r1")
    assert moved.rescheduled_from == appt.id and moved.patient_name == "Maria Lopez"
    assert (await svc.get_appointment(appt.id)).status == "cancelled"
    assert await svc.reschedule(appt.id, checkup(THU_10 + timedelta(minutes=15)), "c2", "r1") == (
        moved
    )
    # Into a taken slot: refused and the appointment is untouched.
    await svc.add_busy("patel", datetime(2026, 3, 6, 9, 0))
    with pytest.raises(SlotTaken):
        await svc.reschedule(moved.id, checkup(datetime(2026, 3, 6, 9, 0)), "c3", "r2")
    assert (await svc.get_appointment(moved.id)).status == "confirmed"
    assert [a.id for a in await svc.list_appointments()] == [moved.id]
    # The session's own hold on the new slot is consumed, not a conflict.
    target = checkup(datetime(2026, 3, 6, 11, 0))
    hold = await svc.hold(target, "c4")
    final = await svc.reschedule(moved.id, target, "c4", "r3")
    assert final.slot == target and await svc.live_holds() == []
    # The hold now belongs to that appointment: confirming it again answers with it.
    assert await svc.confirm(hold.id, MARIA, "k-other") == final
    assert [a.id for a in await svc.list_appointments()] == [final.id]


async def test_find_appointments_by_name_and_dob(svc: BookingService) -> None:
    a = await svc.confirm((await svc.hold(checkup(THU_10), "c1")).id, MARIA, "k1")
    b_slot = checkup(datetime(2026, 3, 3, 14, 0), "okafor")
    b = await svc.confirm((await svc.hold(b_slot, "c2")).id, MARIA, "k2")
    other = PatientInfo("Maria Lopez", date(1990, 1, 1))
    await svc.confirm((await svc.hold(checkup(THU_10, "okafor"), "c3")).id, other, "k3")
    found = await svc.find_appointments("  maria LOPEZ ", date(1985, 3, 3))
    assert [x.id for x in found] == [b.id, a.id]  # earliest first; the namesake is not mixed in
    assert found[0].patient_phone == "555-0101"
    await svc.cancel(b.id)
    assert [x.id for x in await svc.find_appointments("Maria Lopez", date(1985, 3, 3))] == [a.id]
    clock_of(svc).set(datetime(2026, 3, 6, 9, 0))
    assert await svc.find_appointments("Maria Lopez", date(1985, 3, 3)) == []
    past = await svc.find_appointments("Maria Lopez", date(1985, 3, 3), include_past=True)
    assert [x.id for x in past] == [a.id]


async def test_bad_patient_and_unknown_hold(svc: BookingService) -> None:
    hold = await svc.hold(checkup(THU_10), "c1")
    with pytest.raises(InvalidRequest):
        await svc.confirm(hold.id, PatientInfo(" ", date(1985, 3, 3)), "k")
    with pytest.raises(InvalidRequest):
        await svc.confirm(hold.id, PatientInfo("Al Bo", date(2030, 1, 1)), "k")
    with pytest.raises(NotFound):
        await svc.confirm("missing", MARIA, "k")
    # Bad input lost nothing: the hold is still there and confirmable.
    assert (await svc.confirm(hold.id, MARIA, "k")).status == "confirmed"


async def test_busy_blocks_are_hidden_by_default(svc: BookingService) -> None:
    busy = await svc.add_busy("Doctor Okafor", datetime(2026, 3, 5, 10, 0))
    assert busy.slot.provider_name == "James Okafor"
    assert await svc.list_appointments() == []
    assert [a.id for a in await svc.list_appointments(include_busy=True)] == [busy.id]
    with pytest.raises(SlotTaken):
        await svc.add_busy("okafor", datetime(2026, 3, 5, 10, 15))
