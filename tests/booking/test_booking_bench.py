"""The booking benchmark's own checks: its race numbers and its double-booking counter."""

from datetime import date, datetime

import sqlalchemy as sa

from bench.booking import BenchOptions, double_bookings, run_backend
from booking import BookingService, FixedClock
from booking.schema import appointments


async def test_bench_small_run_on_sqlite(sqlite_url: str) -> None:
    r = await run_backend("sqlite", sqlite_url, BenchOptions(n=20, clients=4, race_clients=40))
    assert (r.race_winners, r.confirm_race_appointments, r.double_bookings) == (1, 1, 0)
    assert r.holds_per_s > 0 and r.confirms_per_s > 0 and r.p99_ms >= r.p50_ms > 0


async def test_double_booking_counter_sees_raw_overlaps(sqlite_url: str) -> None:
    svc = await BookingService.open(sqlite_url, clock=FixedClock(datetime(2026, 3, 2, 7, 0)))
    try:
        rows = [  # written around the service (no slot claims), as a broken writer would
            ("a", datetime(2026, 3, 3, 9, 0), datetime(2026, 3, 3, 10, 0)),
            ("b", datetime(2026, 3, 3, 9, 15), datetime(2026, 3, 3, 9, 30)),  # inside a
            ("c", datetime(2026, 3, 3, 9, 0), datetime(2026, 3, 3, 10, 0)),  # same as a
            ("d", datetime(2026, 3, 3, 10, 0), datetime(2026, 3, 3, 10, 30)),  # touches only
        ]
        async with svc.db.write() as conn:
            for appt_id, start, end in rows:
                await conn.execute(
                    sa.insert(appointments).values(
                        id=appt_id,
                        provider_id="patel",
                        visit_type="checkup",
                        start_at=start,
                        end_at=end,
                        kind="patient",
                        patient_name="X",
                        patient_dob=date(1990, 1, 1),
                        status="confirmed",
                        created_at=start,
                    )
                )
        assert await double_bookings(svc) == 3  # a-b, a-c, b-c
    finally:
        await svc.close()
