"""Phone numbers spoken as digits or words ("five five five, one two three ...")."""

from __future__ import annotations

import re

# Digit groups separated by spaces, dashes, dots, commas or parentheses.
_RUN = re.compile(r"(?<![\d/:])\(?\d[\d\s().,\-]*\d(?![\d/:])")
_CUE = re.compile(r"\b(?:phone|number|cell|mobile|reach me|call me|call back|callback)\b")


def find_phone(s: str, expecting: str | None) -> str | None:
    """Digits of the first phone-like run: 7, 10 or 11 digits (any 7-15 when asked for one)."""
    wanted = expecting == "phone" or _CUE.search(s) is not None
    for m in _RUN.finditer(s):
        run = m.group(0)
        groups = re.findall(r"\d+", run)
        digits = "".join(groups)
        if any(len(g) == 4 and g[:2] in ("19", "20") for g in groups) and len(groups) <= 3:
            if not wanted or len(digits) not in (7, 10, 11):
                continue  # a year inside a date, not a phone number
        if len(digits) in (7, 10, 11) or (wanted and 7 <= len(digits) <= 15):
            if len(digits) == 11 and not digits.startswith("1"):
                continue
            return digits
    return None
