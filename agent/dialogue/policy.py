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
from collections.abc import Generator
from typing import Any

from agent.dialogue import safety
from agent.dialogue.existing_flow import ExistingFlow
from agent.dialogue.turn_types import Reply, ToolCall, TurnGen
from agent.dialogue.words import (
    in_part,
    lower_first,
    name_after_cue,
    plausible_dob,
    plausible_name,
    slot_values,
    spelled_word,
    transfer_reply,
    unknown_doctor,
    visit_label,
)
from agent.nlu import Intent, Utterance
from agent.speakable import join_and, say_when
from agent.state import DialogueState, Exchange, Stage, Task

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


class Policy(ExistingFlow):
    """One patient turn at a time: side track, corrections, then the booking track."""

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
        r = Reply()
        try:
            yield from self._turn(text, r, ex, stt_confidence)
        finally:
            ex.agent = " ".join(r.sentences)
            st.memory.add(ex)
            self.turn_tracks.append(r.track)
        return r.sentences

    def _turn(
        self, text: str, r: Reply, ex: Exchange, stt_confidence: float | None = None
    ) -> Generator[list[ToolCall], Any, None]:
        st, b = self.state, self.state.booking
        if st.transferred:
            r.add(self.replies.get("transfer_again"))
            return
        if st.time_up:
            r.add(self.replies.get("goodbye"))
            return
        utt = self._parse(text, b.awaiting)
        self._repeated = False
        self._dob_missed = False
        if (
            stt_confidence is not None
            and stt_confidence < MIN_STT_CONFIDENCE
            and utt.confidence < 0.8
            and not utt.intents & {Intent.TRANSFER, Intent.GOODBYE}
        ):
            # The recognizer itself is unsure and the words don't parse cleanly: ask again
            # rather than act on a guess (a wrong date is worse than a repeat).
            if b.awaiting == "date_of_birth":
                # a miss like a garbled date: the re-ask names the date of birth and gives the
                # form, and repeated misses offer the keypad or a person
                self._miss_dob()
                self._ask_dob(r)
                return
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
            r.add(self.replies.get(transfer_reply(st.transfer_how)))
            return

        side_topics = [t for i, t in SIDE_INTENTS.items() if i in intents]
        clarify = Intent.CLARIFY in intents or Intent.REPEAT_REQUEST in intents
        has_task = bool(intents & TASK_INTENTS)
        side_only = (side_topics or clarify) and not has_task
        if side_only and utt.correction:
            # "Wait, do you take Cigna?" is still only a question; "no, Friday - is there
            # parking?" also changes the booking.
            side_only = not slot_values(utt, ignore_day="hours" in side_topics)
        if Intent.SPELL_REQUEST not in intents and "spell" in text.lower() and not utt.name:
            intents.add(Intent.SPELL_REQUEST)

        understood = False
        # Side track first: answer, then steer back to where the booking was.
        if clarify:
            understood = True
            self._clarify(utt, r, ex)
            asked = utt.topic if utt.topic in SIDE_INTENTS.values() else None
            if asked and asked not in ex.topics and asked not in side_topics:
                # "What did you say about copays?" when memory holds nothing about copays
                # (never asked, or asked more than four exchanges ago): answer it now as a
                # side question rather than steer back with the question unanswered.
                side_topics.append(asked)
        for topic in side_topics:
            if topic in ex.topics:
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
            if not (has_task or slot_values(utt)) and not b.active:
                r.add(self.replies.get("how_can_i_help"))
                return

        confirming = b.awaiting == "confirmation" and Intent.AFFIRM in intents
        if Intent.GOODBYE in intents and not has_task and not slot_values(utt) and not confirming:
            if b.stage is Stage.HELD and b.hold_id is not None:
                # Leaving without confirming: give the time back now, not when the line drops.
                yield [ToolCall("release_hold", {})]
                b.clear_slot_choice()
            st.closing = True
            r.add(self.replies.get("goodbye"))
            return

        if side_only:
            if self._repeated:
                pass  # the repeated line already ends with the pending question
            elif b.active and b.stage is not Stage.CONFIRMED:
                prompt = self._pending_prompt()
                if prompt:
                    r.add(self.replies.get("back_to_booking") + " " + lower_first(prompt))
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

    def _miss_dob(self) -> None:
        """The awaited date of birth did not come: the next ask says sorry and gives the form."""
        self.state.booking.dob_failures += 1
        self._dob_missed = True

    def _parse(self, text: str, expecting: str | None) -> Utterance:
        """Parse for what was asked; if that finds nothing, try the neighbouring readings
        ("nine is good" answers an offer of times as a time, not as a selection)."""
        utt = self.parse(text, now=self.now(), expecting=expecting)
        if expecting == "selection" and utt.time is None and utt.selection is None:
            # After offering times, a bare hour ("ten works for me") names one of them.
            as_time = self.parse(text, now=self.now(), expecting="time")
            if as_time.time is not None:
                return dataclasses.replace(
                    utt,
                    time=as_time.time,
                    time_relation=as_time.time_relation,
                    intents=utt.intents | {Intent.SELECT},
                )
        if utt.intents - {Intent.UNKNOWN} or not expecting:
            return utt
        for alt in ALTERNATE_EXPECTING.get(expecting, ()):
            other = self.parse(text, now=self.now(), expecting=alt)
            if other.intents - {Intent.UNKNOWN}:
                return other
        return utt

    def _clarify(self, utt: Utterance, r: Reply, ex: Exchange) -> None:
        mem = self.state.memory
        topic = utt.topic if utt.topic in SIDE_INTENTS.values() else None
        if topic:
            said = mem.answer_about(topic)
            if said:
                r.add(self.replies.get("clarify_prefix") + " " + lower_first(said))
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

    def _booking_turn(
        self, utt: Utterance, intents: set[Intent], r: Reply
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

    def _merge(self, utt: Utterance, r: Reply) -> Generator[list[ToolCall], Any, list[str]]:
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
        else:
            unknown = unknown_doctor(utt.text, self.clinic)
            if unknown:
                names = join_and([p.spoken_name for p in self.clinic.providers])
                r.add(self.replies.get("unknown_provider", name=unknown, providers=names))
        if (
            vt
            and "?" in utt.text
            and re.search(r"\b(do|does|can) (you|the clinic)\b", utt.text.lower())
        ):
            # "Do you do flu shots?" is a yes/no question before it is a request.
            if not (utt.day or utt.time or utt.part_of_day):
                r.add(self.replies.get("we_offer", visit_type=visit_label(vt)))
        if utt.day is not None and b.awaiting != "date_of_birth":
            if utt.day < today:
                r.add(self.replies.get("date_in_past"))
            else:
                updates["day"] = utt.day
        if utt.part_of_day:
            updates["part_of_day"] = utt.part_of_day
        if utt.time is not None:
            updates["time"] = utt.time
            if utt.part_of_day is None and b.part_of_day and not in_part(utt.time, b.part_of_day):
                updates["part_of_day"] = None
        lowered = utt.text.lower()
        name_context = b.awaiting in ("name", "name_and_dob", "confirmation") or any(
            w in lowered for w in ("name", "spell")
        )
        spelled = spelled_word(utt.text) if name_context else None
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
        elif name_context and utt.name is not None and len(utt.name.split()) == 1:
            # "my name is Marie the Lopez" (a hesitation in the middle): the parser stopped at
            # the filler word; the words after the cue still hold the full name.
            fuller = name_after_cue(utt.text)
            if fuller and fuller.split()[0] == utt.name and plausible_name(fuller):
                utt = dataclasses.replace(utt, name=fuller)
        if utt.name and b.task is not None:
            if plausible_name(utt.name):
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
            if plausible_dob(utt.date_of_birth, today):
                updates["date_of_birth"] = utt.date_of_birth
            else:
                r.add(self.replies.get("bad_dob"))
        elif utt.day is not None and b.awaiting == "date_of_birth":
            if plausible_dob(utt.day, today):
                updates["date_of_birth"] = utt.day
        if b.awaiting == "date_of_birth" and not updates:
            # Nothing usable (a name correction is not a miss): after one miss the question
            # comes with an example, after two a way out (the keypad, or a person).
            self._miss_dob()
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
