"""How days, times and names are said back to the caller."""

from __future__ import annotations

from datetime import date, time

import pytest

from agent.nlu import format_day, format_time, spell


@pytest.mark.parametrize(
    ("d", "said"),
    [
        (date(2026, 3, 5), "Thursday, March 5"),
        (date(2026, 3, 2), "Monday, March 2"),
        (date(2026, 12, 31), "Thursday, December 31"),
        (date(2027, 1, 1), "Friday, January 1"),
    ],
)
def test_format_day(d: date, said: str) -> None:
    assert format_day(d) == said


@pytest.mark.parametrize(
    ("t", "said"),
    [
        (time(9, 30), "9:30 AM"),
        (time(14, 0), "2 PM"),
        (time(12, 0), "12 PM"),
        (time(12, 15), "12:15 PM"),
        (time(8, 5), "8:05 AM"),
        (time(0, 0), "12 AM"),
        (time(16, 45), "4:45 PM"),
    ],
)
def test_format_time(t: time, said: str) -> None:
    assert format_time(t) == said


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Maria", "M-A-R-I-A"),
        ("maria lopez", "M-A-R-I-A, L-O-P-E-Z"),
        ("Sean O'Brien", "S-E-A-N, O-B-R-I-E-N"),
        ("Mary-Jane", "M-A-R-Y, J-A-N-E"),
        ("", ""),
    ],
)
def test_spell(name: str, said: str) -> None:
    assert spell(name) == said
