"""New bookings: gather what and when, offer, hold, take name and DOB, read back, confirm."""

from __future__ import annotations

from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from typing import Any

from agent.dialogue.base import PolicyBase
from agent.dialogue.turn_types import Reply, ToolCall
from agent.dialogue.words import (
    argmax,
    argmin,
    gives_up,
    in_part,
    nearest,
    options_by_day,
    visit_label,
)
from agent.nlu import Intent, Utterance
from agent.speakable import join_or, say_dob, say_time, say_when
from agent.state import SlotLike, Stage, Task


class BookingFlow(PolicyBase):
    """The booking track from collecting to confirmed."""

    def _held_still_matches(self) -> bool:
        b = self.state.booking
        s = b.held_slot
        if s is None:
            return False
        if b.day is not None and s.start.date() != b.day:
            return False
        if b.time is not None and s.start.time() != b.time:
            return False
        if b.visit_type and s.visit_type != b.visit_type:
            return False
        if b.provider and s.provider_name != b.provider:
            return False
        return not (b.part_of_day and not in_part(s.start.time(), b.part_of_day))

    def _advance_booking(
        self, utt: Utterance, intents: set[Intent], changed: list[str], r: Reply
    ) -> Generator[list[ToolCall], Any, bool]:
        b = self.state.booking
        if not b.active:
            return False
        if b.stage is Stage.CONFIRMED:
            if Intent.DENY in intents or Intent.GOODBYE in intents:
                self.state.closing = True
                r.add(self.replies.get("goodbye"))
                return True
            if Intent.AFFIRM in intents:
                r.add(self.replies.get("how_can_i_help"))
                b.awaiting = None
                return True
            return False
        details_only = bool(changed) and set(changed) <= {"name", "date_of_birth", "phone"}
        if b.stage is Stage.OFFERING and (not changed or details_only):
            chosen = self._choose(utt, intents)
            if chosen in ("earlier", "later"):
                yield from self._shift_offer(str(chosen), r)
                return True
            if chosen == "deny":
                b.clear_slot_choice()
                b.time = None
                b.awaiting = "day"
                r.add(self.replies.get("other_day"))
                return True
            if chosen is None and utt.time is None and b.awaiting in ("selection", "time"):
                # Nothing usable: ask again rather than re-search.
                if details_only or intents - {Intent.UNKNOWN}:
                    r.add(self.replies.get("ask_selection"))
                    return True
                return False
            if isinstance(chosen, int):
                yield from self._hold(chosen, r)
                if b.stage is Stage.HELD:
                    self._ask_patient_details(r)
                return True
        if b.stage is Stage.OFFERING and changed == ["time"] and b.time is not None:
            idx = self._match_time(b.time, utt.day)
            if idx is not None:
                yield from self._hold(idx, r)
                if b.stage is Stage.HELD:
                    self._ask_patient_details(r)
                return True
        if b.stage is Stage.HELD:
            return (yield from self._held_step(utt, intents, changed, r))
        # COLLECTING (or offers invalidated): gather what/when, then search.
        if b.visit_type is None:
            if not b.visit_type_asked:
                b.visit_type_asked = True
                b.awaiting = "visit_type"
                r.add(self.replies.get("ask_visit_type"))
                return True
            # Asked once and the caller moved on: assume the usual visit and say so.
            b.visit_type = self._default_visit_type()
            r.add(self.replies.get("assume_visit_type", visit_type=visit_label(b.visit_type)))
        if b.day is None and not b.any_time and b.time is None and b.part_of_day is None:
            b.awaiting = "day"
            r.add(self.replies.get("ask_day_for", visit_type=visit_label(b.visit_type)))
            return True
        yield from self._search_and_offer(r)
        return True

    def _choose(self, utt: Utterance, intents: set[Intent]) -> int | str | None:
        """Which offered slot the patient picked: an index, 'deny', or None."""
        b = self.state.booking
        offered = b.offered
        if not offered:
            return None
        sel = utt.selection
        if sel in ("something_earlier", "something_later"):
            return "earlier" if sel == "something_earlier" else "later"
        if utt.time is not None:
            idx = self._match_time(utt.time, utt.day)
            if idx is not None:
                return idx
        if sel in ("first", "earliest"):
            return 0 if sel == "first" else argmin(offered)
        if sel == "second" and len(offered) > 1:
            return 1
        if sel == "third" and len(offered) > 2:
            return 2
        if sel in ("last", "latest"):
            return len(offered) - 1 if sel == "last" else argmax(offered)
        if sel in ("closest_after", "next"):
            ref = b.time or (b.held_slot.start.time() if b.held_slot else None)
            if ref is not None:
                later = [i for i, s in enumerate(offered) if s.start.time() > ref]
                if later:
                    return min(later, key=lambda i: offered[i].start)
            return 0
        if sel == "other" and len(offered) > 1:
            held = b.held_slot
            others = [i for i, s in enumerate(offered) if held is None or s != held]
            return others[1] if held is None and len(others) > 1 else others[0]
        if sel == "that":
            return 0 if len(offered) == 1 else self._last_mentioned()
        if Intent.ANY_TIME in intents or b.any_time:
            return 0
        if Intent.DENY in intents:
            return "deny"
        if Intent.AFFIRM in intents or Intent.SELECT in intents:
            return 0
        return None

    def _shift_offer(self, direction: str, r: Reply) -> Generator[list[ToolCall], Any, None]:
        """'Anything earlier/later?': search the same day before the first / after the last
        offered time; keep the current offer when there is nothing."""
        b = self.state.booking
        offered = list(b.offered)
        was_alt = b.offered_were_alternatives
        ref = offered[0] if direction == "earlier" else offered[-1]
        args: dict[str, Any] = {"visit_type": b.visit_type, "day": ref.start.date().isoformat()}
        if b.provider:
            args["provider"] = b.provider
        edge = ref.start.time()
        if direction == "earlier":
            args["before"] = edge.strftime("%H:%M")
        else:
            later = (datetime.combine(ref.start.date(), edge) + timedelta(minutes=1)).time()
            args["after"] = later.strftime("%H:%M")
        (out,) = yield [ToolCall("find_availability", args)]
        if out.is_error or not b.offered or b.offered_were_alternatives:
            b.offered, b.offered_were_alternatives = offered, was_alt
            b.stage = Stage.OFFERING
            r.add(
                self.replies.get("nothing_earlier" if direction == "earlier" else "nothing_later")
            )
            r.add(self._offer_line(offered, alternatives=was_alt))
        else:
            if direction == "earlier":
                b.offered = b.found[-3:] if len(b.found) > 3 else b.offered
            r.add(self._offer_line(b.offered, alternatives=False))
        b.awaiting = "selection"

    def _last_mentioned(self) -> int:
        """'That one' among several: the offer closest to the time the patient asked for."""
        b = self.state.booking
        if b.time is None or not b.offered:
            return 0
        want = b.time.hour * 60 + b.time.minute
        return min(
            range(len(b.offered)),
            key=lambda i: abs(b.offered[i].start.hour * 60 + b.offered[i].start.minute - want),
        )

    def _match_time(self, t: time, day: date | None) -> int | None:
        for i, s in enumerate(self.state.booking.offered):
            if s.start.time() == t and (day is None or s.start.date() == day):
                return i
        return None

    def _hold(self, index: int, r: Reply) -> Generator[list[ToolCall], Any, None]:
        b = self.state.booking
        slot = b.offered[index]
        (out,) = yield [ToolCall("hold_slot", {"option": index + 1})]
        if out.is_error:
            r.add(out.output)
            b.offered = [s for s in b.offered if s != slot]
            if b.offered:
                r.add(self._offer_line(b.offered, alternatives=True))
                b.awaiting = "selection"
            else:
                b.clear_slot_choice()
                yield from self._search_and_offer(r)
            return
        b.time = slot.start.time()
        b.day = slot.start.date()
        r.add(
            self.replies.get(
                "holding", when=say_when(slot.start, self._today()), with_who=self._with(slot)
            )
        )

    def _search_and_offer(self, r: Reply) -> Generator[list[ToolCall], Any, None]:
        b = self.state.booking
        args: dict[str, Any] = {"visit_type": b.visit_type}
        if b.provider:
            args["provider"] = b.provider
        if b.day:
            args["day"] = b.day.isoformat()
        if b.part_of_day:
            args["part_of_day"] = b.part_of_day
        exact = b.time is not None and b.time_relation in (None, "at")
        if b.time is not None:
            hhmm = b.time.strftime("%H:%M")
            if b.time_relation == "before":
                args["before"] = hhmm
            elif exact:
                args["after"] = hhmm
                args["before"] = hhmm
            else:
                args["after"] = hhmm
        (out,) = yield [ToolCall("find_availability", args)]
        if out.is_error:
            r.add(out.output)
            b.awaiting = "day"
            return
        if b.day is not None and b.day.weekday() == 6 and b.offered_were_alternatives:
            r.add(self.replies.get("closed_day", weekday="Sunday"))
            b.last_note = None
        if exact and not b.offered_were_alternatives and b.offered:
            idx = self._match_time(b.time, b.day) if b.time else None
            if idx is not None:
                yield from self._hold(idx, r)
                if b.stage is Stage.HELD:
                    self._ask_patient_details(r)
                return
        if exact and b.offered_were_alternatives and b.time is not None:
            # The exact time is gone: offer the same day's nearest times, not just anything.
            wanted = b.time
            day = b.day
            hours = self.clinic.hours_on(day) if day else None
            if hours is not None and not hours.opens <= wanted < hours.closes:
                r.add(
                    self.replies.get(
                        "outside_hours",
                        weekday=f"{day:%A}",
                        opens=say_time(hours.opens),
                        closes=say_time(hours.closes),
                    )
                )
            else:
                r.add(self.replies.get("time_taken", time=say_time(wanted)))
            saved = (list(b.offered), b.offered_were_alternatives)
            # Search from a little before the wanted time (results come earliest first).
            start = (datetime.combine(date.min, wanted) - timedelta(hours=2)).time()
            if hours is not None:
                start = min(max(start, hours.opens), hours.closes)
                start = min(
                    start, (datetime.combine(date.min, hours.closes) - timedelta(hours=2)).time()
                )
            near_args = {
                k: v for k, v in args.items() if k not in ("after", "before", "part_of_day")
            }
            near_args["after"] = start.strftime("%H:%M")
            (out,) = yield [ToolCall("find_availability", near_args)]
            if not out.is_error and b.offered and not b.offered_were_alternatives:
                b.offered = nearest(b.found or b.offered, wanted, 3)
            else:
                b.offered, b.offered_were_alternatives = saved
            b.last_note = None
        if not b.offered:
            b.awaiting = "day"
            r.add(self.replies.get("no_slots_at_all"))
            return
        b.awaiting = "selection"
        r.add(self._offer_line(b.offered, alternatives=b.offered_were_alternatives))

    def _offer_line(self, slots: list[SlotLike], alternatives: bool) -> str:
        b = self.state.booking
        providers = {s.provider_name for s in slots}
        today = self._today()
        if len(providers) == 1:
            who = self._spoken_provider(next(iter(providers)))
            options = options_by_day(slots, today)
        else:
            who = ""
            options = join_or(
                [
                    f"{say_when(s.start, today)} with {self._spoken_provider(s.provider_name)}"
                    for s in slots
                ]
            )
        if alternatives:
            note = (b.last_note + " ") if b.last_note else ""
            who_lower = f"with {who} " if who else ""
            return self.replies.get(
                "offer_alternatives", note=note, who_lower=who_lower, options=options
            )
        return self.replies.get("offer", who=f"With {who}, " if who else "", options=options)

    def _held_step(
        self, utt: Utterance, intents: set[Intent], changed: list[str], r: Reply
    ) -> Generator[list[ToolCall], Any, bool]:
        b = self.state.booking
        if (Intent.DENY in intents or Intent.CANCEL in intents) and gives_up(utt.text):
            # "never mind, I don't want it": let the held time go instead of asking what to fix.
            yield [ToolCall("release_hold", {})]
            b.clear_slot_choice()
            b.active = False
            b.awaiting = None
            r.add(self.replies.get("released"))
            r.add(self.replies.get("anything_else"))
            return True
        if b.awaiting == "confirmation" and b.read_back_done and not changed:
            if Intent.AFFIRM in intents:
                return (yield from self._commit(r))
            if Intent.DENY in intents:
                b.awaiting = None
                b.read_back_done = False
                r.add(self.replies.get("what_to_change"))
                return True
            return False
        if Intent.SPELL_REQUEST in intents and b.name is None:
            b.awaiting = "name"
            r.add(self.replies.get("offer_spell"))
            return True
        if Intent.DENY in intents and not changed and b.awaiting != "confirmation":
            yield [ToolCall("release_hold", {})]
            b.clear_slot_choice()
            b.time = None
            b.awaiting = "day"
            r.add(self.replies.get("other_day"))
            return True
        before = len(r.sentences)
        self._ask_patient_details(r)
        return bool(changed) or len(r.sentences) > before

    def _ask_patient_details(self, r: Reply) -> None:
        b = self.state.booking
        if b.name is None and b.date_of_birth is None:
            b.awaiting = "name_and_dob"
            if b.name_failures >= 2:
                r.add(self.replies.get("offer_spell"))
                b.awaiting = "name"
            elif not any("name" in s.lower() for s in r.sentences):
                r.add(self.replies.get("ask_name_and_dob"))
            return
        if b.name is None:
            b.awaiting = "name"
            if not any("name" in s.lower() for s in r.sentences):
                r.add(self.replies.get("ask_name"))
            return
        if len(b.name.split()) == 1 and b.task is Task.BOOK and b.last_name_asks < 2:
            # One word is a first name (or half a name the parser caught): ask for the rest;
            # "yes" is not a last name, so once more, then the one word is the whole name.
            again = b.last_name_asks > 0
            b.last_name_asks += 1
            b.asked_last_name = True
            b.awaiting = "name"
            r.add(self.replies.get("ask_last_name_again" if again else "ask_last_name"))
            return
        b.asked_last_name = False
        if b.date_of_birth is None:
            b.awaiting = "date_of_birth"
            self._ask_dob(r)
            return
        r.add(self._read_back())

    def _ask_dob(self, r: Reply) -> None:
        """Ask for the date of birth; after a miss say sorry and give an example of the
        form, and after repeated misses show a way out (a keypad caller first gets typing)."""
        st, misses = self.state, self.state.booking.dob_failures
        if misses == 0 or not self._dob_missed:
            r.add(self.replies.get("ask_dob"))
            return
        if not any("date of birth" in s.lower() for s in r.sentences):
            r.add(self.replies.get("ask_dob_again"))  # unless "doesn't sound right" was said
        if misses == 2 and st.keypad_available:
            st.keypad_dob = True
            r.add(self.replies.get("keypad_dob"))
        elif misses >= 2:
            # While digits spell a date of birth, 0 is a digit, not a way to reach a person.
            r.add(self.replies.get("offer_person_by_voice" if st.keypad_dob else "offer_person"))

    def _read_back(self) -> str:
        b = self.state.booking
        assert b.held_slot is not None and b.name and b.date_of_birth
        b.read_back_done = True
        b.awaiting = "confirmation"
        s = b.held_slot
        if b.task is Task.RESCHEDULE and b.existing:
            old = self._target()
            return self.replies.get(
                "read_back_reschedule",
                visit_type=s.visit_type,
                old=say_when(old.slot.start, self._today()) if old else "",
                when=say_when(s.start, self._today()),
                with_who=self._with(s),
            )
        return self.replies.get(
            "read_back",
            visit_type=visit_label(s.visit_type),
            with_who=self._with(s).strip(),
            when=say_when(s.start, self._today()),
            name=b.name,
            dob=say_dob(b.date_of_birth),
        )

    def _commit(self, r: Reply) -> Generator[list[ToolCall], Any, bool]:
        b = self.state.booking
        assert b.held_slot is not None and b.name and b.date_of_birth
        slot = b.held_slot
        if b.task is Task.RESCHEDULE:
            target = self._target()
            if target is None:
                return False
            (out,) = yield [ToolCall("reschedule_appointment", {"appointment_id": target.id})]
            key = "rescheduled"
        else:
            args = {"name": b.name, "date_of_birth": b.date_of_birth.isoformat()}
            if b.phone:
                args["phone"] = b.phone
            (out,) = yield [ToolCall("confirm_booking", args)]
            key = "booked"
        if out.is_error:
            r.add(out.output)
            b.clear_slot_choice()
            yield from self._search_and_offer(r)
            return True
        b.awaiting = None
        r.add(
            self.replies.get(
                key,
                visit_type=slot.visit_type,
                when=say_when(slot.start, self._today()),
                with_who=self._with(slot),
            )
        )
        r.add(self.replies.get("anything_else"))
        return True
