"""Booking benchmark: hold and confirm throughput and latency, and a hold race, on SQLite and
on a private PostgreSQL server started for the run.

    python -m bench.booking [--json] [--backend sqlite|postgres|both] [--n 300] [--clients 16]

JSON: a list with one object per backend: backend, holds_per_s, confirms_per_s, p50_ms,
p99_ms (holds and confirms together), hold_p50_ms, hold_p99_ms, confirm_p50_ms,
confirm_p99_ms, race_clients, race_winners, confirm_retries, confirm_race_appointments,
double_bookings."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from booking import BookingService, FixedClock, Hold, PatientInfo, Slot, SlotTaken
from booking.pgserver import temp_postgres
from booking.schema import appointments, holds

NOW = datetime(2026, 3, 2, 7, 0)  # Monday before opening: the whole week ahead is free


@dataclass(frozen=True)
class BenchOptions:
    n: int = 300
    clients: int = 16
    race_clients: int = 200
    race_services: int = 4
    confirm_retries: int = 50


@dataclass
class Result:
    backend: str
    holds_per_s: float
    confirms_per_s: float
    p50_ms: float
    p99_ms: float
    hold_p50_ms: float
    hold_p99_ms: float
    confirm_p50_ms: float
    confirm_p99_ms: float
    race_clients: int
    race_winners: int
    confirm_retries: int
    confirm_race_appointments: int
    double_bookings: int


def free_slots(svc: BookingService, n: int) -> list[Slot]:
    """n distinct follow-up slots (15 min) across all providers, from Monday on."""
    out: list[Slot] = []
    day = NOW.date()
    while len(out) < n:
        for p in svc.clinic.providers:
            hours = p.hours_on(day)
            if hours is None or not p.offers("follow-up"):
                continue
            t = datetime.combine(day, hours.opens)
            while t + timedelta(minutes=15) <= datetime.combine(day, hours.closes):
                out.append(Slot(p.id, p.name, "follow-up", t, t + timedelta(minutes=15)))
                t += timedelta(minutes=15)
        day += timedelta(days=1)
    return out[:n]


async def timed(
    items: list[Any], clients: int, op: Callable[[Any], Awaitable[Any]]
) -> tuple[list[Any], list[float], float]:
    """Run op over items with `clients` concurrent workers; per-op latencies in ms."""
    queue: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()
    for i, item in enumerate(items):
        queue.put_nowait((i, item))
    results: list[Any] = [None] * len(items)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            i, item = queue.get_nowait()
            t0 = time.perf_counter()
            results[i] = await op(item)
            latencies.append((time.perf_counter() - t0) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return results, latencies, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def double_bookings(svc: BookingService) -> int:
    """Pairs of overlapping live bookings of one provider, counted by SQL over the raw rows."""
    a, h = appointments, holds
    live = sa.union_all(
        sa.select(a.c.provider_id, a.c.start_at, a.c.end_at).where(a.c.status == "confirmed"),
        sa.select(h.c.provider_id, h.c.start_at, h.c.end_at).where(
            h.c.status == "held", h.c.expires_at > svc.clock.now()
        ),
    ).subquery()
    x, y = live.alias("x"), live.alias("y")
    query = sa.select(sa.func.count()).where(
        x.c.provider_id == y.c.provider_id,
        x.c.start_at < y.c.end_at,
        y.c.start_at < x.c.end_at,
        # Each unordered pair once: x sorts strictly before y by (start, end).
        sa.or_(
            x.c.start_at < y.c.start_at,
            sa.and_(x.c.start_at == y.c.start_at, x.c.end_at < y.c.end_at),
        ),
    )
    # Identical intervals also count, but a row must not pair with itself: compare row counts.
    same = sa.select(
        sa.func.coalesce(sa.func.sum(sa.literal_column("c") * (sa.literal_column("c") - 1) / 2), 0)
    ).select_from(
        sa.select(sa.func.count().label("c"))
        .select_from(live)
        .group_by(live.c.provider_id, live.c.start_at, live.c.end_at)
        .subquery()
    )
    async with svc.db.read() as conn:
        overlapping = int((await conn.execute(query)).scalar_one())
        identical = int((await conn.execute(same)).scalar_one())
    return overlapping + identical


async def run_backend(name: str, url: str, opts: BenchOptions) -> Result:
    clock = FixedClock(NOW)
    svc = await BookingService.open(url, clock=clock)
    extra = [
        await BookingService.open(url, clock=clock, seed=False)
        for _ in range(opts.race_services - 1)
    ]
    try:
        slots = free_slots(svc, opts.n + 1)
        race_slot, slots = slots[-1], slots[:-1]
        made, hold_ms, hold_s = await timed(
            slots, opts.clients, lambda s: svc.hold(s, f"bench-{s.start}-{s.provider_id}")
        )
        patient = PatientInfo("Bench Patient", date(1980, 1, 1))
        _, confirm_ms, confirm_s = await timed(
            made, opts.clients, lambda h: svc.confirm(h.id, patient, f"k-{h.id}")
        )
        services = [svc, *extra]
        raced = await asyncio.gather(
            *(
                services[i % len(services)].hold(race_slot, f"race-{i}")
                for i in range(opts.race_clients)
            ),
            return_exceptions=True,
        )
        unexpected = [r for r in raced if not isinstance(r, Hold | SlotTaken)]
        if unexpected:
            raise RuntimeError(f"race produced errors: {unexpected[:3]}")
        winners = [r for r in raced if isinstance(r, Hold)]
        confirmed = await asyncio.gather(
            *(
                services[i % len(services)].confirm(winners[0].id, patient, "race-confirm")
                for i in range(opts.confirm_retries)
            )
        )
        all_ms = hold_ms + confirm_ms
        return Result(
            backend=name,
            holds_per_s=round(len(slots) / hold_s, 1),
            confirms_per_s=round(len(made) / confirm_s, 1),
            p50_ms=round(pct(all_ms, 50), 2),
            p99_ms=round(pct(all_ms, 99), 2),
            hold_p50_ms=round(pct(hold_ms, 50), 2),
            hold_p99_ms=round(pct(hold_ms, 99), 2),
            confirm_p50_ms=round(pct(confirm_ms, 50), 2),
            confirm_p99_ms=round(pct(confirm_ms, 99), 2),
            race_clients=opts.race_clients,
            race_winners=len(winners),
            confirm_retries=opts.confirm_retries,
            confirm_race_appointments=len({a.id for a in confirmed}),
            double_bookings=await double_bookings(svc),
        )
    finally:
        for s in [svc, *extra]:
            await s.close()


@contextlib.contextmanager
def backend_url(name: str) -> Iterator[str]:
    if name == "sqlite":
        with tempfile.TemporaryDirectory() as d:
            yield f"sqlite:///{Path(d) / 'bench.db'}"
    else:
        # fsync on: commit costs are part of what we measure.
        with temp_postgres(fsync=True) as server:
            yield server.create_database("bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.booking", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=BenchOptions.n, help="holds (then confirms)")
    parser.add_argument("--clients", type=int, default=BenchOptions.clients)
    args = parser.parse_args(argv)
    if args.n < 1 or args.clients < 1:
        parser.error("--n and --clients must be positive")
    opts = BenchOptions(n=args.n, clients=args.clients)
    names = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = []
    for name in names:
        with backend_url(name) as url:
            results.append(asyncio.run(run_backend(name, url, opts)))
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(f"booking bench: {opts.n} holds + confirms, {opts.clients} clients")
        for r in results:
            print(
                f"{r.backend:>9}: {r.holds_per_s:7.1f} holds/s  {r.confirms_per_s:7.1f} "
                f"confirms/s  p50 {r.p50_ms:6.2f} ms  p99 {r.p99_ms:6.2f} ms  | race: "
                f"{r.race_winners}/{r.race_clients} winners, {r.confirm_race_appointments} "
                f"appointment from {r.confirm_retries} confirm retries, "
                f"{r.double_bookings} double bookings"
            )
    bad = [r for r in results if r.race_winners != 1 or r.double_bookings]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
