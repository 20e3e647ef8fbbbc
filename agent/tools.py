"""Booking operations the agent's tools perform, kept apart from the framework's decorators.

Each method does one booking step through `BookingService`, keeps the dialogue state in step
(offers, hold, appointment, verified identity) and returns a short text result that an LLM
can read. Errors are `BookingError`s whose `.spoken` sentence the patient hears.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from agent import clinic_facts
from agent.speakable import say_dob, say_when
from agent.state import DialogueState, Stage, Task
from booking.errors import BookingError, HoldExpired, InvalidRequest, NotFound
from booking.models import Appointment, PatientInfo, Slot

if TYPE_CHECKING:
    from booking import BookingService

SEARCH_LIMIT = 40  # slots fetched per search; the offer picks a spread of them
OFFER_COUNT = 3


class NotAllowed(BookingError):
    """The caller asked for something they are not entitled to (someone else's data)."""

    default_spoken = (
        "Sorry, I can only change an appointment after checking the patient's name and "
        "date of birth."
    )


@dataclass(frozen=True)
class ToolsOptions:
    hold_ttl: timedelta = timedelta(minutes=5)
    offer_count: int = OFFER_COUNT
    spread_minutes: int = 60  # offered times are at least this far apart when possible


class BookingTools:
    """The booking side of one call: one session id, one dialogue state."""

    def __init__(
        self,
        booking: BookingService,
        state: DialogueState,
        session_id: str,
        options: ToolsOptions | None = None,
    ) -> None:
        self.booking = booking
        self.state = state
        self.session_id = session_id
        self.options = options or ToolsOptions()
        # Live calls: how the caller really reaches a person (SIP transfer or a callback
        # request; phone.telephony.reach_staff, set by the worker). None in sims.
        self.staff_handoff: Callable[[str], Awaitable[Any]] | None = None

    @property
    def clinic(self) -> Any:
        return self.booking.clinic

    def today(self) -> date:
        return self.booking.clock.now().date()

    # -- availability --------------------------------------------------------------------
    async def find_availability(
        self,
        visit_type: str,
        provider: str | None = None,
        day: str | None = None,
        part_of_day: str | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> str:
        vt = self.clinic.find_visit_type(visit_type)
        if vt is None:
            raise InvalidRequest(
                f"unknown visit type {visit_type!r}", "Sorry, what kind of visit is that?"
            )
        provider_id = None
        if provider:
            p = self.clinic.find_provider(provider)
            if p is None:
                raise InvalidRequest(
                    f"unknown provider {provider!r}",
                    "Sorry, I don't know that provider. We have "
                    + ", ".join(x.spoken_name for x in self.clinic.providers)
                    + ".",
                )
            provider_id = p.id
        on = _parse_date(day) if day else None
        after_t = _parse_time(after) if after else None
        before_t = _parse_time(before) if before else None
        exact = after_t is not None and after_t == before_t
        if exact and after_t is not None:
            # The service's `before` is exclusive: one minute past asks for exactly that start.
            before_t = (datetime.combine(date.min, after_t) + timedelta(minutes=1)).time()
        if on is not None and on < self.today():
            raise InvalidRequest(f"{on} is in the past", "That date has already passed.")
        result = await self.booking.find_availability(
            vt.name,
            provider=provider_id,
            date_from=on,
            date_to=on,
            part_of_day=part_of_day,
            after=after_t,
            before=before_t,
            limit=SEARCH_LIMIT,
        )
        b = self.state.booking
        slots = list(result.slots)
        if slots:
            b.offered = self._pick_offer(slots, exact=after_t if exact else None)
            b.offered_were_alternatives = False
            b.last_note = None
        else:
            alts = self._rank_alternatives(
                list(result.alternatives), on, after_t, part_of_day, provider_id
            )
            b.offered = sorted(alts[: self.options.offer_count], key=lambda s: s.start)
            b.offered_were_alternatives = True
            b.last_note = result.note
        b.found = slots
        if b.offered and b.stage is not Stage.HELD:
            b.stage = Stage.OFFERING
        return self._describe_offer(result.note)

    def _rank_alternatives(
        self,
        slots: list[Slot],
        day: date | None,
        at: time | None,
        part: str | None,
        provider_id: str | None,
    ) -> list[Slot]:
        """Nearest to what was asked first: the provider asked for, the same day, then the
        closest days, then the closest time."""
        anchor = at or {"morning": time(9), "afternoon": time(13), "evening": time(17)}.get(
            part or "", None
        )

        def key(s: Slot) -> tuple[bool, int, float, datetime]:
            other_provider = provider_id is not None and s.provider_id != provider_id
            days = abs((s.start.date() - day).days) if day else 0
            minutes = 0.0
            if anchor is not None:
                minutes = abs(
                    (s.start - datetime.combine(s.start.date(), anchor)).total_seconds() / 60
                )
            return (other_provider, days, minutes, s.start)

        ranked = self._dedupe(slots)
        return sorted(ranked, key=key)

    def _dedupe(self, slots: list[Slot]) -> list[Slot]:
        seen: set[datetime] = set()
        out = []
        for s in sorted(slots, key=lambda s: s.start):
            if s.start not in seen:
                seen.add(s.start)
                out.append(s)
        return out

    def _pick_offer(self, slots: list[Slot], exact: time | None) -> list[Slot]:
        """A few options spread over the window, earliest first (not 8:00, 8:15, 8:30)."""
        slots = self._dedupe(slots)
        picked: list[Slot] = []
        # Widest spacing that still fills the offer: hourly over a day, closer in a short window.
        for minutes in (self.options.spread_minutes, 30, 15):
            gap = timedelta(minutes=minutes)
            picked = []
            for s in slots:
                if (
                    not picked
                    or s.start - picked[-1].start >= gap
                    or s.start.date() != picked[-1].start.date()
                ):
                    picked.append(s)
                if len(picked) == self.options.offer_count:
                    break
            if len(picked) == self.options.offer_count:
                break
        if len(picked) < self.options.offer_count:
            for s in slots:
                if s not in picked:
                    picked.append(s)
                if len(picked) == self.options.offer_count:
                    break
            picked.sort(key=lambda s: s.start)
        return picked

    def _describe_offer(self, note: str | None) -> str:
        b = self.state.booking
        if not b.offered:
            return (note or "No openings matched.") + " No alternatives found."
        lines = [
            f"{i + 1}) {say_when(s.start, self.today())} with {s.provider_name}"
            for i, s in enumerate(b.offered)
        ]
        head = "Available options" if not b.offered_were_alternatives else "Nothing matched"
        if note:
            head += f" ({note})"
        if b.offered_were_alternatives:
            head += "; nearest alternatives"
        return head + ": " + "; ".join(lines) + "."

    # -- hold / confirm / release ---------------------------------------------------------
    async def hold_slot(self, option: int) -> str:
        b = self.state.booking
        if not b.offered:
            raise InvalidRequest("no slots offered yet", "Let me look up some times first.")
        if not 1 <= option <= len(b.offered):
            raise InvalidRequest(
                f"option {option} out of range", "Sorry, which of those times did you mean?"
            )
        slot = b.offered[option - 1]
        if b.hold_id is not None:
            await self._release_current()
        hold = await self.booking.hold(slot, self.session_id, ttl=self.options.hold_ttl)
        b.hold_id = hold.id
        b.held_slot = hold.slot
        b.stage = Stage.HELD
        b.read_back_done = False
        return f"Held {say_when(slot.start, self.today())} with {slot.provider_name}."

    async def confirm_booking(self, name: str, date_of_birth: str, phone: str | None = None) -> str:
        b = self.state.booking
        if b.hold_id is None or b.held_slot is None:
            raise InvalidRequest("nothing is held", "Sorry, I need to pick a time with you first.")
        dob = _parse_date(date_of_birth)
        patient = PatientInfo(name=name.strip(), date_of_birth=dob, phone=phone)
        key = f"{self.session_id}:{b.hold_id}"
        try:
            appt = await self.booking.confirm(b.hold_id, patient, idempotency_key=key)
        except HoldExpired:
            # The hold lapsed while we talked: try once to take the same slot again.
            slot = b.held_slot
            hold = await self.booking.hold(slot, self.session_id, ttl=self.options.hold_ttl)
            b.hold_id = hold.id
            appt = await self.booking.confirm(
                hold.id, patient, idempotency_key=f"{self.session_id}:{hold.id}"
            )
        b.appointment_id = appt.id
        b.hold_id = None
        b.stage = Stage.CONFIRMED
        b.name, b.date_of_birth = patient.name, dob
        return (
            f"Booked appointment {appt.id}: {appt.slot.visit_type} on "
            f"{say_when(appt.slot.start, self.today())} with {appt.slot.provider_name} "
            f"for {appt.patient_name}."
        )

    async def release_hold(self) -> str:
        b = self.state.booking
        if b.hold_id is None:
            return "Nothing was held."
        await self._release_current()
        b.held_slot = None
        if b.stage is Stage.HELD:
            b.stage = Stage.OFFERING if b.offered else Stage.COLLECTING
        return "Released the held time."

    async def _release_current(self) -> None:
        b = self.state.booking
        if b.hold_id is None:
            return
        try:
            await self.booking.release(b.hold_id)
        except NotFound:
            pass  # already expired or released: nothing to give back
        b.hold_id = None

    async def release_all(self) -> int:
        """Call end: give back every hold this session still has."""
        self.state.booking.hold_id = None
        return int(await self.booking.release_session_holds(self.session_id))

    # -- existing appointments ------------------------------------------------------------
    async def lookup_appointments(self, name: str, date_of_birth: str) -> str:
        dob = _parse_date(date_of_birth)
        found = await self.booking.find_appointments(name.strip(), dob)
        active = [a for a in found if a.status == "confirmed" and a.slot.start >= self._now()]
        b = self.state.booking
        b.name, b.date_of_birth = name.strip(), dob
        b.existing = sorted(active, key=lambda a: a.slot.start)
        b.verified = bool(active)
        if not active:
            return f"No upcoming appointments for {name} born {say_dob(dob)}."
        return "Upcoming appointments: " + "; ".join(
            f"{a.id}: {a.slot.visit_type} on {say_when(a.slot.start, self.today())} "
            f"with {a.slot.provider_name}"
            for a in b.existing
        )

    def _own_appointment(self, appointment_id: str) -> Appointment:
        for a in self.state.booking.existing:
            if a.id == appointment_id:
                return a
        raise NotAllowed(f"appointment {appointment_id} is not the verified caller's")

    async def cancel_appointment(self, appointment_id: str) -> str:
        appt = self._own_appointment(appointment_id)
        await self.booking.cancel(appt.id)
        b = self.state.booking
        b.existing = [a for a in b.existing if a.id != appt.id]
        b.appointment_id = appt.id
        b.stage = Stage.CONFIRMED
        b.cancelled = True
        return f"Cancelled the appointment on {say_when(appt.slot.start, self.today())}."

    async def reschedule_appointment(self, appointment_id: str, option: int | None = None) -> str:
        appt = self._own_appointment(appointment_id)
        b = self.state.booking
        if option is not None:
            if not 1 <= option <= len(b.offered):
                raise InvalidRequest(f"option {option} out of range", "Which time did you mean?")
            slot = b.offered[option - 1]
        elif b.held_slot is not None:
            slot = b.held_slot
        else:
            raise InvalidRequest("no new time chosen", "What new time would you like?")
        # The service consumes this session's own hold on the new slot.
        new = await self.booking.reschedule(
            appt.id, slot, self.session_id, idempotency_key=f"{self.session_id}:r:{appt.id}"
        )
        b.existing = [a for a in b.existing if a.id != appt.id] + [new]
        b.hold_id = None
        b.appointment_id = new.id
        b.held_slot = new.slot
        b.stage = Stage.CONFIRMED
        return (
            f"Moved the {new.slot.visit_type} to {say_when(new.slot.start, self.today())} "
            f"with {new.slot.provider_name}."
        )

    # -- clinic facts and staff -----------------------------------------------------------
    async def clinic_info(
        self,
        topic: str,
        day: str | None = None,
        visit_type: str | None = None,
        insurer: str | None = None,
    ) -> str:
        return clinic_facts.answer(
            topic,
            self.clinic,
            visit_type=visit_type or self.state.booking.visit_type,
            day=_parse_date(day) if day else None,
            insurer=insurer,
        )

    async def transfer_to_staff(self, reason: str = "") -> str:
        first = not self.state.transferred
        self.state.transferred = True
        self.state.transfer_reason = reason or None
        if self.state.booking.hold_id is not None and self.state.booking.task is Task.BOOK:
            await self._release_current()
        if first and self.staff_handoff is not None:
            how = await self.staff_handoff(reason or "caller asked for staff")
            self.state.transfer_how = how if isinstance(how, str) else None
        if self.state.transfer_how == "callback":
            return "No one can take the call now: staff will call the caller back."
        return "Transferring the caller to staff."

    def _now(self) -> datetime:
        now: datetime = self.booking.clock.now()
        return now


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise InvalidRequest(
            f"bad date {text!r}", "Sorry, I didn't get that date. Could you say it again?"
        ) from None


def _parse_time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(
            f"bad time {text!r}", "Sorry, I didn't get that time. Could you say it again?"
        ) from None
