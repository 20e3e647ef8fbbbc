"""The world a scenario runs in: a fresh SQLite database with the demo clinic, a fixed clock
at the scenario's `today`, its busy slots and existing appointments. Shared by all modes."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from booking import BookingService, FixedClock, PatientInfo, Slot
from sim.scenario import Scenario

SETUP_SESSION = "scenario-setup"


@asynccontextmanager
async def scenario_world(
    scenario: Scenario, *, clinic_config: Path | None = None
) -> AsyncIterator[tuple[BookingService, FixedClock]]:
    """Yields (booking service, clock); the database lives in a temp dir removed afterwards."""
    clock = FixedClock(scenario.today)
    with tempfile.TemporaryDirectory(prefix="sim-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'clinic.db'}"
        booking = await BookingService.open(url, clock=clock, clinic_config=clinic_config)
        try:
            for b in scenario.busy:
                await booking.add_busy(b.provider, b.start, visit_type=b.visit_type)
            for i, e in enumerate(scenario.existing):
                provider = booking.resolve_provider(e.provider)
                vt = booking.resolve_visit_type(e.visit_type)
                slot = Slot(
                    provider.id,
                    provider.name,
                    vt.name,
                    e.start,
                    e.start + timedelta(minutes=vt.minutes),
                )
                hold = await booking.hold(slot, SETUP_SESSION)
                await booking.confirm(
                    hold.id, PatientInfo(e.patient, e.dob), idempotency_key=f"setup-{i}"
                )
            yield booking, clock
        finally:
            await booking.close()
