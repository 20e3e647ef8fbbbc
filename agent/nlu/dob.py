"""Dates of birth versus appointment days, and what is wrong with a spoken date of birth."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from agent.nlu.corrections import negated
from agent.nlu.dates import DayMention, month_name
from agent.nlu.format import format_day

_DOB_CUE = re.compile(r"\b(?:born|birth|birthday|dob|d o b|date of birth|birthdate)\b")

T = TypeVar("T")


def pick(items: Sequence[T], last: bool) -> T | None:
    """The slot value to keep: the last one after a self-repair, otherwise the first."""
    if not items:
        return None
    return items[-1] if last else items[0]


def split_days(
    mentions: list[DayMention],
    digits: str,
    now: datetime,
    expecting: str | None,
    correction: bool,
    problems: list[str],
) -> tuple[date | None, date | None]:
    """(date of birth, appointment day) from the day mentions; problems are appended.

    A date is a DOB when one is expected, when "born"/"date of birth" is said near it, or
    when its year is before this year (appointments are never in past years).
    """
    today = now.date()
    expecting_dob = expecting in ("date_of_birth", "name_and_dob")
    cue = _DOB_CUE.search(digits)
    dob_mentions: list[DayMention] = []
    day_mentions: list[DayMention] = []
    for m in mentions:
        cued = cue is not None and (cue.start() < m.start or m.start - cue.end() < 40)
        if m.kind == "absolute" and (
            expecting_dob or cued or (m.year is not None and m.year < today.year)
        ):
            dob_mentions.append(m)
        elif not negated(digits, m.start, m.end):
            day_mentions.append(m)
    dob: date | None = None
    chosen = pick(dob_mentions, correction)
    if chosen is not None:
        if chosen.problem:
            problems.append(chosen.problem)
        elif chosen.year is None:
            problems.append("I need the year too")
        elif chosen.day is not None and chosen.day > today:
            problems.append("That date of birth is in the future")
        elif chosen.day is not None and chosen.day.year < today.year - 120:
            problems.append(f"{chosen.day.year} is too long ago for a date of birth")
        else:
            dob = chosen.day
    appointment = pick(day_mentions, correction)
    day: date | None = None
    if appointment is not None:
        if appointment.problem:
            problems.append(appointment.problem)
        if appointment.day is not None and appointment.day < today:
            problems.append(f"{format_day(appointment.day)} has already passed")
        elif appointment.day is not None:
            day = appointment.day
        elif appointment.problem is None and appointment.month and appointment.dom:
            problems.append(f"I couldn't place {month_name(appointment.month)} {appointment.dom}")
    return dob, day
