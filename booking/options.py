"""Booking options: one table of defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

# The checkout this package lives in (it is installed editable), so that the default database
# is the same file whichever directory `python -m booking`, the worker or the web app run from.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BookingOptions:
    hold_ttl: timedelta = timedelta(minutes=5)
    # find_availability without dates searches today and this many days after it.
    search_days: int = 14
    # how far (days either side) to look for alternatives when nothing matches.
    alternative_days: int = 7
    max_search_days: int = 92
    # used when neither an explicit URL nor $DATABASE_URL is given
    sqlite_path: Path = PROJECT_ROOT / "var" / "clinic.db"
    # SQLite waits this long for another process's write lock before failing.
    sqlite_busy_timeout_ms: int = 30_000
    pool_size: int = 10
    max_overflow: int = 20


DEFAULT_OPTIONS = BookingOptions()
