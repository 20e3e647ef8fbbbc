"""Explicit dialogue state of one call: booking track, side track, corrections, memory.

The same object feeds the offline dialogue engine (which reads and updates it) and the cloud
LLM (which sees `summary()` in its instructions); the tools keep it in step with the booking
service. `to_dict()` is what the call record stores.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from booking.models import Slot

SlotLike = Slot  # the dialogue only reads provider/visit type/start/end of a booking slot


class Stage(StrEnum):
    COLLECTING = "collecting"  # still gathering what the patient wants
    OFFERING = "offering"  # slots were offered, waiting for a choice
    HELD = "held"  # a slot is held; collecting name/DOB or reading back
    CONFIRMED = "confirmed"  # booked (or rescheduled / cancelled) for good


class Task(StrEnum):
    BOOK = "book"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    LOOKUP = "lookup"  # "when is my appointment?": identify, tell, done


# Fields of the booking track that the patient can correct.
CORRECTABLE = ("visit_type", "provider", "day", "part_of_day", "time", "name", "date_of_birth")


@dataclass
class BookingTrack:
    task: Task = Task.BOOK
    visit_type: str | None = None
    provider: str | None = None  # display name ("Ana Patel") once resolved
    day: date | None = None
    part_of_day: str | None = None
    time: time | None = None
    time_relation: str | None = None
    any_time: bool = False
    name: str | None = None
    date_of_birth: date | None = None
    phone: str | None = None
    stage: Stage = Stage.COLLECTING
    hold_id: str | None = None
    held_slot: SlotLike | None = None
    offered: list[SlotLike] = field(default_factory=list)
    offered_were_alternatives: bool = False
    found: list[SlotLike] = field(default_factory=list)  # every slot the last search matched
    last_note: str | None = None  # why the last search matched nothing ("closed Sundays")
    appointment_id: str | None = None  # the confirmed (or targeted existing) appointment
    existing: list[Any] = field(default_factory=list)  # appointments found by lookup
    verified: bool = False  # name + DOB matched an existing appointment
    read_back_done: bool = False
    cancelled: bool = False
    lookup_failures: int = 0
    name_failures: int = 0
    visit_type_asked: bool = False
    asked_last_name: bool = False  # the last question was "And your last name?"
    last_name_asks: int = 0
    dob_failures: int = 0
    awaiting: str | None = None  # what the agent asked last (nlu `expecting`)
    active: bool = False  # the patient has asked for something on this track

    def clear_slot_choice(self) -> None:
        """Forget offers and the held slot (the hold itself is released by the caller)."""
        self.offered = []
        self.offered_were_alternatives = False
        self.found = []
        self.hold_id = None
        self.held_slot = None
        self.read_back_done = False
        if self.stage in (Stage.OFFERING, Stage.HELD):
            self.stage = Stage.COLLECTING

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": str(self.task),
            "visit_type": self.visit_type,
            "provider": self.provider,
            "day": _iso(self.day),
            "part_of_day": self.part_of_day,
            "time": _iso(self.time),
            "time_relation": self.time_relation,
            "any_time": self.any_time,
            "name": self.name,
            "date_of_birth": _iso(self.date_of_birth),
            "phone": self.phone,
            "stage": str(self.stage),
            "hold_id": self.hold_id,
            "held_slot": slot_dict(self.held_slot),
            "offered": [slot_dict(s) for s in self.offered],
            "appointment_id": self.appointment_id,
            "verified": self.verified,
            "awaiting": self.awaiting,
        }


@dataclass
class SideQuestion:
    topic: str
    text: str
    answer: str = ""
    answered: bool = False


@dataclass
class SideTrack:
    questions: list[SideQuestion] = field(default_factory=list)

    def ask(self, topic: str, text: str) -> SideQuestion:
        q = SideQuestion(topic=topic, text=text)
        self.questions.append(q)
        return q

    @property
    def open(self) -> list[SideQuestion]:
        return [q for q in self.questions if not q.answered]

    def to_dict(self) -> list[dict[str, Any]]:
        return [
            {"topic": q.topic, "text": q.text, "answer": q.answer, "answered": q.answered}
            for q in self.questions
        ]


@dataclass(frozen=True)
class Correction:
    field: str
    old: Any
    new: Any
    utterance: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "old": _iso(self.old),
            "new": _iso(self.new),
            "utterance": self.utterance,
        }


@dataclass
class Exchange:
    user: str
    agent: str = ""
    topics: dict[str, str] = field(default_factory=dict)  # topic -> what the agent answered


@dataclass
class Memory:
    """The last few exchanges, for "what did you say about ...?" and "that one"."""

    size: int = 4
    exchanges: deque[Exchange] = field(default_factory=deque)

    def add(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)
        while len(self.exchanges) > self.size:
            self.exchanges.popleft()

    def answer_about(self, topic: str) -> str | None:
        for ex in reversed(self.exchanges):
            if topic in ex.topics:
                return ex.topics[topic]
        return None

    def last_topic(self) -> str | None:
        for ex in reversed(self.exchanges):
            if ex.topics:
                return next(reversed(ex.topics))
        return None

    def last_agent_line(self) -> str | None:
        for ex in reversed(self.exchanges):
            if ex.agent:
                return ex.agent
        return None

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"user": e.user, "agent": e.agent, "topics": e.topics} for e in self.exchanges]


@dataclass
class DialogueState:
    booking: BookingTrack = field(default_factory=BookingTrack)
    side: SideTrack = field(default_factory=SideTrack)
    corrections: list[Correction] = field(default_factory=list)
    memory: Memory = field(default_factory=Memory)
    transferred: bool = False
    transfer_reason: str | None = None
    transfer_how: str | None = None  # "transferred" | "callback" on live calls; None in sims
    closing: bool = False  # the agent said goodbye (the caller may still go on)
    keypad_available: bool = False  # the caller has a keypad (phone line, sims)
    keypad_dob: bool = False  # digits now spell a date of birth (MMDDYYYY), not commands
    time_up: bool = False  # the call time cap was reached: only goodbyes from now
    misunderstood: int = 0  # consecutive turns nothing was understood
    turns: int = 0
    refusals: int = 0  # unauthorized / injection attempts refused

    @property
    def expecting(self) -> str | None:
        """What the agent just asked for (nlu `expecting`; the turn team's completeness cue)."""
        return self.booking.awaiting

    def record_correction(self, field_name: str, old: Any, new: Any, utterance: str) -> None:
        self.corrections.append(Correction(field_name, old, new, utterance))

    def summary(self) -> str:
        """A compact, readable state line for an LLM's instructions."""
        b = self.booking
        parts = [f"task={b.task}", f"stage={b.stage}"]
        for name in ("visit_type", "provider", "day", "part_of_day", "time", "name"):
            value = getattr(b, name)
            if value is not None:
                parts.append(f"{name}={_iso(value)}")
        if b.date_of_birth is not None:
            parts.append("date_of_birth=given")
        if b.held_slot is not None:
            parts.append(f"held={describe_slot_short(b.held_slot)} (hold_id={b.hold_id})")
        if b.offered:
            offered = "; ".join(
                f"{i + 1}: {describe_slot_short(s)}" for i, s in enumerate(b.offered)
            )
            parts.append(f"offered=[{offered}]")
        if b.appointment_id:
            parts.append(f"appointment_id={b.appointment_id}")
        if b.awaiting:
            parts.append(f"awaiting={b.awaiting}")
        lines = ["Booking: " + ", ".join(parts)]
        if self.side.open:
            lines.append("Open side questions: " + "; ".join(q.text for q in self.side.open))
        if self.corrections:
            last = self.corrections[-3:]
            lines.append(
                "Recent corrections: "
                + "; ".join(f"{c.field}: {_iso(c.old)} -> {_iso(c.new)}" for c in last)
            )
        if self.transferred:
            lines.append("The caller has been transferred to staff.")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "booking": self.booking.to_dict(),
            "side": self.side.to_dict(),
            "corrections": [c.to_dict() for c in self.corrections],
            "memory": self.memory.to_dict(),
            "transferred": self.transferred,
            "transfer_reason": self.transfer_reason,
            "transfer_how": self.transfer_how,
            "turns": self.turns,
            "refusals": self.refusals,
        }


def slot_dict(slot: SlotLike | None) -> dict[str, Any] | None:
    if slot is None:
        return None
    return {
        "provider_id": slot.provider_id,
        "provider_name": slot.provider_name,
        "visit_type": slot.visit_type,
        "start": slot.start.isoformat(timespec="minutes"),
        "end": slot.end.isoformat(timespec="minutes"),
    }


def describe_slot_short(slot: SlotLike) -> str:
    return f"{slot.start:%a %Y-%m-%d %H:%M} {slot.visit_type} with {slot.provider_name}"


def _iso(value: Any) -> Any:
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    return value
