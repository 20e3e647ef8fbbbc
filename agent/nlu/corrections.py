"""Self-repairs: "no wait", "I mean", "actually ... instead". Slots then take the last value."""

from __future__ import annotations

import re

_MARKERS = re.compile(
    r"\b(?:no wait|wait no|oh wait|wait|actually|i mean|i meant|sorry i meant|scratch that|"
    r"(?<!can't )(?<!cannot )(?<!won't )(?<!not )(?<!to )make (?:that|it)\b(?! on time)|"
    r"change (?:it|that|this) to|change to|switch (?:it |that )?to|instead|"
    r"or rather|correction|oops|on second thought|let me change|let's change|let's make it|"
    r"let's do|not \w+ but|not \w+ \w+ but|my mistake|my bad|sorry i said|i said the wrong)\b"
)
_NO_THEN_VALUE = re.compile(r"^(?:no|nope|nah)\b\s*,?\s*(?!thanks|thank|problem|worries)\w")
_NEGATED = re.compile(
    r"(?:\bnot|\binstead of|\brather than|\bno longer)\s+"
    r"(?:on\s+|at\s+|a\s+|an\s+|the\s+|with\s+)?$"
)


# "Thursday morning... no, Thursday afternoon": a "no" between commas/stops repairs.
_MID_NO = re.compile(
    r"[,.!?]\s*(?:no|nope|oops|or rather)\s*[,.]"
    r"|(?<!hi)(?<!hello)(?<!oh)(?<!okay)\s,\s*sorry\s*,"
    # "on Tuesday no, Thursday morning" (a pause, not a comma, before the "no")
    r"|(?<=\w)\s+(?:no|nope)\s*,"
    r"|(?<=\w)\s+(?:no|nope)\s+(?=(?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|tomorrow|today|at|on|make|i mean|the \d)\b)"
)


def is_correction(plain: str, cleaned: str = "") -> bool:
    """`plain` has no punctuation; `cleaned` (optional) still has it."""
    return _MARKERS.search(plain) is not None or _MID_NO.search(cleaned) is not None


def starts_with_no(plain: str) -> bool:
    return _NO_THEN_VALUE.search(plain) is not None


def negated(s: str, start: int) -> bool:
    """True when the words just before `start` negate the mention ("not Tuesday")."""
    return _NEGATED.search(s[max(0, start - 20) : start]) is not None
