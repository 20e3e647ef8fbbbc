"""A provider's own weekly `hours:` replace the clinic's for that provider only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import yaml

from booking import BookingService, FixedClock, OutsideHours, Slot
from booking.clinic import DEFAULT_CLINIC_CONFIG

MON, TUE = date(2026, 3, 2), date(2026, 3, 3)


@pytest.fixture
async def svc(
    tmp_path: Path, sqlite_url: str, clinic_clock: FixedClock
) -> AsyncIterator[BookingService]:
    """The demo clinic, except that Lee Chen works Mondays 13:00-15:00 only."""
    raw = yaml.safe_load(DEFAULT_CLINIC_CONFIG.read_text())
    (chen,) = [p for p in raw["providers"] if p["id"] == "chen"]
    chen["hours"] = {"monday": "13:00-15:00"}  # days left out are closed
    config = tmp_path / "clinic.yaml"
    config.write_text(yaml.safe_dump(raw))
    s = await BookingService.open(sqlite_url, clock=clinic_clock, clinic_config=config)
    yield s
    await s.close()


def sick_visit(start: datetime) -> Slot:
    return Slot("chen", "Lee Chen", "sick visit", start, start + timedelta(minutes=15))


async def test_availability_keeps_to_the_providers_own_hours(svc: BookingService) -> None:
    week = await svc.find_availability(
        "sick visit", date_from=MON, date_to=MON + timedelta(days=6), limit=100
    )
    assert [s.start for s in week.slots] == [
        datetime(2026, 3, 2, 13, 0) + timedelta(minutes=15 * i) for i in range(8)
    ]
    tuesday = await svc.find_availability("sick visit", "Chen", TUE)
    assert tuesday.slots == []
    assert tuesday.alternatives, "a day the provider is off still gets nearby options"
    for s in tuesday.alternatives:
        assert s.start.weekday() == 0 and time(13, 0) <= s.start.time() < time(15, 0)
    # Everyone else keeps the clinic's hours.
    patel = await svc.find_availability("follow-up", "Patel", TUE, limit=1)
    assert patel.slots[0].start == datetime(2026, 3, 3, 8, 0)


async def test_hold_outside_the_providers_hours_is_refused(svc: BookingService) -> None:
    outside = [
        datetime(2026, 3, 3, 13, 0),  # Tuesday: the clinic is open, Lee Chen is not
        datetime(2026, 3, 2, 12, 45),  # Monday before 13:00
        datetime(2026, 3, 2, 15, 0),  # Monday, would end after 15:00
        datetime(2026, 3, 5, 10, 0),  # Thursday
    ]
    for start in outside:
        with pytest.raises(OutsideHours) as err:
            await svc.hold(sick_visit(start), "call-1")
        assert err.value.spoken.endswith(".")
    assert await svc.live_holds() == []
    held = await svc.hold(sick_visit(datetime(2026, 3, 2, 14, 45)), "call-1")  # last one in
    assert held.slot.provider_id == "chen"
