"""Spoken numbers become digits the date, time and phone readers can use."""

from __future__ import annotations

import pytest

from agent.nlu.normalize import clean
from agent.nlu.numbers import ordinal_suffix, parse_int, words_to_digits

CASES = [
    ("twenty five", "25"),
    ("twenty-five", "25"),
    ("nineteen eighty five", "1985"),
    ("nineteen ninety nine", "1999"),
    ("nineteen seventy", "1970"),
    ("nineteen oh five", "1905"),
    ("two thousand one", "2001"),
    ("two thousand and twenty", "2020"),
    ("twenty twenty six", "2026"),
    ("twenty ten", "2010"),
    ("march third", "march 3rd"),
    ("december first", "december 1st"),
    ("the twenty first of june", "the 21st of june"),
    ("the thirtieth", "the 30th"),
    ("nine thirty", "9 30"),
    ("ten fifteen", "10 15"),
    ("ten oh five", "10 05"),
    ("twelve", "12"),
    ("five five five one two three four", "5 5 5 1 2 3 4"),
    ("four five six oh one two three", "4 5 6 01 2 3"),
    ("one hundred and five", "105"),
    ("the first one", "the 1st one"),
    ("that one works", "that one works"),
    ("the earlier one", "the earlier one"),
    ("i need one appointment", "i need 1 appointment"),
    ("oh okay", "oh okay"),
    ("half past two", "half past 2"),
    ("oh three oh five", "03 05"),
]


@pytest.mark.parametrize(("spoken", "digits"), CASES)
def test_words_to_digits(spoken: str, digits: str) -> None:
    assert words_to_digits(clean(spoken)) == digits


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")],
)  # fmt: skip
def test_ordinal_suffix(n: int, text: str) -> None:
    assert ordinal_suffix(n) == text


@pytest.mark.parametrize(
    ("token", "value"),
    [("12", 12), ("twelve", 12), ("forty two", 42), ("two thousand one", 2001), ("hello", None)],
)
def test_parse_int(token: str, value: int | None) -> None:
    assert parse_int(token) == value
