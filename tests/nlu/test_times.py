"""Clock times, relations and parts of day.

Hours without am/pm follow clinic hours: 1-6 -> PM, 7-11 -> AM, 12 -> noon; a part of day
said with the time wins.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest

from agent.nlu import parse

MON = datetime(2026, 3, 2, 9)

# text, expecting, time, relation, part of day
CASES: list[tuple[str, str | None, time | None, str | None, str | None]] = [
    ("ten o'clock", None, time(10), "at", None),
    ("Ten o'clock please", None, time(10), "at", None),
    ("10 oclock", None, time(10), "at", None),
    ("at ten", None, time(10), "at", None),
    ("at 10", None, time(10), "at", None),
    ("nine thirty", None, time(9, 30), "at", None),
    ("Nine thirty works", None, time(9, 30), "at", None),
    ("9:30", None, time(9, 30), "at", None),
    ("11. 30, please.", None, time(11, 30), "at", None),  # whisper's "eleven thirty please"
    ("at 9:30 a.m.", None, time(9, 30), "at", None),
    ("half past two", None, time(14, 30), "at", None),
    ("half past seven", None, time(7, 30), "at", None),
    ("quarter to three", None, time(14, 45), "at", None),
    ("a quarter past nine", None, time(9, 15), "at", None),
    ("quarter after eleven", None, time(11, 15), "at", None),
    ("ten past three", None, time(15, 10), "at", None),
    ("twenty after nine", None, time(9, 20), "at", None),
    ("ten to three", None, time(14, 50), "at", None),
    ("five to ten", None, time(9, 55), "at", None),
    ("from ten to three", None, time(10), "after", None),
    ("two pm", None, time(14), "at", None),
    ("2 p.m.", None, time(14), "at", None),
    ("eight am", None, time(8), "at", None),
    ("at two", None, time(14), "at", None),
    ("at one", None, time(13), "at", None),
    ("at six", None, time(18), "at", None),
    ("at seven", None, time(7), "at", None),
    ("at twelve", None, time(12), "at", None),
    ("noon", None, time(12), "at", None),
    ("twelve thirty", None, time(12, 30), "at", None),
    ("ten fifteen", None, time(10, 15), "at", None),
    ("ten oh five", None, time(10, 5), "at", None),
    ("at 14:30", None, time(14, 30), "at", None),
    ("March 5 10 am", None, time(10), "at", None),
    ("at 9.30", None, time(9, 30), "at", None),
    ("930 works", None, time(9, 30), "at", None),
    ("how about 1030", None, time(10, 30), "at", None),
    ("after 230", None, time(14, 30), "after", None),
    ("Thursday at 10:30AM", None, time(10, 30), "at", None),
    ("2:00 p.m. on Friday", None, time(14), "at", None),
    ("eleven a m", None, time(11), "at", None),
    ("nine o clock", None, time(9), "at", None),
    ("after 3", None, time(15), "after", None),
    ("after three thirty", None, time(15, 30), "after", None),
    ("anytime after two", None, time(14), "after", None),
    ("no earlier than ten", None, time(10), "after", None),
    ("before noon", None, time(12), "before", None),
    ("before 11", None, time(11), "before", None),
    ("by two", None, time(14), "before", None),
    ("around eleven", None, time(11), "around", None),
    ("about 10", None, time(10), "around", None),
    ("three-ish", None, time(15), "around", None),
    ("how about three", None, time(15), "at", None),
    ("Friday at eleven", None, time(11), "at", None),
    ("Thursday 10 for a checkup", None, time(10), "at", None),
    ("2 in the afternoon", None, time(14), "at", "afternoon"),
    ("ten in the morning", None, time(10), "at", "morning"),
    ("tomorrow afternoon at three", None, time(15), "at", "afternoon"),
    ("Wednesday afternoon around 1", None, time(13), "around", "afternoon"),
    ("evening at 5", None, time(17), "at", "evening"),
    ("morning", None, None, None, "morning"),
    ("tomorrow morning", None, None, None, "morning"),
    ("something in the afternoon", None, None, None, "afternoon"),
    ("after lunch", None, None, None, "afternoon"),
    ("first thing in the morning", None, None, None, "morning"),
    ("good morning", None, None, None, None),
    ("good afternoon, Thursday please", None, None, None, None),
    ("two", "time", time(14), "at", None),
    ("ten", "time", time(10), "at", None),
    ("eleven thirty please", "time", time(11, 30), "at", None),
    ("3 works", "time", time(15), "at", None),
    ("in 2 weeks", None, None, None, None),
    ("I have 2 kids", None, None, None, None),
    ("555 123 4567", None, None, None, None),
    ("the first one", None, None, None, None),
]


@pytest.mark.parametrize(
    ("text", "expecting", "clock", "relation", "part"), CASES, ids=[c[0] for c in CASES]
)
def test_time(
    text: str, expecting: str | None, clock: time | None, relation: str | None, part: str | None
) -> None:
    u = parse(text, now=MON, expecting=expecting, strict=True)
    assert (u.time, u.time_relation, u.part_of_day) == (clock, relation, part)


def test_bare_number_is_not_a_time_when_a_phone_number_is_expected() -> None:
    assert parse("two", now=MON, expecting="phone").time is None


def test_negated_time_is_ignored() -> None:
    u = parse("not at ten, at eleven", now=MON)
    assert u.time == time(11)
