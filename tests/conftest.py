"""Shared fixtures. Teams append small fixtures here; keep each one short and documented."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from support.ci import skip_or_fail

from booking import BookingService, FixedClock
from booking.pgserver import PgServer, PostgresUnavailable, temp_postgres

# Monday 2026-03-02 09:00, the "today" of the sample scenarios.
CLINIC_NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One private PostgreSQL server for the whole test session (stopped afterwards).
    Missing binaries fail the run under CI=true and skip the test elsewhere."""
    try:
        with temp_postgres() as server:
            yield server
    except PostgresUnavailable as e:
        skip_or_fail(str(e))


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'clinic.db'}"


@pytest.fixture
def clinic_clock() -> FixedClock:
    return FixedClock(CLINIC_NOW)


@pytest.fixture
async def booking_service(
    sqlite_url: str, clinic_clock: FixedClock
) -> AsyncIterator[BookingService]:
    """A seeded demo clinic on a fresh SQLite file, clock at CLINIC_NOW."""
    svc = await BookingService.open(sqlite_url, clock=clinic_clock)
    yield svc
    await svc.close()
