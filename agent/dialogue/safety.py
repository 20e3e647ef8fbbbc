"""Spot requests a caller is not entitled to: prompt injection and other people's data.

The tools enforce the real rule (only verified callers change their own appointments); this
check lets the engine refuse politely before touching anything. It must stay narrow: a
refusal of "cancel all my appointments" or "ignore the previous, make it Friday" (a
correction) fails an ordinary caller, so bulk words only count when they reach past the
caller's own bookings, and "ignore" only when it targets the agent's instructions.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE

# "all my appointments", "every appointment I have": the caller's own bookings, which the
# tools still only touch after name + date of birth. Rewritten to "my ..." before matching,
# so "all my appointments and everyone else's" is still caught by the rest.
_OWN = [
    (re.compile(r"\b(?:all|every|each)\s+(?:one\s+)?(?:of\s+)?(?:my|mine)\b", _FLAGS), "my"),
    (
        re.compile(
            r"\b(?:all|every|each)\s+(?:the\s+)?(appointments?|bookings?|visits?)\s+"
            r"(?:that\s+)?i(?:'ve|\s+have|\s+had|\s+made|\s+booked)\b",
            _FLAGS,
        ),
        r"my \1",
    ),
]

# Words that name the agent's own instructions: "ignore the previous" alone is a correction.
_RULE_WORDS = r"(?:instructions?|rules|prompts?|programming|guidelines|directives|restrictions)"

_ALWAYS = [
    # "ignore your instructions", "ignore all previous instructions", "forget the rules"
    rf"\b(?:ignore|forget|disregard|override|bypass)\b(?:\W+\w+){{0,4}}?\W+{_RULE_WORDS}\b",
    r"\bsystem prompt\b",
    r"\b(?:you are now|act as|pretend (?:to be|you are)|developer mode|jailbreak)\b",
    r"\b(?:cancel|delete|remove|wipe|erase|clear)\b.*\b(?:all|every|everyone'?s?|everybody'?s?)\b"
    r".*\b(?:appointments?|bookings?|records?|patients?|schedule)\b",
    r"\b(?:all|every|other)\b (?:the )?(?:patients?|people)'?s?\b",
    r"\b(?:some|every|any)(?:one|body) else'?s\b",
    r"\b(?:admin|administrator|root) (?:mode|access|password)\b",
    r"\b(?:database|sql|drop table)\b",
]
_ALWAYS_RE = re.compile("|".join(f"(?:{p})" for p in _ALWAYS), _FLAGS)

# Reading out every booking is a data leak; "all the available appointments" is a question
# about open times, which the availability tool answers for anyone.
_READ_ALL_RE = re.compile(
    r"\b(?:list|read|show|tell me|give me)\b.*\b(?:all|every|other)\b.*"
    r"\b(?:appointments?|bookings?|patients?|records?)\b",
    _FLAGS,
)
_AVAILABILITY_RE = re.compile(r"\b(?:available|availability|open|free)\b", _FLAGS)


def _without_own(text: str) -> str:
    for rx, repl in _OWN:
        text = rx.sub(repl, text)
    return text


def is_unauthorized(text: str) -> bool:
    """True when the words ask for something outside one caller's own booking."""
    plain = _without_own(text)
    if _ALWAYS_RE.search(plain):
        return True
    return bool(_READ_ALL_RE.search(plain)) and not _AVAILABILITY_RE.search(plain)
