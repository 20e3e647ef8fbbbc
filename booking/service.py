"""BookingService: availability, two-phase holds, appointments, on SQLite or PostgreSQL.

Every live hold and active appointment owns one `slot_claims` row per 15-minute cell it
covers; the (provider_id, cell_start) primary key is the single point where a double booking
is refused, so no race in this module can produce one."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from booking import records
from booking import schema as t
from booking.availability import Window, cells, check_bookable, free_slots, nothing_note
from booking.clinic import ClinicInfo, Provider, VisitType, load_clinic
from booking.clock import Clock, SystemClock
from booking.db import Database, resolve_url
from booking.errors import HoldExpired, InvalidRequest, NotFound, SlotTaken
from booking.models import (
    Appointment,
    Availability,
    CallbackRequest,
    CallRecord,
    Hold,
    PatientInfo,
    Slot,
)
from booking.options import DEFAULT_OPTIONS, BookingOptions

BUSY_NAME = "(busy)"


def _new_id() -> str:
    return secrets.token_hex(8)


def name_key(name: str) -> str:
    """How names are compared: case, punctuation and spacing do not matter."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower().replace("'", "")))


class BookingService:
    def __init__(
        self, db: Database, clinic: ClinicInfo, clock: Clock, options: BookingOptions
    ) -> None:
        self.db = db
        self.clinic = clinic
        self.clock = clock
        self.options = options

    # ---- lifecycle -------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        database_url: str | None = None,
        *,
        clock: Clock | None = None,
        clinic_config: Path | None = None,
        seed: bool = True,
        options: BookingOptions | None = None,
    ) -> BookingService:
        options = options or DEFAULT_OPTIONS
        clinic = load_clinic(clinic_config)
        db = Database(resolve_url(database_url, options), options)
        try:
            await db.migrate()
            svc = cls(db, clinic, clock or SystemClock(clinic.timezone), options)
            if seed:
                await svc.seed()
        except BaseException:
            await db.dispose()
            raise
        return svc

    async def close(self) -> None:
        await self.db.dispose()

    async def __aenter__(self) -> BookingService:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def seed(self) -> int:
        """Make the providers table match the clinic file (insert or update; never delete,
        so old appointments keep their provider). Returns the number of providers."""
        async with self.db.write() as conn:
            existing = set((await conn.execute(sa.select(t.providers.c.id))).scalars())
            for p in self.clinic.providers:
                values = {"name": p.name, "title": p.title, "specialty": p.specialty}
                if p.id in existing:
                    await conn.execute(
                        sa.update(t.providers).where(t.providers.c.id == p.id).values(**values)
                    )
                else:
                    await conn.execute(sa.insert(t.providers).values(id=p.id, **values))
        return len(self.clinic.providers)

    # ---- lookups of clinic things --------------------------------------------------------

    def resolve_visit_type(self, visit_type: str | VisitType) -> VisitType:
        if isinstance(visit_type, VisitType):
            return visit_type
        found = self.clinic.find_visit_type(visit_type)
        if found is None:
            kinds = ", ".join(v.name for v in self.clinic.visit_types)
            raise InvalidRequest(
                f"unknown visit type {visit_type!r}", f"We offer {kinds} appointments."
            )
        return found

    def resolve_provider(self, provider: str | Provider) -> Provider:
        if isinstance(provider, Provider):
            return provider
        for p in self.clinic.providers:
            if p.id == provider:
                return p
        found = self.clinic.find_provider(provider)
        if found is None:
            names = ", ".join(p.spoken_name for p in self.clinic.providers)
            raise InvalidRequest(f"unknown provider {provider!r}", f"Our providers are {names}.")
        return found

    def slot_at(
        self, provider: str | Provider, visit_type: str | VisitType, start: datetime
    ) -> Slot:
        """The slot of that visit type with that provider from `start` (names or ids as typed).
        Not checked against the clinic's grid: `hold` and `add_busy` do that."""
        p = self.resolve_provider(provider)
        vt = self.resolve_visit_type(visit_type)
        return Slot(p.id, p.name, vt.name, start, start + timedelta(minutes=vt.minutes))

    # ---- availability -------------------------------------------------------------------

    async def find_availability(
        self,
        visit_type: str | VisitType,
        provider: str | Provider | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        part_of_day: str | None = None,
        after: time | datetime | None = None,
        before: time | datetime | None = None,
        limit: int = 5,
    ) -> Availability:
        vt = self.resolve_visit_type(visit_type)
        if limit < 1:
            raise InvalidRequest(f"limit must be positive, got {limit}")
        now = self.clock.now()
        if isinstance(date_from, datetime):
            date_from = date_from.date()
        if isinstance(date_to, datetime):
            date_to = date_to.date()
        if date_from is None:
            date_from = now.date()
            if date_to is None:
                date_to = date_from + timedelta(days=self.options.search_days - 1)
        elif date_to is None:
            date_to = date_from
        if date_to < date_from:
            raise InvalidRequest(
                f"date_to {date_to} is before date_from {date_from}",
                "Sorry, that date range doesn't make sense.",
            )
        if (date_to - date_from).days >= self.options.max_search_days:
            raise InvalidRequest(
                "search range too long", "Could you narrow that down to a few weeks?"
            )
        window = Window(part_of_day, after, before)
        if provider is not None:
            chosen = self.resolve_provider(provider)
            if not chosen.offers(vt.name):
                others = [p.spoken_name for p in self.clinic.providers if p.offers(vt.name)]
                raise InvalidRequest(
                    f"{chosen.id} does not offer {vt.name}",
                    f"{chosen.spoken_name} doesn't do {vt.name} appointments"
                    + (f"; {' or '.join(others)} does." if others else "."),
                )
            providers = [chosen]
        else:
            providers = [p for p in self.clinic.providers if p.offers(vt.name)]
        days = _days(date_from, date_to)
        span = timedelta(days=self.options.alternative_days)
        all_providers = [p for p in self.clinic.providers if p.offers(vt.name)]
        claimed = await self._claimed(
            [p.id for p in all_providers], date_from - span, date_to + span, now
        )
        slots = []
        for s in free_slots(self.clinic, providers, vt, days, window, claimed, now):
            slots.append(s)
            if len(slots) >= limit:
                break
        if slots:
            return Availability(slots=slots)
        alternatives = self._alternatives(
            vt, providers, all_providers, days, window, claimed, now, limit
        )
        note = nothing_note(self.clinic, providers, days, window, now.date())
        return Availability(slots=[], alternatives=alternatives, note=note)

    def _alternatives(
        self,
        vt: VisitType,
        providers: Sequence[Provider],
        all_providers: Sequence[Provider],
        days: Sequence[date],
        window: Window,
        claimed: set[tuple[str, datetime]],
        now: datetime,
        limit: int,
    ) -> list[Slot]:
        """Nearest options: other times those days (closest to what was asked), the same
        window on nearby days (closest day first), then other providers."""
        any_time = Window()
        same_days: list[Slot] = []
        if not window.is_open:
            cands = list(free_slots(self.clinic, providers, vt, days, any_time, claimed, now))
            same_days = sorted(cands, key=lambda s: (window.distance(s.start), s.start))
        nearby: list[Slot] = []
        span = self.options.alternative_days
        for delta in sorted(range(-span, span + 1), key=lambda d: (abs(d), d < 0)):
            if delta == 0:
                continue
            day = (days[-1] if delta > 0 else days[0]) + timedelta(days=delta)
            if day < now.date():
                continue
            day_free = list(free_slots(self.clinic, providers, vt, [day], window, claimed, now))
            nearby.extend(day_free[:2])
        others: list[Slot] = []
        rest = [p for p in all_providers if p not in providers]
        if rest:
            others = list(free_slots(self.clinic, rest, vt, days, window, claimed, now))[:2]
        picked: list[Slot] = []
        for group, quota in ((same_days, 2), (nearby, 2), (others, 1)):
            picked.extend(s for s in group[:quota] if s not in picked)
        for group in (same_days, nearby, others):
            for s in group:
                if len(picked) >= limit:
                    break
                if s not in picked:
                    picked.append(s)
        order = {p.id: i for i, p in enumerate(self.clinic.providers)}
        return sorted(picked[:limit], key=lambda s: (s.start, order.get(s.provider_id, 0)))

    async def _claimed(
        self, provider_ids: Sequence[str], first: date, last: date, now: datetime
    ) -> set[tuple[str, datetime]]:
        c = t.slot_claims.c
        query = sa.select(c.provider_id, c.cell_start).where(
            c.provider_id.in_(provider_ids),
            c.cell_start >= datetime.combine(first, time()),
            c.cell_start < datetime.combine(last + timedelta(days=1), time()),
            sa.or_(c.expires_at.is_(None), c.expires_at > now),
        )
        async with self.db.read() as conn:
            return {(r[0], r[1]) for r in await conn.execute(query)}

    # ---- holds ---------------------------------------------------------------------------

    async def hold(self, slot: Slot, session_id: str, ttl: timedelta | None = None) -> Hold:
        if not session_id:
            raise InvalidRequest("a hold needs a session id")
        ttl = ttl if ttl is not None else self.options.hold_ttl
        if ttl <= timedelta(0):
            raise InvalidRequest(f"hold ttl must be positive, got {ttl}")
        now = self.clock.now()
        check_bookable(self.clinic, slot, now)
        hold = Hold(id=_new_id(), slot=slot, session_id=session_id, expires_at=now + ttl)
        try:
            async with self.db.write() as conn:
                await self._clear_dead_claims(conn, slot, now)
                await conn.execute(
                    sa.insert(t.holds).values(
                        id=hold.id,
                        provider_id=slot.provider_id,
                        visit_type=slot.visit_type,
                        start_at=slot.start,
                        end_at=slot.end,
                        session_id=session_id,
                        created_at=now,
                        expires_at=hold.expires_at,
                        status="held",
                    )
                )
                await self._claim(conn, slot, hold_id=hold.id, expires_at=hold.expires_at)
        except IntegrityError:
            # Asking again for a slot this session already holds (a retried tool call) is
            # not a conflict: the same hold comes back with a fresh expiry.
            renewed = await self._renew_own_hold(slot, session_id, hold.expires_at, now)
            if renewed is None:
                raise SlotTaken(f"{slot.provider_id} {slot.start} is taken") from None
            return renewed
        return hold

    async def _renew_own_hold(
        self, slot: Slot, session_id: str, expires_at: datetime, now: datetime
    ) -> Hold | None:
        h = t.holds.c
        async with self.db.write() as conn:
            hold_id = (
                await conn.execute(
                    sa.select(h.id).where(
                        *_own_live_holds(session_id, slot.provider_id, now),
                        h.start_at == slot.start,
                        h.end_at == slot.end,
                        h.visit_type == slot.visit_type,
                    )
                )
            ).scalar_one_or_none()
            if hold_id is None:
                return None
            await conn.execute(
                sa.update(t.holds).where(h.id == hold_id).values(expires_at=expires_at)
            )
            await conn.execute(
                sa.update(t.slot_claims)
                .where(t.slot_claims.c.hold_id == hold_id)
                .values(expires_at=expires_at)
            )
        return Hold(hold_id, slot, session_id, expires_at)

    async def release(self, hold_id: str) -> bool:
        """Give a hold's time back. True when it was live."""
        now = self.clock.now()
        async with self.db.write() as conn:
            await conn.execute(sa.delete(t.slot_claims).where(t.slot_claims.c.hold_id == hold_id))
            result = await conn.execute(
                sa.update(t.holds)
                .where(t.holds.c.id == hold_id, t.holds.c.status == "held")
                .values(status="released")
                .returning(t.holds.c.expires_at)
            )
            expires = result.scalar_one_or_none()
        return expires is not None and expires > now

    async def release_session_holds(self, session_id: str) -> int:
        """Release every live hold of a session (a call that ended). Returns how many."""
        now = self.clock.now()
        async with self.db.write() as conn:
            ids = list(
                (
                    await conn.execute(
                        sa.select(t.holds.c.id).where(
                            t.holds.c.session_id == session_id,
                            t.holds.c.status == "held",
                            t.holds.c.expires_at > now,
                        )
                    )
                ).scalars()
            )
            if ids:
                await conn.execute(sa.delete(t.slot_claims).where(t.slot_claims.c.hold_id.in_(ids)))
                await conn.execute(
                    sa.update(t.holds).where(t.holds.c.id.in_(ids)).values(status="released")
                )
        return len(ids)

    async def live_holds(self, session_id: str | None = None) -> list[Hold]:
        now = self.clock.now()
        query = (
            sa.select(t.holds)
            .where(t.holds.c.status == "held", t.holds.c.expires_at > now)
            .order_by(t.holds.c.start_at)
        )
        if session_id is not None:
            query = query.where(t.holds.c.session_id == session_id)
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [self._hold(r) for r in rows]

    async def sweep_expired(self) -> int:
        """Drop claims of expired holds and mark those holds expired. Returns holds expired."""
        now = self.clock.now()
        async with self.db.write() as conn:
            await conn.execute(
                sa.delete(t.slot_claims).where(
                    t.slot_claims.c.expires_at.is_not(None), t.slot_claims.c.expires_at <= now
                )
            )
            result = await conn.execute(
                sa.update(t.holds)
                .where(t.holds.c.status == "held", t.holds.c.expires_at <= now)
                .values(status="expired")
            )
        return int(result.rowcount or 0)

    # ---- appointments ---------------------------------------------------------------------

    async def confirm(
        self, hold_id: str, patient: PatientInfo, idempotency_key: str
    ) -> Appointment:
        now = self.clock.now()
        _check_patient(patient, now)
        if not idempotency_key:
            raise InvalidRequest("confirm needs an idempotency key")
        try:
            async with self.db.write() as conn:
                done = await self._by_key(conn, idempotency_key)
                if done is not None:
                    return self._same_request(done, hold_id=hold_id)
                hold = (
                    (await conn.execute(sa.select(t.holds).where(t.holds.c.id == hold_id)))
                    .mappings()
                    .first()
                )
                if hold is None:
                    raise NotFound(f"no hold {hold_id!r}", "Sorry, I can't find that reservation.")
                if hold["status"] == "confirmed":
                    return await self._get(conn, hold["appointment_id"])
                if hold["status"] != "held" or hold["expires_at"] <= now:
                    raise HoldExpired(f"hold {hold_id} is {hold['status']}, expired or released")
                slot = self._slot(hold)
                appt_id = _new_id()
                patient_id = await self._upsert_patient(conn, patient, now)
                await conn.execute(
                    sa.insert(t.appointments).values(
                        id=appt_id,
                        **_slot_values(slot),
                        kind="patient",
                        patient_id=patient_id,
                        patient_name=patient.name.strip(),
                        patient_dob=patient.date_of_birth,
                        patient_phone=patient.phone,
                        status="confirmed",
                        created_at=now,
                        idempotency_key=idempotency_key,
                        hold_id=hold_id,
                    )
                )
                moved = await conn.execute(
                    sa.update(t.slot_claims)
                    .where(t.slot_claims.c.hold_id == hold_id, t.slot_claims.c.expires_at > now)
                    .values(hold_id=None, appointment_id=appt_id, expires_at=None)
                )
                if moved.rowcount != len(cells(slot.start, slot.end, self.clinic.slot_minutes)):
                    raise HoldExpired(f"hold {hold_id} lost its claims")
                await conn.execute(
                    sa.update(t.holds)
                    .where(t.holds.c.id == hold_id)
                    .values(status="confirmed", appointment_id=appt_id)
                )
            return Appointment(
                id=appt_id,
                slot=slot,
                patient_name=patient.name.strip(),
                patient_dob=patient.date_of_birth,
                status="confirmed",
                patient_phone=patient.phone,
                created_at=now,
            )
        except IntegrityError:
            # A concurrent retry of this confirm committed first: answer with its result.
            async with self.db.read() as conn:
                done = await self._by_key(conn, idempotency_key)
                if done is None:
                    done = await self._by_hold(conn, hold_id)
            if done is None:
                raise
            return self._same_request(done, hold_id=hold_id)

    async def reschedule(
        self, appointment_id: str, new_slot: Slot, session_id: str, idempotency_key: str
    ) -> Appointment:
        """Move an appointment to `new_slot` atomically: if the new time cannot be claimed the
        old appointment stays exactly as it was. A live hold of `session_id` on exactly
        `new_slot` is consumed; the session's other holds overlapping it are released."""
        now = self.clock.now()
        check_bookable(self.clinic, new_slot, now)
        if not idempotency_key:
            raise InvalidRequest("reschedule needs an idempotency key")
        try:
            async with self.db.write() as conn:
                done = await self._by_key(conn, idempotency_key)
                if done is not None:
                    return self._same_request(done, rescheduled_from=appointment_id)
                old = await self._get_row(conn, appointment_id)
                if old["status"] != "confirmed" or old["kind"] != "patient":
                    raise InvalidRequest(
                        f"appointment {appointment_id} is {old['status']}",
                        "That appointment was already cancelled.",
                    )
                await conn.execute(
                    sa.delete(t.slot_claims).where(t.slot_claims.c.appointment_id == old["id"])
                )
                own_hold = await self._release_own_overlaps(conn, new_slot, session_id, now)
                await self._clear_dead_claims(conn, new_slot, now)
                new_id = _new_id()
                await conn.execute(
                    sa.insert(t.appointments).values(
                        id=new_id,
                        **_slot_values(new_slot),
                        kind="patient",
                        patient_id=old["patient_id"],
                        patient_name=old["patient_name"],
                        patient_dob=old["patient_dob"],
                        patient_phone=old["patient_phone"],
                        status="confirmed",
                        created_at=now,
                        idempotency_key=idempotency_key,
                        hold_id=own_hold,
                        rescheduled_from=old["id"],
                    )
                )
                await self._claim(conn, new_slot, appointment_id=new_id)
                await conn.execute(
                    sa.update(t.appointments)
                    .where(t.appointments.c.id == old["id"])
                    .values(status="cancelled", cancelled_at=now)
                )
                if own_hold is not None:
                    await conn.execute(
                        sa.update(t.holds)
                        .where(t.holds.c.id == own_hold)
                        .values(status="confirmed", appointment_id=new_id)
                    )
                return await self._get(conn, new_id)
        except IntegrityError:
            async with self.db.read() as conn:
                done = await self._by_key(conn, idempotency_key)
            if done is not None:
                return self._same_request(done, rescheduled_from=appointment_id)
            raise SlotTaken(f"{new_slot.provider_id} {new_slot.start} is taken") from None

    async def cancel(self, appointment_id: str) -> Appointment:
        """Cancel an appointment and free its time. Cancelling twice is harmless."""
        now = self.clock.now()
        async with self.db.write() as conn:
            row = await self._get_row(conn, appointment_id)
            if row["status"] == "cancelled":
                return self._appointment(row)
            await conn.execute(
                sa.delete(t.slot_claims).where(t.slot_claims.c.appointment_id == appointment_id)
            )
            await conn.execute(
                sa.update(t.appointments)
                .where(t.appointments.c.id == appointment_id)
                .values(status="cancelled", cancelled_at=now)
            )
            return await self._get(conn, appointment_id)

    async def add_busy(
        self,
        provider: str | Provider,
        start: datetime,
        visit_type: str | VisitType = "checkup",
    ) -> Appointment:
        """Block a provider's time (simulations, tests, staff): an appointment of kind busy."""
        p = self.resolve_provider(provider)
        vt = self.resolve_visit_type(visit_type)
        if not p.offers(vt.name):
            vt = next(self.clinic.visit_type(n) for n in p.visit_types)
        slot = Slot(p.id, p.name, vt.name, start, start + timedelta(minutes=vt.minutes))
        check_bookable(self.clinic, slot, None)
        now = self.clock.now()
        appt_id = _new_id()
        try:
            async with self.db.write() as conn:
                await self._clear_dead_claims(conn, slot, now)
                await conn.execute(
                    sa.insert(t.appointments).values(
                        id=appt_id,
                        **_slot_values(slot),
                        kind="busy",
                        patient_name=BUSY_NAME,
                        status="confirmed",
                        created_at=now,
                    )
                )
                await self._claim(conn, slot, appointment_id=appt_id)
                return await self._get(conn, appt_id)
        except IntegrityError:
            raise SlotTaken(f"{slot.provider_id} {slot.start} is taken") from None

    async def get_appointment(self, appointment_id: str) -> Appointment:
        async with self.db.read() as conn:
            return await self._get(conn, appointment_id)

    async def find_appointments(
        self,
        name: str,
        date_of_birth: date,
        *,
        include_past: bool = False,
        include_cancelled: bool = False,
    ) -> list[Appointment]:
        """A patient's appointments by name and date of birth, earliest first."""
        a, pt = t.appointments.c, t.patients.c
        query = (
            sa.select(t.appointments)
            .join(t.patients, pt.id == a.patient_id)
            .where(pt.name_key == name_key(name), pt.date_of_birth == date_of_birth)
            .order_by(a.start_at)
        )
        if not include_cancelled:
            query = query.where(a.status == "confirmed")
        if not include_past:
            query = query.where(a.end_at > self.clock.now())
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [self._appointment(r) for r in rows]

    async def list_appointments(
        self,
        day: date | None = None,
        provider: str | Provider | None = None,
        *,
        include_cancelled: bool = False,
        include_busy: bool = False,
    ) -> list[Appointment]:
        a = t.appointments.c
        query = sa.select(t.appointments).order_by(a.start_at, a.provider_id)
        if day is not None:
            first = datetime.combine(day, time())
            query = query.where(a.start_at >= first, a.start_at < first + timedelta(days=1))
        if provider is not None:
            query = query.where(a.provider_id == self.resolve_provider(provider).id)
        if not include_cancelled:
            query = query.where(a.status == "confirmed")
        if not include_busy:
            query = query.where(a.kind == "patient")
        async with self.db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [self._appointment(r) for r in rows]

    # ---- call records and callbacks -----------------------------------------------------

    async def save_call(self, record: CallRecord) -> None:
        await records.save_call(self.db, record)

    async def list_calls(self, limit: int = 100) -> list[CallRecord]:
        return await records.list_calls(self.db, limit)

    async def get_call(self, call_id: str) -> CallRecord | None:
        return await records.get_call(self.db, call_id)

    async def add_callback_request(
        self, reason: str, caller_phone: str | None = None, name: str | None = None
    ) -> CallbackRequest:
        return await records.add_callback_request(
            self.db, self.clock.now(), reason, caller_phone, name
        )

    async def list_callback_requests(self, status: str | None = None) -> list[CallbackRequest]:
        return await records.list_callback_requests(self.db, status)

    async def set_callback_status(self, request_id: str, status: str) -> None:
        await records.set_callback_status(self.db, request_id, status)

    # ---- internals ------------------------------------------------------------------------

    async def _claim(
        self,
        conn: AsyncConnection,
        slot: Slot,
        *,
        hold_id: str | None = None,
        appointment_id: str | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        rows = [
            {
                "provider_id": slot.provider_id,
                "cell_start": cell,
                "hold_id": hold_id,
                "appointment_id": appointment_id,
                "expires_at": expires_at,
            }
            for cell in cells(slot.start, slot.end, self.clinic.slot_minutes)
        ]
        await conn.execute(sa.insert(t.slot_claims), rows)

    async def _clear_dead_claims(self, conn: AsyncConnection, slot: Slot, now: datetime) -> None:
        """Lazy expiry: claims of expired holds on these cells stop blocking right away."""
        c = t.slot_claims.c
        await conn.execute(
            sa.delete(t.slot_claims).where(
                c.provider_id == slot.provider_id,
                c.cell_start.in_(cells(slot.start, slot.end, self.clinic.slot_minutes)),
                c.expires_at.is_not(None),
                c.expires_at <= now,
            )
        )

    async def _release_own_overlaps(
        self, conn: AsyncConnection, slot: Slot, session_id: str, now: datetime
    ) -> str | None:
        h = t.holds.c
        rows = (
            (
                await conn.execute(
                    sa.select(t.holds).where(
                        *_own_live_holds(session_id, slot.provider_id, now),
                        h.start_at < slot.end,
                        h.end_at > slot.start,
                    )
                )
            )
            .mappings()
            .all()
        )
        exact: str | None = None
        for r in rows:
            await conn.execute(sa.delete(t.slot_claims).where(t.slot_claims.c.hold_id == r["id"]))
            if r["start_at"] == slot.start and r["visit_type"] == slot.visit_type:
                exact = r["id"]
            else:
                await conn.execute(
                    sa.update(t.holds).where(h.id == r["id"]).values(status="released")
                )
        return exact

    async def _upsert_patient(
        self, conn: AsyncConnection, patient: PatientInfo, now: datetime
    ) -> str:
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(t.patients).values(
            id=_new_id(),
            name=patient.name.strip(),
            name_key=name_key(patient.name),
            date_of_birth=patient.date_of_birth,
            phone=patient.phone,
            created_at=now,
        )
        phone = sa.func.coalesce(stmt.excluded.phone, t.patients.c.phone)
        upsert = stmt.on_conflict_do_update(
            index_elements=["name_key", "date_of_birth"], set_={"phone": phone}
        ).returning(t.patients.c.id)
        return str((await conn.execute(upsert)).scalar_one())

    async def _by_key(self, conn: AsyncConnection, key: str) -> Any:
        query = sa.select(t.appointments).where(t.appointments.c.idempotency_key == key)
        return (await conn.execute(query)).mappings().first()

    async def _by_hold(self, conn: AsyncConnection, hold_id: str) -> Any:
        query = sa.select(t.appointments).where(t.appointments.c.hold_id == hold_id)
        return (await conn.execute(query)).mappings().first()

    def _same_request(
        self, row: Any, *, hold_id: str | None = None, rescheduled_from: str | None = None
    ) -> Appointment:
        """An idempotency key seen before must belong to the same request."""
        if hold_id is not None and row["hold_id"] != hold_id:
            raise InvalidRequest(f"idempotency key already used for hold {row['hold_id']}")
        if rescheduled_from is not None and row["rescheduled_from"] != rescheduled_from:
            raise InvalidRequest("idempotency key already used for another request")
        return self._appointment(row)

    async def _get_row(self, conn: AsyncConnection, appointment_id: str) -> Any:
        query = sa.select(t.appointments).where(t.appointments.c.id == appointment_id)
        row = (await conn.execute(query)).mappings().first()
        if row is None:
            raise NotFound(
                f"no appointment {appointment_id!r}", "Sorry, I can't find that appointment."
            )
        return row

    async def _get(self, conn: AsyncConnection, appointment_id: str) -> Appointment:
        return self._appointment(await self._get_row(conn, appointment_id))

    def _provider_name(self, provider_id: str) -> str:
        try:
            return self.clinic.provider(provider_id).name
        except KeyError:
            return provider_id

    def _slot(self, row: Any) -> Slot:
        return Slot(
            provider_id=row["provider_id"],
            provider_name=self._provider_name(row["provider_id"]),
            visit_type=row["visit_type"],
            start=row["start_at"],
            end=row["end_at"],
        )

    def _hold(self, row: Any) -> Hold:
        return Hold(row["id"], self._slot(row), row["session_id"], row["expires_at"])

    def _appointment(self, row: Any) -> Appointment:
        return Appointment(
            id=row["id"],
            slot=self._slot(row),
            patient_name=row["patient_name"],
            patient_dob=row["patient_dob"],
            status=row["status"],
            patient_phone=row["patient_phone"],
            created_at=row["created_at"],
            rescheduled_from=row["rescheduled_from"],
        )


def _slot_values(slot: Slot) -> dict[str, Any]:
    return {
        "provider_id": slot.provider_id,
        "visit_type": slot.visit_type,
        "start_at": slot.start,
        "end_at": slot.end,
    }


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _check_patient(patient: PatientInfo, now: datetime) -> None:
    if not patient.name or not name_key(patient.name):
        raise InvalidRequest("patient name is blank", "Could I have your full name, please?")
    dob = patient.date_of_birth
    if not isinstance(dob, date) or isinstance(dob, datetime):
        raise InvalidRequest(f"date of birth must be a date, got {dob!r}")
    if dob > now.date() or dob.year < 1900:
        raise InvalidRequest(
            f"implausible date of birth {dob}", "Could you tell me your date of birth again?"
        )


def _own_live_holds(
    session_id: str, provider_id: str, now: datetime
) -> tuple[sa.ColumnElement[bool], ...]:
    """Where-clauses for the session's unexpired holds with one provider."""
    h = t.holds.c
    return (
        h.session_id == session_id,
        h.status == "held",
        h.expires_at > now,
        h.provider_id == provider_id,
    )
