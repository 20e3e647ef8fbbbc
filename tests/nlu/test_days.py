"""Day phrases resolved against the clinic clock.

Convention: a bare weekday and "next <weekday>" mean the first such day after today;
"this <weekday>" may be today; "<weekday> next week" is in the following Mon-Sun week.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from agent.nlu import parse

MON = datetime(2026, 3, 2, 9)  # Monday
TUE = datetime(2026, 3, 3, 10)
FRI = datetime(2026, 3, 6, 16)
SUN = datetime(2026, 3, 8, 11)
DEC = datetime(2026, 12, 20, 9)
APR = datetime(2026, 4, 10, 9)

CASES: list[tuple[datetime, str, date | None]] = [
    (MON, "today", date(2026, 3, 2)),
    (MON, "tomorrow", date(2026, 3, 3)),
    (MON, "tommorow morning", date(2026, 3, 3)),
    (MON, "the day after tomorrow", date(2026, 3, 4)),
    (MON, "this afternoon", date(2026, 3, 2)),
    (MON, "tonight", date(2026, 3, 2)),
    (MON, "next Monday", date(2026, 3, 9)),
    (MON, "next Tuesday", date(2026, 3, 3)),
    (MON, "Tuesday", date(2026, 3, 3)),
    (MON, "on Wednesday", date(2026, 3, 4)),
    (MON, "Thursday", date(2026, 3, 5)),
    (MON, "this Friday", date(2026, 3, 6)),
    (MON, "Saturday", date(2026, 3, 7)),
    (MON, "Sunday", date(2026, 3, 8)),
    (MON, "Monday", date(2026, 3, 9)),
    (MON, "this Monday", date(2026, 3, 2)),
    (MON, "Tuesday next week", date(2026, 3, 10)),
    (MON, "next week on Friday", date(2026, 3, 13)),
    (MON, "a week from Thursday", date(2026, 3, 12)),
    (MON, "Thursdays are best", date(2026, 3, 5)),
    (MON, "thurs", date(2026, 3, 5)),
    (MON, "wensday", date(2026, 3, 4)),
    (TUE, "next Tuesday", date(2026, 3, 10)),
    (TUE, "this Tuesday", date(2026, 3, 3)),
    (TUE, "Tuesday", date(2026, 3, 10)),
    (TUE, "Monday", date(2026, 3, 9)),
    (FRI, "Monday", date(2026, 3, 9)),
    (FRI, "next week Monday", date(2026, 3, 9)),
    (FRI, "tomorrow", date(2026, 3, 7)),
    (SUN, "next Monday", date(2026, 3, 9)),
    (SUN, "Monday next week", date(2026, 3, 9)),
    (MON, "March 5th", date(2026, 3, 5)),
    (MON, "March fifth", date(2026, 3, 5)),
    (MON, "the fifth of March", date(2026, 3, 5)),
    (MON, "5 March", date(2026, 3, 5)),
    (MON, "on the 5th", date(2026, 3, 5)),
    (MON, "the twelfth", date(2026, 3, 12)),
    (MON, "on the first", date(2026, 4, 1)),
    (MON, "April 2nd", date(2026, 4, 2)),
    (MON, "3/10", date(2026, 3, 10)),
    (MON, "Friday the 13th", date(2026, 3, 13)),
    (MON, "Thursday, March 5", date(2026, 3, 5)),
    (MON, "in two weeks", date(2026, 3, 16)),
    (MON, "in 3 days", date(2026, 3, 5)),
    (MON, "a week from today", date(2026, 3, 9)),
    (MON, "2026-03-20", date(2026, 3, 20)),
    (DEC, "January 5th", date(2027, 1, 5)),
    (DEC, "the 3rd of January", date(2027, 1, 3)),
    (APR, "the 31st", date(2026, 5, 31)),
    (MON, "next week", None),
    (MON, "I'd like to book a checkup", None),
    (MON, "May I book something", None),
    (MON, "good morning", None),
]


@pytest.mark.parametrize(("now", "text", "day"), CASES, ids=[f"{c[1]}@{c[0]:%a}" for c in CASES])
def test_day(now: datetime, text: str, day: date | None) -> None:
    u = parse(text, now=now, strict=True)
    assert u.day == day
    assert u.date_of_birth is None
    assert u.problems == ()


PROBLEMS = [
    ("February 30th", "February 30 isn't a real date"),
    ("April 31st", "April 31 isn't a real date"),
    ("March 1st", "Sunday, March 1 has already passed"),
    ("Friday, March 5th", "March 5 is a Thursday, not a Friday"),
]


@pytest.mark.parametrize(("text", "problem"), PROBLEMS)
def test_impossible_or_past_day_is_a_problem_not_a_day(text: str, problem: str) -> None:
    u = parse(text, now=MON, strict=True)
    assert problem in u.problems
    if "Thursday" not in problem:
        assert u.day is None


def test_weekday_mismatch_keeps_the_spoken_date() -> None:
    u = parse("Friday, March 5th", now=MON)
    assert u.day == date(2026, 3, 5)


WEEKS = [
    (MON, "I need a physical next week", date(2026, 3, 9)),
    (MON, "sometime next week", date(2026, 3, 9)),
    (FRI, "next week", date(2026, 3, 9)),
    (SUN, "next week", date(2026, 3, 9)),
    (MON, "later this week", date(2026, 3, 2)),
    (MON, "the week after next", date(2026, 3, 16)),
    (MON, "next week on Friday", None),  # a day was said: `day` carries it
    (MON, "Thursday", None),
]


@pytest.mark.parametrize(("now", "text", "week"), WEEKS, ids=[f"{w[1]}@{w[0]:%a}" for w in WEEKS])
def test_week_without_a_day(now: datetime, text: str, week: date | None) -> None:
    assert parse(text, now=now, strict=True).week == week


@pytest.mark.parametrize(
    ("now", "text", "day"),
    [
        (MON, "this weekend", date(2026, 3, 7)),
        (MON, "on the weekend", date(2026, 3, 7)),
        (MON, "next weekend", date(2026, 3, 14)),
        (SUN, "the weekend", date(2026, 3, 14)),
    ],
)
def test_weekend_means_saturday(now: datetime, text: str, day: date) -> None:
    assert parse(text, now=now, strict=True).day == day


def test_same_text_same_answer() -> None:
    a = parse("next Tuesday at half past two", now=MON)
    b = parse("next Tuesday at half past two", now=MON)
    assert a == b
