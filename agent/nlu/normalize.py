"""Clean a speech-to-text transcript into one lower-case string the extractors share."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

_PAUSE = re.compile(r"\[pause\s*\d*\]|\[(?:noise|silence|inaudible|music|laughter|cough)\]", re.I)
_NOISE_PARENS = re.compile(
    r"\((?:cough|coughs|noise|inaudible|laughs|sighs|background)[^)]*\)", re.I
)
_AMPM = re.compile(r"\b([ap])\.?\s?m\b\.?", re.I)
_OCLOCK = re.compile(r"\bo['’ ]?\s?clock\b", re.I)
# "three o'clock" as whisper sometimes writes it: "3-0 clock", "3-2 o'clock" (read as a date
# otherwise: March 0, March 2); a range "2-3 o'clock" starts at 2
_ZERO_CLOCK = re.compile(r"\b(\d{1,2})(?:[- ]0 ?clock|-\d o['’ ]?\s?clock)\b", re.I)
# A spelling whisper wrote as one upper-case word ("my last name is spelled MARCHE"): the
# letters are split so the name reader sees a spelling, as with "M-A-R-C-H-E".
_CAPS_SPELLING = re.compile(r"\b(spell(?:ed|s|ing)?(?: it)?(?: is| as)?|that is),? ([A-Z]{3,14})\b")
_CURLY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": " , ", "–": " , "})
# Hyphens between letters are spoken joins ("twenty-five", "check-up"); between digits they
# belong to dates and phone numbers, so only the first kind becomes a space.
_LETTER_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])|(?<=[a-z])-(?=\d)|(?<=\d)-(?=[a-z])")
_DR = re.compile(r"\bdr\b\.?")
_SPACES = re.compile(r"\s+")
# Whisper sometimes writes "eleven thirty" as "11. 30": an hour, a full stop, the minutes.
_SPLIT_CLOCK = re.compile(r"\b(1[0-2]|0?[1-9])\. ([0-5]\d)\b(?![\d:/]|\.\d|\s\d)")
# Keep characters the extractors look at: letters, digits, apostrophes, ':/.,-?!' and '$'.
_JUNK = re.compile(r"[^a-z0-9'\s:/.,\-?!$]")
_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
# Small, common speech-to-text confusions for words the parser relies on.
_STT_FIXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcheck ups?\b", "checkup"),
        (r"\bcheck upon\b", "checkup on"),  # whisper's "a checkup on Wednesday"
        (r"\bcheckups\b", "checkup"),
        (r"\bfollow ?ups?\b", "follow up"),
        (r"\bfollowup\b", "follow up"),
        (r"\bto ?morrow\b|\btomorow\b|\btommorow\b|\btommorrow\b", "tomorrow"),
        (r"\bwensday\b", "wednesday"),  # two letters off: beyond `repair_weekdays`
        (r"\bthurs\b|\bthur\b", "thursday"),
        # whisper's "Thursday" without "on" before it: "a checkup first day at 9"
        (r"(?<!the )\bfirst day (?=(?:at|after|before|around) )", "thursday "),
        (r"\btues\b", "tuesday"),
        (r"\bweds?\b", "wednesday"),
        (r"\bco ?pay(?:ment)?s?\b|\bcopays\b|\bco-pays?\b", "copay"),
        # whisper base hears "copays" as "coffees" on the piper voice; no clinic sells coffee
        (r"\bcoffees?\b", "copay"),
        (r"\bdoc\b", "doctor"),
        (r"\bphysicals\b", "physical"),
        (r"\bnoon time\b|\bnoontime\b", "noon"),
        (r"\bmid day\b", "midday"),
        # "no wait" as whisper hears it when a day or time follows ("Tuesday. No way.
        # Wednesday afternoon."); "no way" on its own stays a refusal
        (
            r"\bno way (?:[.,!] )?(?=(?:monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|today|tomorrow|next|this|the|at|on|in|make|morning|afternoon|evening|"
            r"\d)\w*\b)",
            "no wait , ",
        ),
        # "afternoon" at the very end cut to "after" (whisper, or a final sent as "noon" trailed
        # off): "How about Friday after" is never "after" anything
        (
            r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow) "
            r"after(?= ?[.?!]? ?$)",
            r"\1 afternoon",
        ),
        # whisper base writes the piper voice's "August eighth" as "August state"
        (rf"\b({_MONTH_NAMES}) state\b", r"\1 eighth"),
        # "born" said softly before a month, as whisper writes it: "Jane Doe, or in January 2"
        (rf"(?:(?<=, )(?:or in|worn|warn)|\born) (?=(?:{_MONTH_NAMES})\b)", "born "),
    )
)


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A word ending in "day", or one followed by "day": where whisper misspells or splits a weekday.
_DAY_WORD = re.compile(r"\b([a-z]+?) ?day\b")
_MIN_GLUED_PREFIX = 3


def _weekday_like(stem: str) -> str | None:
    """The weekday `stem` + "day" is or is one letter away from ("fri" -> "friday", "thors" ->
    "thursday"), or None. One edit only, from six letters: "someday", "midday", "payday" and
    "holiday" stay."""
    word = stem + "day"
    if len(word) < 6:
        return None
    near = [d for d in _WEEKDAY_NAMES if d[0] == word[0] and Levenshtein.distance(word, d) <= 1]
    return near[0] if len(near) == 1 else None


def _repair_weekday(match: re.Match[str]) -> str:
    stem = match.group(1)
    for cut in range(len(stem)):
        prefix, rest = stem[:cut], stem[cut:]
        if cut and len(prefix) < _MIN_GLUED_PREFIX:
            continue
        day = _weekday_like(rest)
        if day is not None:
            return f"{prefix} {day}" if prefix else day
    return match.group(0)


def repair_weekdays(text: str) -> str:
    """Weekdays whisper misspelled, split or glued to the word before: "doctor Patelthors day
    at 10" -> "doctor patel thursday at 10" (lower-case text, as `clean` makes it)."""
    return _DAY_WORD.sub(_repair_weekday, text)


def split_caps_spelling(text: str) -> str:
    """ "spelled MARCHE" -> "spelled M-A-R-C-H-E" (whisper writes some spellings as a word)."""
    return _CAPS_SPELLING.sub(lambda m: f"{m.group(1)} {'-'.join(m.group(2))}", text)


def clean(text: str, *, split_hyphens: bool = True) -> str:
    """Lower-case, drop markup and noise tags, unify am/pm, o'clock and spacing.

    `split_hyphens=False` keeps "mary-jane" whole, for reading names.
    """
    s = _PAUSE.sub(" ", text)
    s = _NOISE_PARENS.sub(" ", s)
    s = split_caps_spelling(s)
    s = s.translate(_CURLY).lower()
    s = _AMPM.sub(lambda m: f" {m.group(1)}m ", s)
    s = _ZERO_CLOCK.sub(r"\1 oclock", s)
    s = _OCLOCK.sub(" oclock", s)
    s = _DR.sub("doctor", s)
    s = _JUNK.sub(" ", s)
    if split_hyphens:
        s = _LETTER_HYPHEN.sub(" ", s)
    s = _SPLIT_CLOCK.sub(r"\1:\2", s)
    # Sentence punctuation becomes a separate token so word regexes see clean boundaries,
    # but a colon or slash inside numbers ("9:30", "03/05") stays attached.
    s = re.sub(r"(?<!\d)[.](?!\d)|[.](?=\s|$)", " . ", s)
    s = re.sub(r"[,?!]", lambda m: f" {m.group(0)} ", s)
    s = _SPACES.sub(" ", re.sub(r"(?<!\d)[:/]|[:/](?!\d)", " ", s))
    s = repair_weekdays(s)
    for pattern, replacement in _STT_FIXES:
        s = pattern.sub(replacement, s)
    return _SPACES.sub(" ", s).strip()


def words_only(cleaned: str) -> str:
    """The cleaned text without punctuation: for phrase matching across commas."""
    return _SPACES.sub(" ", re.sub(r"[,.?!]", " ", cleaned)).strip()
