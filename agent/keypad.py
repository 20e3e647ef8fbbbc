"""Date of birth typed on a phone keypad: MMDDYYYY, '*' starts over, '#' submits early."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KeypadResult:
    value: date | None = None
    problem: str | None = None  # one sentence to say when the digits are not a date


class DobKeypad:
    def __init__(self, today: Callable[[], date]) -> None:
        self.today = today
        self.digits = ""

    def feed(self, key: str) -> KeypadResult | None:
        """One key; a result once eight digits (or '#') arrived, else None."""
        if key == "*":
            self.digits = ""
            return None
        if key == "#":
            return self._finish()
        if len(key) != 1 or not key.isdigit():
            return None
        self.digits += key
        return self._finish() if len(self.digits) == 8 else None

    def _finish(self) -> KeypadResult:
        digits, self.digits = self.digits, ""
        if len(digits) != 8:
            return KeypadResult(problem="I need eight digits: month, day, and a four-digit year.")
        month, day, year = int(digits[:2]), int(digits[2:4]), int(digits[4:])
        try:
            value = date(year, month, day)
        except ValueError:
            return KeypadResult(problem="That isn't a real date. Please type it again.")
        if value >= self.today() or year < 1900:
            return KeypadResult(problem="That date doesn't look right. Please type it again.")
        return KeypadResult(value=value)
