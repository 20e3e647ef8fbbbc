"""Entry point: turn one transcribed patient utterance into an `Utterance`.

Pure and deterministic: the same text, `now` and `expecting` always give the same answer.
Each extractor reports every mention with its position; with a self-repair ("no wait,
Wednesday") the last mention of a slot wins, otherwise the first, and mentions after
"not"/"instead of" are ignored.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, time

from agent.nlu import dates, times
from agent.nlu.corrections import is_correction, negated, rejects_a_value, starts_with_no
from agent.nlu.dates import find_days
from agent.nlu.dob import pick, split_days
from agent.nlu.intents import read_intents, wants_any_provider, wants_any_time
from agent.nlu.lexicon import DEFAULT_LEXICON, Lexicon
from agent.nlu.names import find_name
from agent.nlu.normalize import clean, words_only
from agent.nlu.numbers import words_to_digits
from agent.nlu.phone import find_phone
from agent.nlu.selection import find_selection
from agent.nlu.terms import find_insurer, find_provider, find_visit_type
from agent.nlu.types import Intent, Utterance

_log = logging.getLogger(__name__)

EXPECTING = frozenset(
    {"name", "date_of_birth", "name_and_dob", "time", "day", "confirmation", "visit_type",
     "selection", "phone"}
)  # fmt: skip
_FILLER_ONLY = re.compile(
    r"^(?!uh huh$|mm hmm$)(?:(?:um+|uh+|er+|ah+|hmm+|mm+|oh|the|a|so|like|well)\s*)*$"
)
# Hesitations before the real answer ("oh, yes", "um okay") hide anchored patterns.
_LEAD_FILLER = re.compile(r"^(?:(?:oh|um+|uh+|er+|ah+|well|so|hmm+|mm)\s+)+(?!huh\b|hmm\b)")
_STRONG_REPAIR = re.compile(
    r"\b(?:i mean|i meant|make (?:it|that)|instead|change (?:it|that) to)\b"
)
_SIDE = frozenset(
    {Intent.ASK_HOURS, Intent.ASK_ADDRESS, Intent.ASK_PARKING, Intent.ASK_COPAY,
     Intent.ASK_INSURANCE, Intent.ASK_PROVIDERS, Intent.CLARIFY, Intent.TRANSFER,
     Intent.REPEAT_REQUEST, Intent.SPELL_REQUEST, Intent.GOODBYE}
)  # fmt: skip
_ACTIONS = frozenset(Intent) - {Intent.GREETING, Intent.ACK, Intent.UNKNOWN, Intent.INFORM}


def parse(
    text: str,
    *,
    now: datetime,
    expecting: str | None = None,
    lexicon: Lexicon = DEFAULT_LEXICON,
    strict: bool = False,
) -> Utterance:
    """Understand one patient utterance, relative to the clinic clock `now`.

    `expecting` is what the agent just asked for (see `EXPECTING`); it biases readings such
    as a bare "two" (a time) or "okay" (a yes). Raises TypeError/ValueError on bad arguments.
    A bug inside an extractor must not end a live call: it is logged and the utterance comes
    back as UNKNOWN (the agent asks again). Tests pass `strict=True` to see such bugs.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() needs the transcript as str, got {type(text).__name__}")
    if not isinstance(now, datetime):
        raise TypeError("parse() needs `now` as a datetime (clinic local time)")
    if expecting is not None and expecting not in EXPECTING:
        raise ValueError(f"unknown expecting={expecting!r}; use one of {sorted(EXPECTING)}")
    if strict:
        return _parse(text, now, expecting, lexicon)
    try:
        return _parse(text, now, expecting, lexicon)
    except Exception:
        _log.exception("nlu: parse failed on a %d-character utterance", len(text))
        return Utterance(text=text, intents=frozenset({Intent.UNKNOWN}), confidence=0.0)


# A spoken turn is rarely over 500 characters; beyond this we read the start and the end
# (requests come first, corrections last) so a runaway transcript cannot stall the call.
MAX_CHARS = 1200


def _parse(text: str, now: datetime, expecting: str | None, lexicon: Lexicon) -> Utterance:
    source = (
        text if len(text) <= MAX_CHARS else f"{text[: MAX_CHARS // 2]} . {text[-MAX_CHARS // 2 :]}"
    )
    cleaned = clean(source)
    plain = words_only(cleaned)
    if not plain or _FILLER_ONLY.match(plain):
        return Utterance(text=text, intents=frozenset({Intent.UNKNOWN}), confidence=0.0)
    digits = words_to_digits(cleaned)
    correction = is_correction(plain, cleaned)
    problems: list[str] = []

    # Days: split date mentions into the date of birth and the appointment day.
    day_mentions = find_days(digits, now, expecting)
    dob, day = split_days(day_mentions, digits, now, expecting, correction, problems)

    # Times and parts of day.
    taken = [(d.start, d.end) for d in day_mentions]
    bare_ok = expecting in (None, "time", "confirmation") and not day_mentions
    time_mentions = [
        t
        for t in times.find_times(digits, taken, bare_ok=bare_ok)
        if not negated(digits, t.start, t.end)
    ]
    part_mentions = [p for p in times.find_parts(digits) if not negated(digits, p.start, p.end)]
    part = pick([p.part for p in part_mentions], correction)
    chosen_time = pick(time_mentions, correction)
    clock: time | None = times.resolve(chosen_time, part) if chosen_time else None
    relation = chosen_time.relation if chosen_time else None
    if part is None and chosen_time is not None and chosen_time.part:
        part = chosen_time.part

    visit_type = find_visit_type(plain, lexicon, correction)
    provider = find_provider(plain, lexicon, correction)
    insurer = find_insurer(plain, lexicon)

    reading = read_intents(_LEAD_FILLER.sub("", plain) or plain, expecting)
    intents = set(reading.intents)
    selection = find_selection(plain, expecting)
    if selection is not None:
        intents.add(Intent.SELECT)
        if selection == "closest_after":
            clock, relation = None, None  # "after that" refers to the offer, not a clock time
    if (
        selection is None
        and clock is not None
        and re.search(r"\bthe (?:one (?:at|for) )?\d{1,2}(?![\dsnrt])", digits)
    ):
        intents.add(Intent.SELECT)  # "the one at 2": the offered slot at that time
    if wants_any_time(plain) and clock is None:
        intents.add(Intent.ANY_TIME)
    if wants_any_provider(plain) and provider is None and Intent.TRANSFER not in intents:
        intents.add(Intent.ANY_PROVIDER)
        intents.discard(Intent.ANY_TIME)
    if Intent.ASK_HOURS in intents and visit_type is None:
        intents.discard(Intent.BOOK)  # "what time do you open Saturday" asks about hours
    if insurer is not None:
        intents.add(Intent.ASK_INSURANCE)

    name, name_confidence = find_name(clean(source, split_hyphens=False), source, expecting)
    if name is not None:
        name_words = set(name.lower().split())
        titled = re.search(r"\b(?:doctor|nurse|np)\s+\w+", plain) is not None
        if provider is not None and provider.lower() in name_words:
            if titled and len(name_words) == 1:
                name = None  # "Doctor Patel" answered to a name question is the provider
            elif not titled:
                provider = None  # the patient is called Chen; no provider was asked for
        if insurer is not None and insurer.lower() in name_words:
            insurer = None  # "Oscar Wilde, born ..." names a person, not a plan
            if not re.search(r"\binsurance|\b(?:take|accept)\b", plain):
                intents.discard(Intent.ASK_INSURANCE)
    phone = find_phone(digits, expecting)

    week = dates.find_week(digits, now) if day is None else None
    slots_present = any(
        v is not None for v in (visit_type, provider, day, part, clock, name, dob, phone, week)
    )
    if intents & _SIDE and not _STRONG_REPAIR.search(plain):
        correction = False  # "wait, what are your hours on Saturday?" asks; it changes nothing
    if selection is not None and visit_type is None:
        intents.discard(Intent.BOOK)  # "do you have anything earlier" picks among offers
    rejects_first = starts_with_no(plain) or plain.startswith("not ") or rejects_a_value(digits)
    if rejects_first and (slots_present or selection is not None):
        correction = True  # "no, Wednesday" / "no, the other one": a replacement, not a refusal
    if correction and (slots_present or selection is not None):
        intents.discard(Intent.DENY)
    if slots_present:
        intents.discard(Intent.ACK)
        if not intents & _ACTIONS:
            intents.add(Intent.INFORM)
    if (
        expecting in ("date_of_birth", "name_and_dob")
        and dob is None
        and not problems
        and re.fullmatch(r"(?:born in |in )?(?:19|20)\d\d", digits.strip(" .,"))
    ):
        problems.append("I need the month and day too")
    if problems and not intents & _ACTIONS:
        intents.add(Intent.INFORM)  # a value was given, just not a usable one
    if not intents:
        intents.add(Intent.UNKNOWN)

    confidence = _confidence(
        intents, plain, name_confidence, name, slots_present, reading.suspicious
    )
    return Utterance(
        text=text,
        week=week,
        intents=frozenset(intents),
        visit_type=visit_type,
        provider=provider,
        day=day,
        part_of_day=part,
        time=clock,
        time_relation=relation,
        name=name,
        date_of_birth=dob,
        phone=phone,
        correction=correction,
        selection=selection,
        topic=reading.topic if Intent.CLARIFY in intents else None,
        problems=tuple(dict.fromkeys(problems)),
        confidence=confidence,
        insurer=insurer,
        suspicious=reading.suspicious,
    )


def _confidence(
    intents: set[Intent],
    plain: str,
    name_confidence: float,
    name: str | None,
    slots_present: bool,
    suspicious: bool,
) -> float:
    if intents == {Intent.UNKNOWN}:
        words = plain.split()
        # A real but unhelpful sentence is likelier misunderstood than noise is.
        known = sum(1 for w in words if w in _COMMON)
        value = 0.3 if words and known / len(words) >= 0.5 else 0.1
    elif intents == {Intent.INFORM} and name is not None and slots_present:
        value = name_confidence if name_confidence else 1.0
    elif intents == {Intent.ACK}:
        value = 0.8
    else:
        value = 1.0
    return min(value, 0.4) if suspicious else value


_COMMON = frozenset(
    """i you we he she it they me my your the a an and or but to of in on at for with is are
    was were be do does did have has had not no yes what when where how why who which that
    this know mean think want need like can could would will just really so well okay ok
    please thanks sorry um uh maybe about there here go get got see say said""".split()
)


def warm() -> None:
    """Load the date parser's data now (a few hundred ms) rather than on a caller's turn."""
    dates.warm()
