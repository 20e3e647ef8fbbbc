"""Which offered option the patient picks: "the first one", "the earlier one", "that one"."""

from __future__ import annotations

import re

_OPTION = r"(?:one|ones|option|slot|time|choice|appointment|opening)"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "closest_after",
        re.compile(
            r"\b(?:(?:the )?(?:closest|nearest|next|soonest|first|earliest|next available)"
            rf"(?: available)?(?: {_OPTION})? (?:right )?(?:after|following) (?:that|it|this|then)"
            r"|(?:something|anything|a time|one|sometime|some time)"
            r" (?:right |just |soon )?after that"
            r"|(?:a bit |a little )?later than that|the one after that)\b"
        ),
    ),
    ("first", re.compile(rf"\b(?:the )?(?:first|1st) {_OPTION}\b|\b(?:number|option) one\b")),
    (
        "second",
        re.compile(rf"\b(?:the )?(?:second|2nd|middle) {_OPTION}\b|\b(?:number|option) two\b"),
    ),
    ("third", re.compile(rf"\b(?:the )?(?:third|3rd) {_OPTION}\b|\b(?:number|option) three\b")),
    ("last", re.compile(rf"\b(?:the )?(?:last|final) {_OPTION}\b")),
    (
        "earliest",
        re.compile(
            rf"\bthe (?:earliest|earlier|soonest|sooner)(?: {_OPTION})?\b|\bearliest {_OPTION}\b"
        ),
    ),
    ("latest", re.compile(rf"\bthe (?:latest|later)(?: {_OPTION})?\b|\blatest {_OPTION}\b")),
    ("next", re.compile(rf"\bthe next {_OPTION}\b")),
    ("other", re.compile(rf"\bthe other {_OPTION}\b|\bthe other\b$")),
    (
        "something_earlier",
        re.compile(
            r"\b(?:anything|something|any|a time|one|nothing|slots?) (?:a (?:bit|little) )?"
            r"(?:earlier|sooner)\b|\bearlier (?:than that|in the day|slot|time|one)\b"
        ),
    ),
    (
        "something_later",
        re.compile(
            r"\b(?:anything|something|any|a time|one|nothing|slots?) (?:a (?:bit|little) )?later\b"
            r"|\blater (?:in the day|slot|time|one)\b"
        ),
    ),
    (
        "that",
        re.compile(
            r"\b(?:that|this) (?:one|slot|time|option)\b|\bi'll take (?:it|that|this)\b"
            r"|\btake that\b|\bthat'll work\b|\bthat one works\b"
        ),
    ),
)
# Bare ordinals at the end of a short answer ("the first", "second please").
_BARE = re.compile(
    r"^(?:um |uh |ok |okay |yes |yeah )?(?:the )?(?P<which>first|second|third|last|earliest|"
    r"latest|earlier|later)(?: please| is fine| works| sounds good| would be great| one)?$"
)
_BARE_MAP = {"earlier": "earliest", "later": "latest"}


_NUMBER_PICK = re.compile(r"^(?:number |option )?(?P<n>one|two|three)(?: please)?$")


_NEGATION = re.compile(r"\b(?:not|don't want|rather not)\s+$")
_NEW_PATIENT = re.compile(r"\bfirst (?:time|appointment) (?:here|visiting)\b")


def find_selection(plain: str, expecting: str | None) -> str | None:
    """`plain` is the cleaned text without punctuation, numbers still as words.

    With several picks the last one not negated wins ("not that one, the second" -> second).
    """
    picks: list[tuple[int, int, str]] = []
    for which, rx in _RULES:
        for m in rx.finditer(plain):
            if which == "first" and _NEW_PATIENT.search(plain):
                continue
            if _NEGATION.search(plain[max(0, m.start() - 16) : m.start()]):
                continue
            if any(a <= m.start() < b for a, b, _ in picks):
                continue  # an earlier, more specific rule already read these words
            picks.append((m.start(), m.end(), which))
    if picks:
        return max(picks)[2]
    # "not that one, the second": read what follows the rejected option on its own.
    rest = re.sub(r"^.*\b(?:not|no) (?:that|this|the \w+)(?: one)?\s*", "", plain).strip()
    bare = _BARE.match(rest) if expecting != "day" else None
    if bare and not re.search(r"\b(?:on|of) the (?:first|second|third)\b", plain):
        return _BARE_MAP.get(bare.group("which"), bare.group("which"))
    if expecting == "selection":
        n = _NUMBER_PICK.match(rest)
        if n:
            return {"one": "first", "two": "second", "three": "third"}[n.group("n")]
    return None
