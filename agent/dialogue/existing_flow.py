"""Existing appointments: identify the caller (name + DOB), then reschedule, cancel or tell."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from agent.dialogue.booking_flow import BookingFlow
from agent.dialogue.turn_types import Reply, ToolCall
from agent.dialogue.words import (
    visit_label,
)
from agent.nlu import Intent, Utterance
from agent.speakable import join_or, say_dob, say_when
from agent.state import Stage, Task


class ExistingFlow(BookingFlow):
    """Reschedule, cancel and look up the verified caller's own appointments."""

    def _advance_existing(
        self, utt: Utterance, intents: set[Intent], changed: list[str], r: Reply
    ) -> Generator[list[ToolCall], Any, bool]:
        b = self.state.booking
        if b.stage is Stage.CONFIRMED:
            return (yield from self._advance_booking(utt, intents, changed, r))
        if not b.verified:
            if b.name is None or b.date_of_birth is None:
                if b.name is None and b.date_of_birth is None:
                    b.awaiting = "name_and_dob"
                    r.add(self.replies.get("ask_identity"))
                elif b.name is None:
                    b.awaiting = "name"
                    r.add(self.replies.get("ask_name"))
                else:
                    b.awaiting = "date_of_birth"
                    r.add(self.replies.get("ask_dob"))
                return True
            (out,) = yield [
                ToolCall(
                    "lookup_appointments",
                    {"name": b.name, "date_of_birth": b.date_of_birth.isoformat()},
                )
            ]
            if out.is_error or not b.verified:
                b.lookup_failures += 1
                r.add(self.replies.get("not_found", name=b.name, dob=say_dob(b.date_of_birth)))
                if b.lookup_failures >= 2:
                    r.add(self.replies.get("offer_person"))
                b.name = None
                b.date_of_birth = None
                b.awaiting = "name_and_dob"
                return True
            self._describe_existing(r)
            if b.task is Task.LOOKUP:  # a plain lookup: told them, done
                b.task = Task.BOOK
                b.active = False
                b.awaiting = None
                r.add(self.replies.get("anything_else"))
                return True
            if len(b.existing) > 1:
                b.awaiting = "selection"
                return True
            return (yield from self._existing_next(utt, intents, r, fresh=True))
        if b.appointment_id is None and len(b.existing) > 1:
            idx = self._pick_existing(utt)
            if idx is None:
                r.add(self.replies.get("found_many", count=len(b.existing), list=self._list()))
                return True
            b.appointment_id = b.existing[idx].id
            self._adopt_target()
            return (yield from self._existing_next(utt, intents, r, fresh=True))
        return (yield from self._existing_next(utt, intents, r, fresh=False))

    def _existing_next(
        self, utt: Utterance, intents: set[Intent], r: Reply, *, fresh: bool
    ) -> Generator[list[ToolCall], Any, bool]:
        b = self.state.booking
        target = self._target()
        if target is None:
            return False
        if b.task is Task.CANCEL:
            if fresh or b.awaiting != "confirmation":
                b.awaiting = "confirmation"
                r.add(self.replies.get("ask_cancel"))
                return True
            if Intent.AFFIRM in intents:
                (out,) = yield [ToolCall("cancel_appointment", {"appointment_id": target.id})]
                if out.is_error:
                    r.add(out.output)
                    return True
                b.awaiting = None
                r.add(
                    self.replies.get("cancelled", when=say_when(target.slot.start, self._today()))
                )
                r.add(self.replies.get("anything_else"))
                return True
            if Intent.DENY in intents:
                b.awaiting = None
                b.task = Task.BOOK
                b.active = False
                r.add(self.replies.get("kept"))
                r.add(self.replies.get("anything_else"))
                return True
            return False
        # Reschedule: the new time is found and held like a new booking.
        if fresh:
            b.day = utt.day if utt.day and utt.day >= self._today() else None
            b.time = utt.time
            b.part_of_day = utt.part_of_day
            if b.day is None and b.time is None and b.part_of_day is None:
                b.awaiting = "day"
                r.add(self.replies.get("ask_new_time"))
                return True
            yield from self._search_and_offer(r)
            return True
        changed = [f for f in ("day", "time", "part_of_day") if getattr(utt, f) is not None]
        return (yield from self._advance_booking(utt, intents, changed, r))

    def _describe_existing(self, r: Reply) -> None:
        b = self.state.booking
        if len(b.existing) == 1:
            b.appointment_id = b.existing[0].id
            self._adopt_target()
            a = b.existing[0]
            r.add(
                self.replies.get(
                    "found_one",
                    visit_type=visit_label(a.slot.visit_type),
                    with_who=self._with(a.slot).strip(),
                    when=say_when(a.slot.start, self._today()),
                )
            )
        else:
            r.add(self.replies.get("found_many", count=len(b.existing), list=self._list()))

    def _list(self) -> str:
        return join_or(
            [
                f"a {a.slot.visit_type} on {say_when(a.slot.start, self._today())}"
                for a in self.state.booking.existing
            ]
        )

    def _pick_existing(self, utt: Utterance) -> int | None:
        ex = self.state.booking.existing
        if utt.day is not None:
            for i, a in enumerate(ex):
                if a.slot.start.date() == utt.day:
                    return i
        order = {"first": 0, "earliest": 0, "second": 1, "third": 2}
        if utt.selection in order and order[utt.selection] < len(ex):
            return order[utt.selection]
        if utt.selection in ("last", "latest"):
            return len(ex) - 1
        if utt.visit_type:
            for i, a in enumerate(ex):
                if a.slot.visit_type == self._visit_type_name(utt.visit_type):
                    return i
        return None

    def _adopt_target(self) -> None:
        b = self.state.booking
        t = self._target()
        if t is not None:
            b.visit_type = t.slot.visit_type
            b.provider = t.slot.provider_name
