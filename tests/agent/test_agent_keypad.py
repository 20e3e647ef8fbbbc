"""Date of birth typed on the keypad."""

from __future__ import annotations

from datetime import date

from agent.keypad import DobKeypad

TODAY = date(2026, 3, 2)


def feed(keys: str) -> list[object]:
    pad = DobKeypad(lambda: TODAY)
    return [r for r in (pad.feed(k) for k in keys) if r is not None]


def test_eight_digits_make_a_date() -> None:
    (result,) = feed("03031985")
    assert result.value == date(1985, 3, 3)  # type: ignore[attr-defined]


def test_star_starts_over_and_hash_submits_early() -> None:
    (result,) = feed("12*0303#")
    assert result.problem and "eight digits" in result.problem  # type: ignore[attr-defined]


def test_impossible_and_future_dates_are_explained() -> None:
    assert "real date" in feed("02301990")[0].problem  # type: ignore[attr-defined]
    assert "doesn't look right" in feed("01012030")[0].problem  # type: ignore[attr-defined]
