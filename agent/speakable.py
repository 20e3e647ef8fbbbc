"""Dates, times and slots as a receptionist says them ("Thursday, March 5th at 9:30 AM")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from agent.state import SlotLike


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def say_time(t: time) -> str:
    if t == time(12, 0):
        return "12 noon"
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def say_day(d: date, today: date | None = None) -> str:
    """'Thursday, March 5th'; 'today' / 'tomorrow' are added when they apply."""
    base = f"{d:%A}, {d:%B} {ordinal(d.day)}"
    if today is not None:
        if d == today:
            return f"today, {base}"
        if (d - today).days == 1:
            return f"tomorrow, {base}"
    return base


def say_weekday(d: date) -> str:
    return f"{d:%A}"


def say_dob(d: date) -> str:
    return f"{d:%B} {ordinal(d.day)}, {d.year}"


def say_when(dt: datetime, today: date | None = None) -> str:
    return f"{say_day(dt.date(), today)} at {say_time(dt.time())}"


def join_or(items: Sequence[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def join_and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def say_slot_options(slots: Sequence[SlotLike], today: date | None = None) -> str:
    """Group by day: 'Thursday, March 5th at 8 AM, 8:30 AM or 9 AM'."""
    by_day: dict[date, list[str]] = {}
    for s in slots:
        by_day.setdefault(s.start.date(), []).append(say_time(s.start.time()))
    parts = [f"{say_day(d, today)} at {join_or(times)}" for d, times in by_day.items()]
    return "; or ".join(parts)
