"""Weekdays whisper misspelled, split or glued to the word before are read as weekdays."""

from __future__ import annotations

import pytest

from agent.nlu.normalize import clean


@pytest.mark.parametrize(
    ("heard", "read"),
    [
        # whisper base on the piper voice: "Doctor Patel Thursday at ten"
        ("Can I see doctor Patelthors day at 10?", "can i see doctor patel thursday at 10 ?"),
        ("Thirsday at 3", "thursday at 3"),
        ("Tusday morning", "tuesday morning"),
        ("Fri day", "friday"),
        ("sun day afternoon", "sunday afternoon"),
        ("Wednes day please", "wednesday please"),
    ],
)
def test_a_weekday_one_letter_off_or_split_is_repaired(heard: str, read: str) -> None:
    assert clean(heard) == read


@pytest.mark.parametrize(
    "text",
    [
        "someday maybe",
        "my birthday is today",
        "a holiday on friday",
        "yesterday",
        "the payday",
        "every day",
        "one day",
        "on tuesdays",
        "doris day",
        "a weekday",
        "the first day at 9",
    ],
)
def test_other_words_ending_in_day_stay_as_they_are(text: str) -> None:
    assert clean(text) == text
