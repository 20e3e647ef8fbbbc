"""How the agent says days, times and spelled names."""

from __future__ import annotations

from datetime import date, time


def format_day(d: date) -> str:
    """date(2026, 3, 5) -> "Thursday, March 5"."""
    return f"{d:%A}, {d:%B} {d.day}"


def format_time(t: time) -> str:
    """time(9, 30) -> "9:30 AM"; time(14, 0) -> "2 PM"; time(12, 0) -> "12 PM"."""
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def spell(name: str) -> str:
    """ "Maria" -> "M-A-R-I-A"; words are separated by ", " ("Lee Chen" -> "L-E-E, C-H-E-N")."""
    words = [w for w in name.replace("-", " ").split() if w]
    return ", ".join("-".join(ch.upper() for ch in w if ch.isalpha()) for w in words)
