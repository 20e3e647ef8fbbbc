"""The offline dialogue policy: one patient turn in, tool calls and a short reply out.

A turn is a generator: it yields lists of `ToolCall`s and receives their `ToolOutcome`s (the
framework runs the real tools between the two), then returns the reply sentences. The
generator reads and updates the explicit `DialogueState`; the tools keep that state in step
with the booking service.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from agent.dialogue import safety
from agent.dialogue.replies import Replies
from agent.nlu import Intent, Utterance
from agent.speakable import join_and, join_or, say_day, say_dob, say_time, say_when
from agent.state import DialogueState, Exchange, SlotLike, Stage, Task
from booking.clinic import ClinicInfo


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolOutcome:
    name: str
    output: str
    is_error: bool = False


TurnGen = Generator[list[ToolCall], list[ToolOutcome], list[str]]
ParseFn = Callable[..., Utterance]

SIDE_INTENTS: dict[Intent, str] = {
    Intent.ASK_HOURS: "hours",
    Intent.ASK_ADDRESS: "address",
    Intent.ASK_PARKING: "parking",
    Intent.ASK_COPAY: "copay",
    Intent.ASK_INSURANCE: "insurance",
    Intent.ASK_PROVIDERS: "providers",
}
TASK_INTENTS = {Intent.BOOK, Intent.RESCHEDULE, Intent.CANCEL, Intent.LOOKUP}
SLOT_FIELDS = ("visit_type", "provider", "day", "part_of_day", "time")
MIN_CONFIDENCE = 0.4
MIN_STT_CONFIDENCE = 0.3  # below this the transcript is a guess (whisper avg log-prob based)
ALTERNATE_EXPECTING: dict[str, tuple[str, ...]] = {
    "selection": ("time", "day"),
    "time": ("selection",),
    "name_and_dob": ("name", "date_of_birth"),
    "confirmation": ("selection",),
    "day": ("time",),
}


@dataclass
class _Reply:
    sentences: list[str] = field(default_factory=list)
    track: str = "booking"

    def add(self, text: str | None) -> None:
        if text:
            self.sentences.append(text)


class Policy:
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

    # -- entry points --------------------------------------------------------------------
    def snapshot(self) -> tuple[DialogueState, int]:
        """A copy of the dialogue state (and turn log length) to undo a speculative turn."""
        return copy.deepcopy(self.state), len(self.turn_tracks)

    def restore(self, snap: tuple[DialogueState, int]) -> None:
        """Put a snapshot back in place: the state object is shared, so copy field by field."""
        saved, tracks = snap
        saved = copy.deepcopy(saved)
        for f in dataclasses.fields(DialogueState):
            setattr(self.state, f.name, getattr(saved, f.name))
        del self.turn_tracks[tracks:]

    def greeting(self) -> str:
        return self.replies.get("greeting", clinic=self.clinic.name)

    def turn(self, text: str, stt_confidence: float | None = None) -> TurnGen:
        st = self.state
        st.turns += 1
        ex = Exchange(user=text)
        r = _Reply()
        try:
            yield from self._turn(text, r, ex, stt_confidence)
        finally:
            ex.agent = " ".join(r.sentences)
            st.memory.add(ex)
            self.turn_tracks.append(r.track)
        return r.sentences

    def _turn(
        self, text: str, r: _Reply, ex: Exchange, stt_confidence: float | None = None
    ) -> Generator[list[ToolCall], Any, None]:
        st, b = self.state, self.state.booking
        if st.transferred:
            r.add(self.replies.get("transfer_again"))
            return
        if st.closing:
            r.add(self.replies.get("goodbye"))
            return
        utt = self._parse(text, b.awaiting)
        self._repeated = False
        if (
            stt_confidence is not None
            and stt_confidence < MIN_STT_CONFIDENCE
            and utt.confidence < 0.8
            and not utt.intents & {Intent.TRANSFER, Intent.GOODBYE}
        ):
            # The recognizer itself is unsure and the words don't parse cleanly: ask again
            # rather than act on a guess (a wrong date is worse than a repeat).
            st.misunderstood += 1
            r.add(self.replies.get("unclear_line"))
            if st.misunderstood >= 2:
                r.add(self.replies.get("offer_person"))
            return
        intents = set(utt.intents)

        if safety.is_unauthorized(text) or utt.suspicious:
            st.refusals += 1
            r.track = "side"
            r.add(self.replies.get("refuse"))
            r.add(self._pending_prompt())
            return
        if Intent.TRANSFER in intents:
            yield [ToolCall("transfer_to_staff", {"reason": text})]
            r.add(self.replies.get("transfer"))
            return

        side_topics = [t for i, t in SIDE_INTENTS.items() if i in intents]
        clarify = Intent.CLARIFY in intents or Intent.REPEAT_REQUEST in intents
        has_task = bool(intents & TASK_INTENTS)
        side_only = (side_topics or clarify) and not has_task
        if side_only and utt.correction:
            # "Wait, do you take Cigna?" is still only a question; "no, Friday - is there
            # parking?" also changes the booking.
            side_only = not _slot_values(utt, ignore_day="hours" in side_topics)
        if Intent.SPELL_REQUEST not in intents and "spell" in text.lower() and not utt.name:
            intents.add(Intent.SPELL_REQUEST)

        understood = False
        # Side track first: answer, then steer back to where the booking was.
        if clarify:
            understood = True
            self._clarify(utt, r, ex)
        for topic in side_topics:
            if clarify and topic == (utt.topic or ""):
                continue  # already re-answered from memory
            understood = True
            args: dict[str, Any] = {"topic": topic}
            if topic == "hours" and utt.day is not None:
                args["day"] = utt.day.isoformat()
            if topic == "insurance" and utt.insurer:
                args["insurer"] = utt.insurer
            if topic == "copay" and (utt.visit_type or b.visit_type):
                args["visit_type"] = self._visit_type_name(utt.visit_type) or b.visit_type
            (out,) = yield [ToolCall("clinic_info", args)]
            st.side.ask(topic, text)
            q = st.side.questions[-1]
            q.answer, q.answered = out.output, True
            ex.topics[topic] = out.output
            r.add(out.output)
        if r.sentences:
            r.track = "side"

        if utt.problems:
            # Say what was wrong, keep the rest of the utterance ("a checkup on Feb 30th").
            understood = True
            for p in utt.problems:
                r.add(p if p.endswith((".", "?", "!")) else p + ".")
            if not (has_task or _slot_values(utt)) and not b.active:
                r.add(self.replies.get("how_can_i_help"))
                return

        if Intent.GOODBYE in intents and not has_task and b.stage is not Stage.HELD:
            st.closing = True
            r.add(self.replies.get("goodbye"))
            return

        if side_only:
            if self._repeated:
                pass  # the repeated line already ends with the pending question
            elif b.active and b.stage is not Stage.CONFIRMED:
                prompt = self._pending_prompt()
                if prompt:
                    r.add(self.replies.get("back_to_booking") + " " + _lower_first(prompt))
            else:
                r.add(self.replies.get("anything_else"))
            return

        n_before = len(r.sentences)
        booking_said = yield from self._booking_turn(utt, intents, r)
        understood = understood or booking_said or len(r.sentences) > n_before
        if not understood and intents & {Intent.AFFIRM, Intent.DENY, Intent.GREETING}:
            understood = True  # "yes" / "hello" with nothing pending: invite the request
            r.add(self.replies.get("how_can_i_help"))
        if not understood:
            st.misunderstood += 1
            r.track = "booking"
            r.add(self.replies.get("not_understood"))
            if st.misunderstood >= 2:
                r.add(self.replies.get("offer_person"))
        else:
            st.misunderstood = 0

    def _parse(self, text: str, expecting: str | None) -> Utterance:
        """Parse for what was asked; if that finds nothing, try the neighbouring readings
        ("nine is good" answers an offer of times as a time, not as a selection)."""
        utt = self.parse(text, now=self.now(), expecting=expecting)
        if utt.intents - {Intent.UNKNOWN} or not expecting:
            return utt
        for alt in ALTERNATE_EXPECTING.get(expecting, ()):
            other = self.parse(text, now=self.now(), expecting=alt)
            if other.intents - {Intent.UNKNOWN}:
                return other
        return utt

    # -- side track ----------------------------------------------------------------------
    def _clarify(self, utt: Utterance, r: _Reply, ex: Exchange) -> None:
        mem = self.state.memory
        topic = utt.topic if utt.topic in SIDE_INTENTS.values() else None
        if topic:
            said = mem.answer_about(topic)
            if said:
                r.add(self.replies.get("clarify_prefix") + " " + _lower_first(said))
                ex.topics[topic] = said
                return
            return  # not said before: the side-question loop answers it fresh
        b = self.state.booking
        if utt.topic in ("time", "date", "provider", "day"):
            if b.held_slot is not None:
                s = b.held_slot
                r.add(
                    self.replies.get(
                        "holding_recap",
                        when=say_when(s.start, self._today()),
                        with_who=self._with(s),
                    )
                )
                self._repeated = True
                return
            if b.offered:
                r.add(self._offer_line(b.offered, alternatives=b.offered_were_alternatives))
                self._repeated = True
                return
        last = mem.last_agent_line()
        r.add(last or self.replies.get("nothing_to_repeat"))
        self._repeated = True

    # -- booking track -------------------------------------------------------------------
    def _booking_turn(
        self, utt: Utterance, intents: set[Intent], r: _Reply
    ) -> Generator[list[ToolCall], Any, bool]:
        b = self.state.booking
        understood = False
        if Intent.RESCHEDULE in intents and b.task is not Task.RESCHEDULE:
            yield from self._start_task(Task.RESCHEDULE)
            understood = True
        elif Intent.CANCEL in intents and b.task is not Task.CANCEL:
            yield from self._start_task(Task.CANCEL)
            understood = True
        elif Intent.LOOKUP in intents and not b.active:
            yield from self._start_task(Task.LOOKUP)
            understood = True
        elif Intent.BOOK in intents:
            if b.stage is Stage.CONFIRMED:
                self._new_booking()
            b.active = True
            understood = True

        changed = yield from self._merge(utt, r)
        understood = understood or bool(changed)
        if changed:
            b.active = True

        if b.task is Task.BOOK:
            said = yield from self._advance_booking(utt, intents, changed, r)
        else:
            said = yield from self._advance_existing(utt, intents, changed, r)
        return understood or said

    def _start_task(self, task: Task) -> Generator[list[ToolCall], Any, None]:
        b = self.state.booking
        if b.hold_id is not None:
            yield [ToolCall("release_hold", {})]
        b.task = task
        b.active = True
        b.clear_slot_choice()
        b.stage = Stage.COLLECTING

    def _new_booking(self) -> None:
        b = self.state.booking
        name, dob = b.name, b.date_of_birth
        fresh = type(b)()
        fresh.name, fresh.date_of_birth = name, dob
        self.state.booking = fresh

    def _merge(self, utt: Utterance, r: _Reply) -> Generator[list[ToolCall], Any, list[str]]:
        """Fold the utterance's slot values into the booking track; log corrections."""
        st, b = self.state, self.state.booking
        today = self.now().date()
        updates: dict[str, Any] = {}
        vt = self._visit_type_name(utt.visit_type)
        if vt:
            updates["visit_type"] = vt
        if utt.provider:
            p = self.clinic.find_provider(utt.provider)
            if p is not None:
                updates["provider"] = p.name
        if utt.day is not None and b.awaiting != "date_of_birth":
            if utt.day < today:
                r.add(self.replies.get("date_in_past"))
            else:
                updates["day"] = utt.day
        if utt.part_of_day:
            updates["part_of_day"] = utt.part_of_day
        if utt.time is not None:
            updates["time"] = utt.time
            if utt.part_of_day is None and b.part_of_day and not _in_part(utt.time, b.part_of_day):
                updates["part_of_day"] = None
        lowered = utt.text.lower()
        name_context = b.awaiting in ("name", "name_and_dob", "confirmation") or any(
            w in lowered for w in ("name", "spell")
        )
        spelled = _spelled_word(utt.text) if name_context else None
        if spelled and (utt.name is None or len(utt.name.split()) == 1):
            # "my last name is spelled M A R C H E": letters the parser did not join.
            base = (utt.name or b.name or "").split()
            if "first name" in utt.text.lower():
                name_words = [spelled, *base[1:]]
            elif base and ("last name" in utt.text.lower() or b.asked_last_name or len(base) > 1):
                name_words = [*base[:1], spelled] if len(base) >= 1 else [spelled]
            else:
                name_words = [spelled]
            utt = dataclasses.replace(utt, name=" ".join(name_words))
            b.asked_last_name = False
        if utt.name and b.task is not None:
            if _plausible_name(utt.name):
                name = utt.name
                if b.asked_last_name and b.name and len(name.split()) == 1:
                    name = f"{b.name} {name}"  # "And your last name?" -> "Lopez"
                updates["name"] = name
                b.asked_last_name = False
                b.name_failures = 0
            elif b.awaiting in ("name", "name_and_dob"):
                b.name_failures += 1
                r.add(self.replies.get("ask_name_short"))
        if utt.date_of_birth is not None:
            if _plausible_dob(utt.date_of_birth, today):
                updates["date_of_birth"] = utt.date_of_birth
            else:
                r.add(self.replies.get("bad_dob"))
        elif utt.day is not None and b.awaiting == "date_of_birth":
            if _plausible_dob(utt.day, today):
                updates["date_of_birth"] = utt.day
        if utt.phone:
            updates["phone"] = utt.phone
        if Intent.ANY_TIME in utt.intents:
            b.any_time = True
        if utt.selection in ("earliest", "first", "next") and not b.offered and not b.held_slot:
            b.any_time = True  # "what's the earliest you have?": search from now

        changed: list[str] = []
        acks: list[str] = []
        for name, new in updates.items():
            old = getattr(b, name)
            if new == old:
                continue
            setattr(b, name, new)
            changed.append(name)
            if old is not None and new is not None:
                st.record_correction(name, old, new, utt.text)
                spoken = self._speak_value(name, new)
                if name == "part_of_day" and acks and "day" in changed[:-1]:
                    acks[-1] = f"{acks[-1]} {spoken}"  # "Friday afternoon"
                else:
                    acks.append(spoken)
            elif utt.correction and new is not None and name in SLOT_FIELDS:
                st.record_correction(name, None, new, utt.text)
        if utt.time_relation and "time" in changed:
            b.time_relation = utt.time_relation
        elif "time" in changed:
            b.time_relation = "at"
        if acks:
            r.track = "correction"
            r.add(self.replies.get("changed_to", value=join_and(acks)))
        elif utt.correction and any(f in changed for f in SLOT_FIELDS):
            r.track = "correction"
        # Provider who does not offer the visit type: drop the provider, say so once.
        if b.provider and b.visit_type:
            p = self.clinic.find_provider(b.provider)
            if p is not None and not p.offers(b.visit_type):
                r.add(
                    self.replies.get(
                        "provider_cannot",
                        provider=p.spoken_name,
                        visit_type=visit_label(b.visit_type),
                    )
                )
                b.provider = None
        # A change to what/when/who invalidates offers and any hold.
        if any(f in changed for f in SLOT_FIELDS) and b.stage in (Stage.OFFERING, Stage.HELD):
            if b.stage is Stage.HELD and b.task is not Task.CANCEL:
                if not self._held_still_matches():
                    yield [ToolCall("release_hold", {})]
                    b.clear_slot_choice()
            elif b.stage is Stage.OFFERING and any(
                f in changed for f in ("visit_type", "provider", "day", "part_of_day")
            ):
                b.clear_slot_choice()
        if ("name" in changed or "date_of_birth" in changed) and b.read_back_done:
            b.read_back_done = False
        return changed

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
        return not (b.part_of_day and not _in_part(s.start.time(), b.part_of_day))

    # -- new bookings --------------------------------------------------------------------
    def _advance_booking(
        self, utt: Utterance, intents: set[Intent], changed: list[str], r: _Reply
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
            return 0 if sel == "first" else _argmin(offered)
        if sel == "second" and len(offered) > 1:
            return 1
        if sel == "third" and len(offered) > 2:
            return 2
        if sel in ("last", "latest"):
            return len(offered) - 1 if sel == "last" else _argmax(offered)
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

    def _shift_offer(self, direction: str, r: _Reply) -> Generator[list[ToolCall], Any, None]:
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

    def _hold(self, index: int, r: _Reply) -> Generator[list[ToolCall], Any, None]:
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

    def _search_and_offer(self, r: _Reply) -> Generator[list[ToolCall], Any, None]:
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
                b.offered = _nearest(b.found or b.offered, wanted, 3)
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
            options = _options_by_day(slots, today)
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
        self, utt: Utterance, intents: set[Intent], changed: list[str], r: _Reply
    ) -> Generator[list[ToolCall], Any, bool]:
        b = self.state.booking
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

    def _ask_patient_details(self, r: _Reply) -> None:
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
        if len(b.name.split()) == 1 and not b.asked_last_name and b.task is Task.BOOK:
            # One word is a first name (or half a name the parser caught): ask for the rest.
            b.asked_last_name = True
            b.awaiting = "name"
            r.add(self.replies.get("ask_last_name"))
            return
        if b.date_of_birth is None:
            b.awaiting = "date_of_birth"
            r.add(self.replies.get("ask_dob"))
            return
        r.add(self._read_back())

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

    def _commit(self, r: _Reply) -> Generator[list[ToolCall], Any, bool]:
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

    # -- existing appointments: reschedule, cancel, look up ------------------------------
    def _advance_existing(
        self, utt: Utterance, intents: set[Intent], changed: list[str], r: _Reply
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
        self, utt: Utterance, intents: set[Intent], r: _Reply, *, fresh: bool
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

    def _describe_existing(self, r: _Reply) -> None:
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

    def _target(self) -> Any:
        b = self.state.booking
        for a in b.existing:
            if a.id == b.appointment_id:
                return a
        return None

    # -- helpers -------------------------------------------------------------------------
    def _pending_prompt(self) -> str | None:
        """The question the booking track is waiting on, asked again after a side trip."""
        b = self.state.booking
        if not b.active or b.stage is Stage.CONFIRMED:
            return None
        a = b.awaiting
        if a == "confirmation" and b.held_slot is not None:
            if b.task is Task.CANCEL:
                return self.replies.get("ask_cancel")
            return self.replies.get(
                "read_back_short",
                visit_type=b.held_slot.visit_type,
                when=say_when(b.held_slot.start, self._today()),
            )
        if a == "confirmation" and b.task is Task.CANCEL:
            return self.replies.get("ask_cancel")
        if a == "selection" and b.offered:
            return self._offer_line(b.offered, alternatives=b.offered_were_alternatives)
        if a == "name_and_dob":
            return self.replies.get("ask_name_and_dob")
        if a == "name":
            return self.replies.get("ask_name")
        if a == "date_of_birth":
            return self.replies.get("ask_dob")
        if a == "visit_type":
            return self.replies.get("ask_visit_type")
        if a == "day":
            if b.visit_type:
                return self.replies.get("ask_day_for", visit_type=visit_label(b.visit_type))
            return self.replies.get("ask_day")
        if b.visit_type is None:
            b.awaiting = "visit_type"
            return self.replies.get("ask_visit_type")
        if b.day is None:
            b.awaiting = "day"
            return self.replies.get("ask_day_for", visit_type=visit_label(b.visit_type))
        return None

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


def _slot_values(utt: Utterance, *, ignore_day: bool = False) -> bool:
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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text.startswith("I ") else text


def _in_part(t: time, part: str) -> bool:
    if part == "morning":
        return t < time(12, 0)
    if part == "afternoon":
        return time(12, 0) <= t < time(17, 0)
    if part == "evening":
        return t >= time(17, 0)
    return True


# Words that are never a patient's name: a parser that takes "his birthday is ..." or "none of
# your business" at face value must not book an appointment for "His" or "None".
_NOT_NAMES = frozenset(
    "i me my mine you your he him his she her they them their it its we our us none nobody "
    "no yes not nothing business name is the a an and or but this that what why who none "
    "okay ok sure fine please thanks thank sorry hello hi".split()
)


def _plausible_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in name):
        return False
    return not any(w.lower().strip(".,'") in _NOT_NAMES for w in words)


_SPELLED = re.compile(r"(?<![A-Za-z])((?:[A-Za-z][\s.,-]+){2,}[A-Za-z])(?![A-Za-z])")


def _spelled_word(text: str) -> str | None:
    """Letters spelled one by one ("M A R C H E", "L-O-P-E-Z") joined into a name word."""
    for m in _SPELLED.finditer(text):
        letters = re.findall(r"[A-Za-z]", m.group(1))
        if len(letters) >= 3 and any(ch.isupper() for ch in letters):
            return "".join(letters).capitalize()
    return None


def _plausible_dob(d: date, today: date) -> bool:
    return d < today and today.year - d.year <= 120


def _argmin(slots: list[SlotLike]) -> int:
    return min(range(len(slots)), key=lambda i: slots[i].start)


def _argmax(slots: list[SlotLike]) -> int:
    return max(range(len(slots)), key=lambda i: slots[i].start)


def _nearest(slots: list[SlotLike], t: time, n: int) -> list[SlotLike]:
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


def _options_by_day(slots: list[SlotLike], today: date) -> str:
    by_day: dict[date, list[str]] = {}
    for s in slots:
        by_day.setdefault(s.start.date(), []).append(say_time(s.start.time()))
    return "; or ".join(f"{say_day(d, today)} at {join_or(ts)}" for d, ts in by_day.items())
