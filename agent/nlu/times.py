"""Times of day and parts of day in a cleaned, digit-converted utterance.

Hours without am/pm follow clinic hours: 1-6 mean afternoon, 7-11 morning, 12 noon;
a part of day said in the same utterance ("two in the afternoon") wins over that rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

_REL_WORDS = (
    r"no later than|no earlier than|not later than|not earlier than|not before|not after|"
    r"any ?time after|any ?time before|some ?time after|some ?time before|some ?time around|"
    r"later than|earlier than|sometime around|approximately|roughly|around|about|after|"
    r"before|until|till|by|from|at|past"
)
_REL_BEFORE = re.compile(rf"(?:^|\s)(?P<rel>{_REL_WORDS})\s+$")
_RELATION_OF = {
    "at": "at", "after": "after", "past": "after", "from": "after", "later than": "after",
    "no earlier than": "after", "not earlier than": "after", "not before": "after",
    "anytime after": "after", "any time after": "after", "sometime after": "after",
    "some time after": "after", "before": "before", "by": "before", "until": "before",
    "till": "before", "earlier than": "before", "no later than": "before",
    "not later than": "before", "not after": "before", "anytime before": "before",
    "any time before": "before", "sometime before": "before", "some time before": "before",
    "around": "around", "about": "around", "approximately": "around", "roughly": "around",
    "sometime around": "around", "some time around": "around",
}  # fmt: skip

_NOT_A_TIME_AFTER = (
    r"(?!\s*(?:st|nd|rd|th)\b)(?![\d/:])(?!\s+(?:days?|weeks?|months?|years?|minutes?|"
    r"hours?|people|patients|kids|children|of\b|visits?|appointments?|times\b|\d))"
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("half", re.compile(r"\bhalf past (?P<h>\d{1,2})\b")),
    (
        "min_past",  # "ten past three", "twenty after nine"
        re.compile(r"\b(?P<mm>5|10|20|25) (?:minutes )?(?:past|after) (?P<h>\d{1,2})\b(?!\s*\d)"),
    ),
    (
        "min_to",  # "ten to three"; never "from ten to three", which is a range
        re.compile(
            r"(?<!from )\b(?P<mm>5|10|20|25) (?:minutes )?(?:to|till|before|of) (?P<h>\d{1,2})\b"
            r"(?!\s*\d)"
        ),
    ),
    ("quarter_past", re.compile(r"\b(?:a )?quarter (?:past|after) (?P<h>\d{1,2})\b")),
    ("quarter_to", re.compile(r"\b(?:a )?quarter (?:to|till|til|of|before) (?P<h>\d{1,2})\b")),
    # STT writes "9.30" and "930" too; compact "930" only right after a time word.
    (
        "dot",
        re.compile(r"(?<![\d:/.])(?P<h>\d{1,2})\.(?P<m>[0-5]\d)(?![\d:/.])(?:\s?(?P<ap>am|pm)\b)?"),
    ),
    (
        "compact",
        re.compile(
            rf"\b(?:{_REL_WORDS}|how about|what about)\s+(?P<h>1[0-2]|[1-9])(?P<m>[0-5]\d)\b"
            r"(?![\d/:])(?:\s?(?P<ap>am|pm)\b)?"
        ),
    ),
    (
        "colon",
        re.compile(r"(?<![\d:/])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:/])(?:\s?(?P<ap>am|pm)\b)?"),
    ),
    (
        "spoken",  # "nine thirty" -> "9 30"; not inside longer digit runs (phone numbers)
        re.compile(
            r"(?<![\d/:]\s)(?<![\d/:])\b(?P<h>\d{1,2}) (?P<m>[0-5]\d)\b(?!\s?\d)(?![/:])"
            r"(?:\s?(?P<ap>am|pm)\b)?"
        ),
    ),
    ("oclock", re.compile(r"\b(?P<h>\d{1,2}) oclock\b(?:\s?(?P<ap>am|pm)\b)?")),
    ("ampm", re.compile(r"\b(?P<h>\d{1,2})\s?(?P<ap>am|pm)\b")),
    ("noon", re.compile(r"\b(?:12 )?(?:noon|midday|lunchtime|lunch time)\b")),
    ("ish", re.compile(r"\b(?P<h>\d{1,2}) ?ish\b")),
    ("part", re.compile(r"\b(?P<h>\d{1,2}) (?:in the|this) (?P<part>morning|afternoon|evening)\b")),
    (
        "rel",
        re.compile(rf"\b(?P<rel>{_REL_WORDS})\s+(?P<h>\d{{1,2}})\b{_NOT_A_TIME_AFTER}"),
    ),
    (
        "repair",  # "ten, actually make that eleven"
        re.compile(
            r"\b(?:make (?:it|that)|change (?:it|that) to|switch (?:it|that) to|i mean|i meant|"
            r"rather|no wait|actually)\s+(?:at\s+)?(?P<h>\d{1,2})\b" + _NOT_A_TIME_AFTER
        ),
    ),
    (
        "after_day",  # "Thursday ten", "tomorrow 2"
        re.compile(
            r"\b(?:today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
            rf"\s+(?P<h>\d{{1,2}})\b{_NOT_A_TIME_AFTER}"
        ),
    ),
)
_FILLER = re.compile(
    r"\b(?:please|works|work|is|fine|good|great|ok|okay|sounds|then|how|what|about|let's|"
    r"lets|do|say|maybe|i|guess|um|uh|er|yes|yeah|sure|would|be|that|perfect|for|me|"
    r"alright|all|right|can|we|go|with|it|at|oclock|exactly|just|like|i'd|take|the)\b|[,.?!]"
)
_BARE = re.compile(r"^\s*(?P<h>1[0-2]|0?[1-9])(?: ?(?P<m>[0-5]\d))?\s*$")
_PART = re.compile(
    r"(?<!good )\b(?P<part>mornings?|afternoons?|evenings?|tonight|after lunch|before lunch|"
    r"first thing|end of the day|after work|before work)\b"
)
_PART_OF = {
    "morning": "morning", "mornings": "morning", "afternoon": "afternoon",
    "afternoons": "afternoon", "evening": "evening", "evenings": "evening",
    "tonight": "evening", "after lunch": "afternoon", "before lunch": "morning",
    "first thing": "morning", "end of the day": "afternoon", "after work": "evening",
    "before work": "morning",
}  # fmt: skip


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    hour: int
    minute: int
    ampm: str | None
    relation: str
    part: str | None = None  # a part of day attached to the time ("2 in the afternoon")


@dataclass(frozen=True)
class PartMention:
    start: int
    end: int
    part: str


def _relation_before(s: str, start: int) -> str:
    window = s[max(0, start - 24) : start]
    m = _REL_BEFORE.search(window)
    if m is None or re.search(r"\b(?:how|what) about\s+$", window):
        return "at"  # "how about three" proposes a time
    return _RELATION_OF.get(m.group("rel"), "at")


def find_times(s: str, taken: list[tuple[int, int]], *, bare_ok: bool) -> list[TimeMention]:
    """Time mentions in `s`, skipping spans already claimed by dates."""
    spans = list(taken)
    found: list[TimeMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in spans)

    for kind, rx in _PATTERNS:
        for m in rx.finditer(s):
            a = m.start("h") if "h" in rx.groupindex and m.group("h") else m.start()
            if kind == "rel":
                a = m.start("h")
            if not free(a, m.end()):
                continue
            mention = _mention(kind, m, s)
            if mention is not None:
                found.append(mention)
                spans.append((a, m.end()))
    if not found and bare_ok:
        rest = _FILLER.sub(" ", s)
        bare = _BARE.match(rest)
        if bare and free(0, len(s)):
            hour = int(bare.group("h"))
            minute = int(bare.group("m") or 0)
            if 1 <= hour <= 12:
                pos = s.find(bare.group("h"))
                found.append(
                    TimeMention(pos, pos + len(bare.group(0).strip()), hour, minute, None, "at")
                )
    found.sort(key=lambda t: t.start)
    return found


def _mention(kind: str, m: re.Match[str], s: str) -> TimeMention | None:
    groups = m.groupdict()
    ampm = groups.get("ap")
    part = _PART_OF.get(groups.get("part") or "")
    relation = _relation_before(s, m.start())
    if kind == "noon":
        return TimeMention(m.start(), m.end(), 12, 0, "pm", relation)
    hour = int(groups["h"])
    minute = int(groups.get("m") or 0)
    if kind == "half":
        minute = 30
    elif kind == "quarter_past":
        minute = 15
    elif kind == "min_past":
        minute = int(groups["mm"])
    elif kind == "min_to":
        hour, minute = (hour - 1 if hour > 1 else 12), 60 - int(groups["mm"])
    elif kind == "quarter_to":
        hour, minute = (hour - 1 if hour > 1 else 12), 45
    elif kind == "rel":
        relation = _RELATION_OF.get(groups["rel"], "at")
        if groups["rel"] == "about" and re.search(r"\b(?:how|what)\s+$", s[: m.start()]):
            relation = "at"
        if groups["rel"] == "past":
            return None
    elif kind == "ish":
        relation = "around"
    if not (0 <= minute <= 59):
        return None
    if kind == "compact":
        relation = _relation_before(s, m.start("h"))
    if kind in ("colon", "spoken") and not 0 <= hour <= 23:
        return None
    if kind not in ("colon", "dot") and not 1 <= hour <= 12:
        return None
    if kind == "spoken" and not 1 <= hour <= 12:
        return None
    return TimeMention(m.start(), m.end(), hour, minute, ampm, relation, part)


def find_parts(s: str) -> list[PartMention]:
    return [PartMention(m.start(), m.end(), _PART_OF[m.group("part")]) for m in _PART.finditer(s)]


def resolve(mention: TimeMention, part_of_day: str | None) -> time:
    """Clock time for a mention, using am/pm, then the part of day, then clinic hours."""
    hour, minute = mention.hour, mention.minute
    part = mention.part or part_of_day
    if mention.ampm == "pm" and hour < 12:
        hour += 12
    elif mention.ampm == "am" and hour == 12:
        hour = 0
    elif mention.ampm is None and hour <= 12:
        if part in ("afternoon", "evening"):
            hour = hour + 12 if hour < 12 else 12
        elif part == "morning":
            pass
        elif 1 <= hour <= 6:
            hour += 12
    return time(hour % 24, minute)
