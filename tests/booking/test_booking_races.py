"""Concurrency: the database, not Python, decides who gets a slot."""

import asyncio
import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from booking import Appointment, BookingService, FixedClock, Hold, PatientInfo, Slot, SlotTaken
from booking.schema import appointments

ROOT = str(Path(__file__).resolve().parents[2])

SLOT = Slot(
    "patel",
    "Ana Patel",
    "checkup",
    datetime(2026, 3, 5, 10, 0),
    datetime(2026, 3, 5, 10, 30),
)


async def open_many(url: str, clock: FixedClock, n: int) -> list[BookingService]:
    # Separate services = separate engines and pools, as in separate worker processes.
    first = await BookingService.open(url, clock=clock)
    rest = [await BookingService.open(url, clock=clock, seed=False) for _ in range(n - 1)]
    return [first, *rest]


async def test_200_concurrent_holds_one_winner(db_url: str, clinic_clock: FixedClock) -> None:
    services = await open_many(db_url, clinic_clock, 4)
    try:
        # Overlapping variants of the slot race too: 10:00 and 10:15 share a cell.
        variants = [
            SLOT,
            Slot(
                **{
                    **SLOT.__dict__,
                    "start": SLOT.start + timedelta(minutes=15),
                    "end": SLOT.end + timedelta(minutes=15),
                }
            ),
        ]
        results = await asyncio.gather(
            *(services[i % 4].hold(variants[i % 2], f"caller-{i}") for i in range(200)),
            return_exceptions=True,
        )
        winners = [r for r in results if isinstance(r, Hold)]
        losers = [r for r in results if isinstance(r, SlotTaken)]
        assert len(winners) == 1 and len(losers) == 199, {type(r).__name__ for r in results}
        live = await services[0].live_holds()
        assert [h.id for h in live] == [winners[0].id]
    finally:
        for s in services:
            await s.close()


async def test_50_concurrent_confirm_retries_one_appointment(
    db_url: str, clinic_clock: FixedClock
) -> None:
    services = await open_many(db_url, clinic_clock, 2)
    try:
        hold = await services[0].hold(SLOT, "caller")
        patient = PatientInfo("Ben Carter", date(1977, 3, 5))
        results = await asyncio.gather(
            *(services[i % 2].confirm(hold.id, patient, "caller:confirm:1") for i in range(50)),
            return_exceptions=True,
        )
        assert all(isinstance(r, Appointment) for r in results), results
        assert len({r.id for r in results if isinstance(r, Appointment)}) == 1
        async with services[0].db.read() as conn:
            count = (
                await conn.execute(sa.select(sa.func.count()).select_from(appointments))
            ).scalar_one()
        assert count == 1
    finally:
        for s in services:
            await s.close()


RACER = """
import asyncio, sys
from datetime import datetime
from booking import BookingService, FixedClock, Hold, Slot, SlotTaken

async def main(url, tag):
    svc = await BookingService.open(url, clock=FixedClock(datetime(2026, 3, 2, 9)), seed=False)
    start = datetime(2026, 3, 5, 10)
    slot = Slot("patel", "Ana Patel", "checkup", start, start.replace(minute=30))
    res = await asyncio.gather(*[svc.hold(slot, f"{tag}-{i}") for i in range(40)],
                               return_exceptions=True)
    await svc.close()
    odd = [repr(r) for r in res if not isinstance(r, (Hold, SlotTaken))]
    print(sum(isinstance(r, Hold) for r in res), len(odd), odd[:1])

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_sqlite_race_across_processes(sqlite_url: str, clinic_clock: FixedClock) -> None:
    """Separate worker processes share the SQLite file: one winner, no 'database is locked'."""
    await (await BookingService.open(sqlite_url, clock=clinic_clock)).close()  # migrate + seed
    env = {**os.environ, "PYTHONPATH": ROOT}
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            RACER,
            sqlite_url,
            f"p{i}",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for i in range(3)
    ]
    outs = [await p.communicate() for p in procs]
    assert all(p.returncode == 0 for p in procs), [err.decode()[-500:] for _, err in outs]
    lines = [out.decode().split(maxsplit=2) for out, _ in outs]
    assert sum(int(w) for w, _, _ in lines) == 1, lines
    assert all(odd == "0" for _, odd, _ in lines), lines
