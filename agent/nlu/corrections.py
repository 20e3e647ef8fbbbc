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
    r"(?:\bnot|\bdon't want|\bdo not want|\bcan't do|\bcannot do|\bcan't make|\bcan't come|"
    r"\banything but|\bexcept|\binstead of|\brather than|\bno longer)\s+"
    r"(?:(?:on|at|in|a|an|the|with|doctor|for|this|next|coming)\s+)*$"
)
# "Tuesday doesn't work for me", "Tuesday is no good".
_NEGATED_AFTER = re.compile(
    r"^\s*,?\s*(?:doesn't|does not|won't|will not|isn't|is not|is no|is bad|wouldn't|"
    r"would not|is out|is impossible|is tough|is hard|can't)\b"
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


_SLOT_WORD = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|\d|morning|"
    r"afternoon|evening|checkup|physical|follow|sick|vaccin|shot)"
)
_REPLACES = re.compile(
    r"\b(?:not|can't do|cannot do|can't make|don't want|instead of|rather than)\s+"
    rf"(?:(?:on|at|in|a|an|the|with|doctor|for)\s+)*{_SLOT_WORD}"
    rf"|{_SLOT_WORD}\w*\s*,?\s*(?:doesn't|does not|won't|will not|isn't|is not|is no) (?:work|good)"
)


def rejects_a_value(s: str) -> bool:
    """ "can't do Tuesday", "Wednesday, not Tuesday", "Tuesday doesn't work": a value is refused."""
    return _REPLACES.search(s) is not None


def negated(s: str, start: int, end: int | None = None) -> bool:
    """True when the words around a mention negate it ("not Tuesday", "Tuesday won't work")."""
    if _NEGATED.search(s[max(0, start - 32) : start]) is not None:
        return True
    return end is not None and _NEGATED_AFTER.search(s[end : end + 24]) is not None
