from datetime import date, datetime, time, timedelta

import pytest

from booking import BookingService, FixedClock, InvalidRequest, OutsideHours, Slot

MON, THU, SAT, SUN = date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 7), date(2026, 3, 8)


def slot(provider: str, visit: str, start: datetime, minutes: int) -> Slot:
    names = {"patel": "Ana Patel", "okafor": "James Okafor", "chen": "Lee Chen"}
    return Slot(provider, names[provider], visit, start, start + timedelta(minutes=minutes))


async def test_weekday_hours_and_duration(booking_service: BookingService) -> None:
    av = await booking_service.find_availability("new patient", "Patel", THU, limit=100)
    starts = [s.start.time() for s in av.slots]
    assert starts[0] == time(8, 0)
    # A 45-minute visit must end by 17:00, on the 15-minute grid.
    assert starts[-1] == time(16, 15)
    assert len(starts) == 34
    assert all(s.end - s.start == timedelta(minutes=45) for s in av.slots)


async def test_saturday_half_day_and_closed_sunday(booking_service: BookingService) -> None:
    sat = await booking_service.find_availability("checkup", "Patel", SAT, limit=100)
    assert (sat.slots[0].start.time(), sat.slots[-1].end.time()) == (time(9, 0), time(12, 0))
    sun = await booking_service.find_availability("checkup", "Patel", SUN)
    assert sun.slots == []
    assert sun.note == "We're closed on Sundays."
    assert sun.alternatives, "a closed day still gets nearby options"
    assert all(s.start.date() != SUN for s in sun.alternatives)
    assert [s.start for s in sun.alternatives] == sorted(s.start for s in sun.alternatives)


async def test_earliest_first_across_providers_and_not_in_the_past(
    booking_service: BookingService,
) -> None:
    av = await booking_service.find_availability("checkup", limit=6)
    # Clock is Monday 09:00: nothing earlier than now.
    assert av.slots[0].start == datetime(2026, 3, 2, 9, 0)
    assert {s.provider_id for s in av.slots} == {"patel", "okafor"}
    assert [s.start for s in av.slots] == sorted(s.start for s in av.slots)


async def test_sick_visits_only_with_lee_chen(booking_service: BookingService) -> None:
    av = await booking_service.find_availability("sick visit", date_from=THU, limit=50)
    assert av.slots and {s.provider_name for s in av.slots} == {"Lee Chen"}
    with pytest.raises(InvalidRequest) as err:
        await booking_service.find_availability("sick visit", "Okafor", THU)
    assert "Lee Chen" in err.value.spoken


async def test_part_of_day_after_before(booking_service: BookingService) -> None:
    svc = booking_service
    morning = await svc.find_availability("checkup", "Patel", THU, part_of_day="morning", limit=99)
    assert morning.slots and all(s.start.hour < 12 for s in morning.slots)
    afternoon = await svc.find_availability("follow-up", "Patel", THU, part_of_day="afternoon")
    assert afternoon.slots[0].start == datetime(2026, 3, 5, 12, 0)
    after = await svc.find_availability("checkup", "Patel", THU, after=time(14, 10))
    assert after.slots[0].start == datetime(2026, 3, 5, 14, 15)
    before = await svc.find_availability("checkup", "Patel", THU, before=time(8, 30), limit=9)
    assert [s.start.time() for s in before.slots] == [time(8, 0), time(8, 15)]
    with pytest.raises(InvalidRequest):
        await svc.find_availability("checkup", "Patel", THU, part_of_day="midnight")


async def test_appointments_and_holds_block_overlapping_slots(
    booking_service: BookingService,
) -> None:
    svc = booking_service
    await svc.add_busy("Ana Patel", datetime(2026, 3, 5, 10, 0))  # checkup 10:00-10:30
    await svc.hold(slot("patel", "follow-up", datetime(2026, 3, 5, 11, 0), 15), "s1")
    av = await svc.find_availability("checkup", "Patel", THU, after=time(9, 30), limit=8)
    starts = [s.start.time() for s in av.slots]
    # 9:45 would run into the 10:00 block, 10:00 and 10:15 overlap it; 10:45 runs into 11:00.
    assert starts[:4] == [time(9, 30), time(10, 30), time(11, 15), time(11, 30)]


async def test_expired_hold_frees_slot(booking_service: BookingService) -> None:
    svc = booking_service
    assert isinstance(svc.clock, FixedClock)
    s = slot("patel", "checkup", datetime(2026, 3, 5, 10, 0), 30)
    await svc.hold(s, "s1", ttl=timedelta(minutes=5))
    av = await svc.find_availability("checkup", "Patel", THU, after=time(10, 0), limit=1)
    assert av.slots[0].start != s.start
    svc.clock.advance(timedelta(minutes=5))
    av = await svc.find_availability("checkup", "Patel", THU, after=time(10, 0), limit=1)
    assert av.slots[0] == s


async def test_nothing_that_window_gives_nearest_alternatives(
    booking_service: BookingService,
) -> None:
    svc = booking_service
    for minute in (0, 30):  # block Thursday 10:00-11:00 with Dr. Patel
        await svc.add_busy("patel", datetime(2026, 3, 5, 10, minute))
    av = await svc.find_availability(
        "checkup", "Patel", THU, after=time(10, 0), before=time(10, 45)
    )
    assert av.slots == [] and av.note
    alt = av.alternatives
    assert alt == sorted(alt, key=lambda s: s.start)
    starts = {s.start for s in alt}
    # Nearest times that day (11:00 right after the block, 9:30 right before it) ...
    assert datetime(2026, 3, 5, 11, 0) in starts and datetime(2026, 3, 5, 9, 30) in starts
    # ... and the same time on nearby days.
    assert datetime(2026, 3, 4, 10, 0) in starts or datetime(2026, 3, 6, 10, 0) in starts


async def test_evening_request_explains_closing_time(booking_service: BookingService) -> None:
    av = await booking_service.find_availability("checkup", None, THU, part_of_day="evening")
    assert av.slots == [] and av.note == "We close at 5 PM that day."
    assert av.alternatives and all(s.start.date() == THU for s in av.alternatives[:2])


async def test_hold_refuses_bad_slots(booking_service: BookingService) -> None:
    svc = booking_service
    bad = [
        (slot("patel", "checkup", datetime(2026, 3, 8, 10, 0), 30), OutsideHours),  # Sunday
        (slot("patel", "checkup", datetime(2026, 3, 7, 11, 45), 30), OutsideHours),  # past noon
        (slot("patel", "checkup", datetime(2026, 3, 5, 7, 30), 30), OutsideHours),
        (slot("patel", "checkup", datetime(2026, 3, 5, 10, 5), 30), InvalidRequest),  # grid
        (slot("patel", "checkup", datetime(2026, 3, 5, 10, 0), 15), InvalidRequest),  # length
        (slot("patel", "sick visit", datetime(2026, 3, 5, 10, 0), 15), InvalidRequest),
        (slot("patel", "checkup", datetime(2026, 3, 2, 8, 0), 30), InvalidRequest),  # past
    ]
    for s, error in bad:
        with pytest.raises(error) as err:
            await svc.hold(s, "s1")
        assert err.value.spoken.endswith(".")
    assert await svc.live_holds() == []


async def test_bad_ranges(booking_service: BookingService) -> None:
    with pytest.raises(InvalidRequest):
        await booking_service.find_availability("checkup", date_from=THU, date_to=MON)
    with pytest.raises(InvalidRequest):
        await booking_service.find_availability("haircut")
    with pytest.raises(InvalidRequest):
        await booking_service.find_availability("checkup", "Doctor Who")


async def test_date_to_alone_searches_from_today(booking_service: BookingService) -> None:
    av = await booking_service.find_availability("checkup", date_to=THU, limit=500)
    days = {s.start.date() for s in av.slots}
    assert min(days) == MON and max(days) == THU
