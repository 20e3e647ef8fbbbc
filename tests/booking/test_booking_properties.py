"""Property: no sequence of holds, confirms, releases, cancels, reschedules and clock moves
ever leaves two live bookings (holds or appointments) of one provider overlapping."""

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking import BookingError, BookingService, FixedClock, PatientInfo, Slot
from booking.schema import appointments, holds

START = datetime(2026, 3, 2, 9, 0)
DAY = datetime(2026, 3, 3, 9, 0)  # Tuesday 09:00-11:00 is the contested window
PROVIDERS = [("patel", "Ana Patel"), ("okafor", "James Okafor")]
VISITS = [("checkup", 30), ("follow-up", 15), ("new patient", 45)]

slot_st = st.builds(
    lambda p, v, cell: Slot(
        PROVIDERS[p][0],
        PROVIDERS[p][1],
        VISITS[v][0],
        DAY + timedelta(minutes=15 * cell),
        DAY + timedelta(minutes=15 * cell + VISITS[v][1]),
    ),
    st.integers(0, 1),
    st.integers(0, 2),
    st.integers(0, 6),
)
op_st = st.one_of(
    st.tuples(st.just("hold"), slot_st, st.integers(0, 2), st.integers(1, 6)),
    st.tuples(st.just("confirm"), st.integers(0, 20), st.integers(0, 3)),
    st.tuples(st.just("release"), st.integers(0, 20)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("reschedule"), st.integers(0, 20), slot_st, st.integers(0, 2)),
    st.tuples(st.just("advance"), st.integers(1, 4)),
    st.tuples(
        st.just("sweep"),
    ),
)


async def live_intervals(
    svc: BookingService, now: datetime
) -> list[tuple[str, datetime, datetime]]:
    a, h = appointments.c, holds.c
    async with svc.db.read() as conn:
        rows = list(
            await conn.execute(
                sa.select(a.provider_id, a.start_at, a.end_at).where(a.status == "confirmed")
            )
        )
        rows += list(
            await conn.execute(
                sa.select(h.provider_id, h.start_at, h.end_at).where(
                    h.status == "held", h.expires_at > now
                )
            )
        )
    return [(r[0], r[1], r[2]) for r in rows]


def overlapping(rows: list[tuple[str, datetime, datetime]]) -> list[tuple[object, object]]:
    return [
        (x, y)
        for i, x in enumerate(rows)
        for y in rows[i + 1 :]
        if x[0] == y[0] and x[1] < y[2] and y[1] < x[2]
    ]


async def reset(svc: BookingService) -> None:
    async with svc.db.write() as conn:
        for table in ("slot_claims", "holds", "appointments", "patients"):
            await conn.execute(sa.text(f"DELETE FROM {table}"))


async def run_ops(svc: BookingService, clock: FixedClock, ops: list[tuple]) -> int:
    """Apply ops, checking the invariant after each; returns how many bookings succeeded."""
    clock.set(START)
    await reset(svc)
    hold_ids: list[str] = []
    appt_ids: list[str] = []
    for n, op in enumerate(ops):
        try:
            match op:
                case ("hold", slot, session, ttl):
                    h = await svc.hold(slot, f"s{session}", timedelta(minutes=ttl))
                    hold_ids.append(h.id)
                case ("confirm", i, key) if hold_ids:
                    patient = PatientInfo(f"Patient {key}", date(1980, 1, 1 + key))
                    appt = await svc.confirm(hold_ids[i % len(hold_ids)], patient, f"k{n}")
                    appt_ids.append(appt.id)
                case ("release", i) if hold_ids:
                    await svc.release(hold_ids[i % len(hold_ids)])
                case ("cancel", i) if appt_ids:
                    await svc.cancel(appt_ids[i % len(appt_ids)])
                case ("reschedule", i, slot, session) if appt_ids:
                    appt = await svc.reschedule(
                        appt_ids[i % len(appt_ids)], slot, f"s{session}", f"r{n}"
                    )
                    appt_ids.append(appt.id)
                case ("advance", minutes):
                    clock.advance(timedelta(minutes=minutes))
                case ("sweep",):
                    await svc.sweep_expired()
        except BookingError:
            pass  # refusals are fine; only the invariant matters
        clashes = overlapping(await live_intervals(svc, clock.now()))
        assert not clashes, f"after op {n} {op}: {clashes}"
    return len(appt_ids)


def test_no_overlapping_live_bookings(tmp_path: Path) -> None:
    # One service and loop for all examples (tables are emptied between them): opening a
    # database per example would dominate the run time.
    loop = asyncio.new_event_loop()
    clock = FixedClock(START)
    svc = loop.run_until_complete(
        BookingService.open(f"sqlite:///{tmp_path / 'clinic.db'}", clock=clock)
    )

    booked: list[int] = []

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(op_st, min_size=1, max_size=25))
    def check(ops: list[tuple]) -> None:
        booked.append(loop.run_until_complete(run_ops(svc, clock, ops)))

    try:
        check()
        assert sum(booked) > 0, "the generated operations never booked anything"
    finally:
        loop.run_until_complete(svc.close())
        loop.close()
