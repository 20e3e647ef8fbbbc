"""Clocks. All booking times are naive datetimes in the clinic's local time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """Current clinic-local time, naive."""
        ...


class SystemClock:
    """Wall clock in the clinic's time zone (or the machine's when none is given)."""

    def __init__(self, timezone: str | None = None) -> None:
        self._tz = ZoneInfo(timezone) if timezone else None

    def now(self) -> datetime:
        if self._tz is None:
            return datetime.now().replace(microsecond=0)
        return datetime.now(self._tz).replace(tzinfo=None, microsecond=0)


class FixedClock:
    """A clock that only moves when told to: tests and simulations."""

    def __init__(self, dt: datetime) -> None:
        self._now = _naive(dt)

    def now(self) -> datetime:
        return self._now

    def set(self, dt: datetime) -> None:
        self._now = _naive(dt)

    def advance(self, delta: timedelta) -> datetime:
        self._now = self._now + delta
        return self._now


def _naive(dt: datetime) -> datetime:
    if dt.tzinfo is not None:
        raise ValueError("booking clocks use naive clinic-local datetimes")
    return dt
