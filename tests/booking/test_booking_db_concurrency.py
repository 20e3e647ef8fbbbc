"""Several databases opened at once in one process (concurrent simulated calls)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from booking import BookingService


async def test_databases_migrated_concurrently_each_get_the_schema(tmp_path: Path) -> None:
    urls = [f"sqlite+aiosqlite:///{tmp_path / f'clinic{i}.db'}" for i in range(3)]
    services = await asyncio.gather(*(BookingService.open(u) for u in urls))
    try:
        for svc in services:
            assert await svc.list_appointments() == []
            assert await svc.db.revision() is not None
    finally:
        await asyncio.gather(*(svc.close() for svc in services))
