"""Shared parts of the dialogue policy: the clinic, the clock, the state, how to say things."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from agent.dialogue.replies import Replies
from agent.dialogue.turn_types import ParseFn
from agent.speakable import say_dob, say_time
from agent.state import DialogueState, SlotLike
from booking.clinic import ClinicInfo


class PolicyBase:
    """What every part of the policy reads: state, clinic, clock, replies, parser."""

    def __init__(
        self,
        state: DialogueState,
        clinic: ClinicInfo,
        now: Callable[[], datetime],
        replies: Replies,
        parse: ParseFn,
    ) -> None:
        self.state = state
        self.clinic = clinic
        self.now = now
        self.replies = replies
        self.parse = parse
        self.turn_tracks: list[str] = []
        self._repeated = False  # this turn repeated an earlier line (no steer-back needed)
        self._dob_missed = False  # this turn answered the date-of-birth question with nothing

    def _default_visit_type(self) -> str:
        b = self.state.booking
        p = self.clinic.find_provider(b.provider) if b.provider else None
        if p is not None and p.visit_types:
            return "checkup" if "checkup" in p.visit_types else p.visit_types[0]
        return "checkup"

    def _visit_type_name(self, text: str | None) -> str | None:
        if not text:
            return None
        vt = self.clinic.find_visit_type(text)
        return vt.name if vt else None

    def _spoken_provider(self, name: str) -> str:
        p = self.clinic.find_provider(name)
        return p.spoken_name if p else name

    def _with(self, slot: SlotLike) -> str:
        return f" with {self._spoken_provider(slot.provider_name)}"

    def _speak_value(self, name: str, value: Any) -> str:
        if name == "day":
            return f"{value:%A}"
        if name == "time":
            return say_time(value)
        if name == "date_of_birth":
            return say_dob(value)
        if name == "provider":
            return self._spoken_provider(value)
        if name == "visit_type":
            return f"a {value}"
        return str(value)

    def _today(self) -> date:
        return self.now().date()

    def _target(self) -> Any:
        b = self.state.booking
        for a in b.existing:
            if a.id == b.appointment_id:
                return a
        return None
