"""Background expiry of holds. Expiry is also lazy (a new claim clears dead claims on its
cells), so the sweeper only keeps tables tidy and hold statuses accurate."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Sweepable(Protocol):
    async def sweep_expired(self) -> int: ...


async def run_sweeper(svc: Sweepable, interval_s: float = 30.0) -> None:
    while True:
        try:
            n = await svc.sweep_expired()
            if n:
                log.debug("expired %d holds", n)
        except asyncio.CancelledError:
            raise
        except Exception:  # a failed sweep must not kill the worker; the next one retries
            log.exception("hold sweep failed")
        await asyncio.sleep(interval_s)


def start_sweeper(svc: Sweepable, interval_s: float = 30.0) -> asyncio.Task[None]:
    """Start the sweeper on the running loop; cancel the task to stop it."""
    return asyncio.get_running_loop().create_task(run_sweeper(svc, interval_s), name="sweeper")


async def stop_sweeper(task: asyncio.Task[None]) -> None:
    """Cancel the sweeper and wait until it has stopped, so that no sweep is still writing
    when the caller closes the database. asyncio.wait, unlike awaiting the task, does not
    re-raise the task's cancellation, while a cancellation of the caller still propagates."""
    task.cancel()
    await asyncio.wait([task])
