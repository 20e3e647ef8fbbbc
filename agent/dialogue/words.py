"""Small helpers on words, names, dates and slot lists used by the dialogue policy."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from agent.nlu import Utterance
from agent.nlu.normalize import split_caps_spelling
from agent.speakable import join_or, say_day, say_time
from agent.state import SlotLike
from booking.clinic import ClinicInfo


def slot_values(utt: Utterance, *, ignore_day: bool = False) -> bool:
    """Whether the utterance carries any booking value (what/when/who/patient)."""
    fields = (
        utt.visit_type,
        utt.provider,
        utt.part_of_day,
        utt.time,
        utt.name,
        utt.date_of_birth,
        utt.phone,
        utt.selection,
    )
    return any(v is not None for v in fields) or (utt.day is not None and not ignore_day)


def visit_label(visit_type: str) -> str:
    """How a visit type reads in a sentence: "new patient" -> "new-patient visit"."""
    if visit_type in ("checkup", "vaccination") or visit_type.endswith("visit"):
        return visit_type
    return visit_type.replace(" ", "-") + " visit"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text.startswith("I ") else text


def in_part(t: time, part: str) -> bool:
    if part == "morning":
        return t < time(12, 0)
    if part == "afternoon":
        return time(12, 0) <= t < time(17, 0)
    if part == "evening":
        return t >= time(17, 0)
    return True


# Words that are never a patient's name: a parser that takes "his birthday is ..." or "none of
# your business" at face value must not book an appointment for "His" or "None".
NOT_NAMES = frozenset(
    "i me my mine you your he him his she her they them their it its we our us none nobody "
    "no yes not nothing business name is the a an and or but this that what why who none "
    "okay ok sure fine please thanks thank sorry hello hi".split()
)


def plausible_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in name):
        return False
    return not any(w.lower().strip(".,'") in NOT_NAMES for w in words)


SPELLED = re.compile(r"(?<![A-Za-z])((?:[A-Za-z][\s.,-]+){2,}[A-Za-z])(?![A-Za-z])")


def spelled_word(text: str) -> str | None:
    """Letters spelled one by one ("M A R C H E", "L-O-P-E-Z") joined into a name word."""
    for m in SPELLED.finditer(split_caps_spelling(text)):
        letters = re.findall(r"[A-Za-z]", m.group(1))
        if len(letters) >= 3 and any(ch.isupper() for ch in letters):
            return "".join(letters).capitalize()
    return None


def plausible_dob(d: date, today: date) -> bool:
    return d < today and today.year - d.year <= 120


def argmin(slots: list[SlotLike]) -> int:
    return min(range(len(slots)), key=lambda i: slots[i].start)


def argmax(slots: list[SlotLike]) -> int:
    return max(range(len(slots)), key=lambda i: slots[i].start)


def nearest(slots: list[SlotLike], t: time, n: int) -> list[SlotLike]:
    def dist(s: SlotLike) -> float:
        a = s.start.hour * 60 + s.start.minute
        return abs(a - (t.hour * 60 + t.minute))

    seen: set[datetime] = set()
    uniq = []
    for s in sorted(slots, key=dist):
        if s.start not in seen:
            seen.add(s.start)
            uniq.append(s)
    return sorted(uniq[:n], key=lambda s: s.start)


def options_by_day(slots: list[SlotLike], today: date) -> str:
    by_day: dict[date, list[str]] = {}
    for s in slots:
        by_day.setdefault(s.start.date(), []).append(say_time(s.start.time()))
    return "; or ".join(f"{say_day(d, today)} at {join_or(ts)}" for d, ts in by_day.items())


_DOCTOR = re.compile(r"\b(?:doctor|dr\.?)\s+([A-Za-z]{3,})", re.IGNORECASE)
_NOT_SURNAMES = frozenset(
    "the who that and for please appointment visit office available there here about today "
    "tomorrow again instead".split()
)


def unknown_doctor(text: str, clinic: ClinicInfo) -> str | None:
    """'Doctor Smith' when the clinic has no Smith: the name as said, else None."""
    for m in _DOCTOR.finditer(text):
        word = m.group(1)
        if word.lower() in _NOT_SURNAMES or clinic.find_provider(word) is not None:
            continue
        return f"Doctor {word.capitalize()}"
    return None


_GIVE_UP = re.compile(
    r"\b(never ?mind|changed my mind|don'?t (want|need) (it|that|the appointment|an appointment)"
    r"|forget (it|about it)|not anymore|no longer need)\b",
    re.IGNORECASE,
)


def gives_up(text: str) -> bool:
    """The caller abandons the booking in progress ("never mind, I don't want it")."""
    return bool(_GIVE_UP.search(text))


def transfer_reply(how: str | None) -> str:
    """Reply key after a staff hand-off: a callback must not sound like a live transfer."""
    return "transfer_callback" if how == "callback" else "transfer"


_NAME_CUE = re.compile(r"\b(?:my name is|name's|this is|it's|it is|i am|i'm)\s+([^,.;!?]+)", re.I)
_FILLERS = frozenset("the uh um er erm ah a like so".split())


def name_after_cue(text: str) -> str | None:
    """Up to three capitalised words after "my name is", hesitations dropped."""
    m = _NAME_CUE.search(text)
    if not m:
        return None
    words = [w for w in m.group(1).split() if w.lower() not in _FILLERS]
    words = [w for w in words if w[:1].isupper()][:3]
    return " ".join(words) if len(words) >= 2 else None
