"""The web app's lifespan runs the hold sweeper on its booking service and stops it on shutdown."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from booking import BookingService, FixedClock, Slot
from booking.schema import holds
from web.app import create_app
from web.settings import WebSettings

OPENED = datetime(2026, 3, 2, 9, 0)  # a Monday morning
THU_10 = datetime(2026, 3, 5, 10, 0)


async def hold_status(svc: BookingService, hold_id: str) -> str:
    query = sa.select(holds.c.status).where(holds.c.id == hold_id)
    async with svc.db.read() as conn:
        return str((await conn.execute(query)).scalar_one())


async def test_lifespan_sweeps_expired_holds_and_stops_the_sweeper(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    async with await BookingService.open(url, clock=FixedClock(OPENED)) as worker:
        slot = Slot("patel", "Ana Patel", "checkup", THU_10, THU_10 + timedelta(minutes=30))
        hold = await worker.hold(slot, "call-1", ttl=timedelta(minutes=5))

    # The app's clinic clock is past the hold's expiry; only a sweep changes its stored status.
    app = create_app(WebSettings(database_url=url), clock=FixedClock(OPENED + timedelta(hours=1)))
    async with app.router.lifespan_context(app):
        svc: BookingService = app.state.booking
        sweeper: asyncio.Task[None] = app.state.sweeper
        assert not sweeper.done()
        # The first sweep runs as soon as the app starts; poll briefly instead of sleeping.
        for _ in range(500):
            if await hold_status(svc, hold.id) != "held":
                break
            await asyncio.sleep(0.01)
        assert await hold_status(svc, hold.id) == "expired"
    assert sweeper.cancelled()
