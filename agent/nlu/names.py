"""Patient names: "my name is Maria Lopez", "this is Tom Becker", "Grace Kim, December first".

A name is 1-4 word-like tokens that are not everyday words of a phone booking; a whole
sentence ("I don't know what you mean") is never a name. Output is title-cased.
"""

from __future__ import annotations

import re

from agent.nlu.dates import MONTHS, WEEKDAYS
from agent.nlu.normalize import clean
from agent.nlu.numbers import ORDINALS, TEENS, TENS, UNITS

# Words that cannot be part of a name in this setting (function words, booking vocabulary).
_NOT_NAME = frozenset(
    """
    a an the and or but if of to in on at for with from by about as into after before
    i i'm im me my mine we us our you your he she it its it's they them their this that these
    those there here what when where why how who whom which is am are was were be been being
    do does did done have has had will would can could should may might must shall not no
    yes yeah yep nope okay ok alright sure right well so just also too very really please
    thanks thank hi hello hey bye goodbye sorry pardon excuse um uh er hmm mhm oh ah like
    want wanted need needed book booked booking schedule appointment appointments appt
    visit visits checkup check physical exam follow up sick shot vaccine vaccination flu new
    patient doctor dr nurse practitioner clinic office time times day days week weeks month
    morning afternoon evening tonight today tomorrow yesterday next last first second third
    earliest earlier latest later one ones any anything anyone someone something nothing
    know mean meant think understand said say says saying call calling called talk speak
    person human agent operator receptionist real cancel reschedule change move confirm
    correct wrong fine good great perfect works work born birth birthday date name named
    number phone cell fever cough pain insurance copay cost price parking address hours open
    closed available availability get got make made see come go going let let's don't
    dont can't cant won't isn't wasn't didn't doesn't not never wait actually instead mean
    again repeat spell spelled letter letters because since then than only all some
    whatever whenever anytime matter noon o'clock oclock am pm half quarter past
    back late early soon running calling looking trying going hoping wondering tired glad
    afraid interested ready busy away out home sure here there fine
    his her him hers theirs yours ours nobody none noone everyone someone anybody everybody
    somebody mother father mom dad mum son daughter wife husband child kid kids baby boy girl
    brother sister grandmother grandfather grandma grandpa myself himself herself guy lady
    business private rather say tell why because
    """.split()
)
_ALL_BLOCKED = (
    _NOT_NAME | set(MONTHS) | set(WEEKDAYS) | set(UNITS) | set(TEENS) | set(TENS) | set(ORDINALS)
)
# Everyday words that are also first names: accepted only when a name was asked for and
# another name word follows ("Will Smith", "June Carter", "May Lee").
_NAME_WHEN_ASKED = frozenset("will may april june august grace mark bill sunny".split())
_TRAILING_POLITE = frozenset("please thanks thank you here speaking".split())

_TOKEN = re.compile(r"^[a-z][a-z'\-]*[a-z]$|^[a-z]$")
_CUE = re.compile(
    r"\b(?P<cue>(?:for |is )?(?:my|our) (?:son|daughter|child|kid|wife|husband|mother|father|"
    r"mom|dad|mum|baby|boy|girl|brother|sister|grandmother|grandfather|grandma|grandpa)"
    r"(?:'s name is| is named| named| called| is)?|"
    r"my name is|my name's|name is|name's|the name is|names|this is|it's|it is|"
    r"i am|i'm|im|call me|patient is|under the name|under the name of|for the name|"
    r"patient's name is|his name is|her name is|their name is|first and last name is)\s+"
)
_FAMILY = re.compile(
    r"\b(?:son|daughter|child|kid|wife|husband|mother|father|mom|dad|mum|baby|boy|girl|"
    r"brother|sister|grandmother|grandfather|grandma|grandpa)\b"
)
_NAMING = {"named", "called", "is"}
_WEAK_CUES = {"this is", "it's", "it is", "i am", "i'm", "im", "call me"}
_AFTER_INTRO = frozenset({",", ".", "!", "?", "and", "born", "date", "calling", "speaking", "here"})
_SPELLED = re.compile(r"\b(?:[a-z][ -]){2,}[a-z]\b")


def title_case(name: str) -> str:
    def cap(part: str) -> str:
        if part.startswith("mc") and len(part) > 2:
            return "Mc" + part[2:].capitalize()
        if part.startswith("o'") and len(part) > 2:
            return "O'" + part[2:].capitalize()
        return part.capitalize()

    return " ".join("-".join(cap(p) for p in word.split("-")) for word in name.split())


def _name_tokens(words: list[str], *, asked: bool = False) -> list[str]:
    out: list[str] = []
    if (
        asked
        and len(words) >= 2
        and words[0] in _NAME_WHEN_ASKED
        and _TOKEN.match(words[1])
        and words[1] not in _ALL_BLOCKED
    ):
        return [words[0], *_name_tokens(words[1:])][:4]
    for w in words:
        if w in {",", ".", "?", "!"} or not _TOKEN.match(w):
            break
        if w in _ALL_BLOCKED or any(part in _ALL_BLOCKED for part in w.split("-")):
            break
        out.append(w)
        if len(out) == 4:
            break
    return out


def _join_spelled(cleaned: str) -> str:
    """ "l o p e z" (a spelled name) -> "lopez"; a spelling replaces the word it spells.

    "Becker, B-E-K-E-R" -> "beker": the caller's spelling beats the transcriber's guess
    for the nearest earlier word with the same first letter.
    """
    out: list[str] = []
    last = 0
    for m in _SPELLED.finditer(cleaned):
        out.extend(cleaned[last : m.start()].split())
        last = m.end()
        spelled = re.sub(r"[ -]", "", m.group(0))
        near = [
            i
            for i in range(len(out) - 1, max(-1, len(out) - 5), -1)
            if out[i][:1] == spelled[0] and out[i] not in _ALL_BLOCKED
        ]
        if near:
            out[near[0]] = spelled
            while out and out[-1] in {",", "."}:
                out.pop()
        else:
            out.append(spelled)
    out.extend(cleaned[last:].split())
    return " ".join(out)


def _is_capitalised(original: str, tokens: list[str]) -> bool:
    raw = {w.strip(".,!?").lower(): w.strip(".,!?") for w in original.split()}
    return all(raw.get(t, "")[:1].isupper() for t in tokens)


_LEADING_FILLER = frozenset(
    "uh um er so well yes yeah yep sure okay ok oh and it's its it is hi hello hey".split()
)
_DOB_FOLLOWERS = frozenset({"born", "date", "dob", "birthday", "birth"})


def _after_is_dob(rest: list[str]) -> bool:
    words = [w for w in rest[:8] if w not in {",", "."}][:3]
    if not words:
        return False
    first = words[0]
    if first in MONTHS or first in _DOB_FOLLOWERS or first[:1].isdigit():
        return True
    if first == "or" and len(words) > 1 and (words[1] in MONTHS or words[1][:1].isdigit()):
        return True  # "Priya Nair or May 2": whisper's "or" for a quick "born"
    return first in {"and", "my"} and any(w in _DOB_FOLLOWERS or w == "my" for w in words[1:])


def find_name(cleaned: str, original: str, expecting: str | None) -> tuple[str | None, float]:
    """(title-cased name or None, confidence in it).

    Candidates come from introductions ("my name is ...") and from comma-separated chunks
    that are nothing but name words; the best has two or more words, then the highest
    confidence, then comes last (people repeat their name more fully: "Tom, Tom Becker").
    """
    text = _join_spelled(cleaned)
    expecting_name = expecting in ("name", "name_and_dob")
    candidates: list[tuple[list[str], float, int]] = []
    for m in _CUE.finditer(text):
        tokens = _name_tokens(text[m.end() :].split())
        if not tokens:
            continue
        cue = m.group("cue")
        if _FAMILY.search(cue) and not expecting_name and cue.split()[-1] not in _NAMING:
            # "my son vaccinated", "my son Tom needs ...": only capitalised words are a name.
            tokens = [t for i, t in enumerate(tokens) if _is_capitalised(original, tokens[: i + 1])]
            if not tokens:
                continue
        weak = m.group("cue") in _WEAK_CUES
        if weak and not expecting_name and not _is_capitalised(original, tokens):
            # "I'm running late", "this is urgent": lower-case words after a weak cue are
            # only a name when STT capitalised them or we asked for one.
            if any(t.endswith(("ing", "ed", "ly")) for t in tokens):
                continue
        if weak and len(tokens) < 2 and not expecting_name:
            continue
        rest = text[m.end() :].split()[len(tokens) :]
        if weak and rest and rest[0] not in _AFTER_INTRO:
            continue  # "I'm calling about ...", "this is for my son" are not introductions
        candidates.append((tokens, 0.9 if weak else 1.0, m.start()))

    words = text.split()
    start = 0
    only_chunk = True
    last_word = max((k for k, w in enumerate(words) if w not in {",", ".", "?", "!"}), default=-1)
    for i in range(len(words) + 1):
        if i < len(words) and words[i] not in {",", ".", "?", "!"}:
            continue
        chunk = words[start:i]
        offset = start
        start = i + 1
        if i < last_word:
            only_chunk = False
        while chunk and chunk[0] in _LEADING_FILLER:
            chunk, offset = chunk[1:], offset + 1
        while chunk and chunk[-1] in _TRAILING_POLITE:
            chunk = chunk[:-1]
        lead = _name_tokens(chunk, asked=expecting_name)
        if not lead:
            continue
        rest = words[offset + len(lead) :]
        if len(lead) == len(chunk):
            if expecting_name:
                candidates.append((lead, 0.9 if len(lead) >= 2 else 0.8, offset))
                continue
        if _after_is_dob(rest) and (len(lead) >= 2 or expecting_name):
            candidates.append((lead, 0.9, offset))  # "Grace Kim, December first, 1990"
    if not candidates and not expecting_name:
        lead = _name_tokens(words)
        if lead and len(lead) == len(words) and only_chunk and 2 <= len(lead) <= 3:
            if _is_capitalised(original, lead):
                candidates.append((lead, 0.6, 0))  # a bare "Tom Becker", capitalised by STT
    if not candidates:
        return None, 0.0
    tokens, confidence, _ = max(candidates, key=lambda c: (len(c[0]) >= 2, c[1], len(c[0]), c[2]))
    return title_case(" ".join(tokens)), confidence


def name_in_answer(text: str) -> str | None:
    """The name in an answer to "may I have your name (and date of birth)?", as STT wrote it."""
    name, _ = find_name(clean(text, split_hyphens=False), text, "name_and_dob")
    return name
