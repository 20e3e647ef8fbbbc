"""Spot requests a caller is not entitled to: prompt injection and other people's data.

The tools enforce the real rule (only verified callers change their own appointments); this
check lets the engine refuse politely before touching anything.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\bignore\b.*\b(instructions?|rules|prompts?|previous|above)\b",
    r"\b(forget|disregard|override)\b.*\b(instructions?|rules|prompts?)\b",
    r"\bsystem prompt\b",
    r"\b(you are now|act as|pretend (to be|you are)|developer mode|jailbreak)\b",
    r"\b(cancel|delete|remove|wipe|erase|clear)\b.*\b(all|every|everyone'?s?|everybody'?s?)\b"
    r".*\b(appointments?|bookings?|records?|patients?|schedule)\b",
    r"\b(all|every|other)\b (the )?(patients?|people)'?s?\b",
    r"\b(list|read|show|tell me|give me)\b.*\b(all|every|other|someone else'?s)\b.*"
    r"\b(appointments?|bookings?|patients?|records?)\b",
    r"\b(admin|administrator|root) (mode|access|password)\b",
    r"\b(database|sql|drop table)\b",
]
_RE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def is_unauthorized(text: str) -> bool:
    """True when the words ask for something outside one caller's own booking."""
    return bool(_RE.search(text))
