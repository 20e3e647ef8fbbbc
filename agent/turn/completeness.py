"""Is the patient's sentence finished? What the words (and the question asked) say."""

from __future__ import annotations

import re
from typing import Literal

from .lexicon import normalize

Completeness = Literal["complete", "incomplete", "unknown"]

# A sentence that stops on one of these is mid-thought ("my date of birth is", "on", "um").
_DANGLING: frozenset[str] = frozenset(
    """a an the and or but so because is are was were am be at on in to for of with from by
    my your our his her their its this these um uh er erm hmm like maybe about around
    before after next than then if that's it's i'm i'd i'll i we you can could would
    should will want need have has do does did um uh just the um its let me
    book schedule make get see take bring move change like""".split()
)
_FILLERS: frozenset[str] = frozenset({"um", "uh", "er", "erm", "hmm", "mm", "uhh", "umm"})
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTH_RE = re.compile(rf"\b({_MONTHS})\b")
_YEAR_RE = re.compile(
    r"\b(19\d\d|20\d\d)\b|\bnineteen\b|\btwo thousand\b|\b(nineteen|twenty)\s+\w+\s*\w*$"
)
_NUMERIC_DATE_RE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")
_DIGIT_RE = re.compile(r"\d")
_DIGIT_WORDS: frozenset[str] = frozenset(
    "zero oh one two three four five six seven eight nine".split()
)
_TIME_RE = re.compile(
    r"\b(\d{1,2}(:\d\d)?\s*(am|pm|a\.m\.|p\.m\.)|noon|o'clock|morning|afternoon|evening)\b"
)
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow"
_DAY_RE = re.compile(rf"\b({_DAYS})\b")
_ANSWERS: frozenset[str] = frozenset(
    """yes yeah yep no nope sure correct right okay ok please thanks thank bye goodbye
    that's fine perfect great works""".split()
)

# what the agent's last line asks for, by keywords in it
_EXPECT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"date of birth|birth ?date|born"), "date_of_birth"),
    (re.compile(r"phone|number to reach|call you back"), "phone"),
    (re.compile(r"your (full )?name|who am i speaking|name please"), "name"),
    (
        re.compile(r"shall i|should i|do you want me to|confirm|is that (right|correct)"),
        "confirmation",
    ),
    (re.compile(r"what time|which time|morning or afternoon"), "time"),
    (re.compile(r"which day|what day|when would|what date"), "day"),
)


def expectation_from_prompt(agent_text: str) -> str | None:
    """Guess what the agent's last line asked for (nlu `expecting` values)."""
    lowered = agent_text.lower()
    for pattern, expecting in _EXPECT_RULES:
        if pattern.search(lowered):
            return expecting
    return None


def expectations_from_prompt(agent_text: str) -> frozenset[str]:
    """Everything the agent's last line asked for ("your name and date of birth?": both)."""
    lowered = agent_text.lower()
    return frozenset(expecting for pattern, expecting in _EXPECT_RULES if pattern.search(lowered))


def lexical_completeness(text: str, expecting: str | None = None) -> Completeness:
    """complete: answer now; incomplete: the patient is mid-sentence, wait; unknown: ask audio."""
    words = normalize(text)
    if len(words) >= 2 and words[-1] == "then" and words[-2] not in _DANGLING:
        # "Thursday at two then", "okay then": a closing word, unlike "and then"
        words = words[:-1]
    if not words:
        return "unknown"
    last = words[-1]
    if last in _FILLERS:
        return "incomplete"
    if text.rstrip().endswith(("...", "…", ",", "-")):
        return "incomplete"
    lowered = " ".join(words)

    if expecting in ("date_of_birth", "name_and_dob"):
        has_date = bool(_MONTH_RE.search(lowered) or _NUMERIC_DATE_RE.search(text))
        if has_date and not (_YEAR_RE.search(lowered) or _NUMERIC_DATE_RE.search(text)):
            return "incomplete"  # "March fifth" — the year is coming
        if has_date:
            return "complete" if last not in _DANGLING else "incomplete"
    if expecting == "phone":
        digits = len(_DIGIT_RE.findall(text)) + sum(w in _DIGIT_WORDS for w in words)
        if 0 < digits < 10:
            return "incomplete"
        if digits >= 10:
            return "complete"

    if last in _DANGLING:
        return "incomplete"
    if expecting == "name" and len(words) == 1 and words[0] not in _ANSWERS:
        return "unknown"  # a first name alone: the surname may follow
    if expecting == "confirmation" and words[0] in _ANSWERS:
        return "complete"
    if text.rstrip().endswith("?") and len(words) >= 2:
        return "complete"  # whisper's full stops prove nothing, a question mark usually does
    # "selection": the agent offered times ("8, 9 or 10 AM, which works best?")
    if _TIME_RE.search(lowered) and expecting in (None, "time", "day", "selection"):
        return "complete"
    if _DAY_RE.search(lowered) and expecting in ("day", "time", "selection"):
        return "complete"
    if last in _ANSWERS:
        return "complete"
    return "unknown"
