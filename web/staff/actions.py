"""Booking actions the console and the API share: they go through BookingService, so staff
get the same rules and the same errors as callers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from booking import Appointment, BookingService, Hold, InvalidRequest, PatientInfo, Slot


@dataclass(frozen=True)
class DayBoard:
    """One day for one provider: appointments and live holds, earliest first."""

    day: date
    provider_id: str
    provider_name: str
    appointments: list[Appointment]
    holds: list[Hold]


def parse_day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def parse_dob(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidRequest(f"not a date of birth: {text!r} (use YYYY-MM-DD or MM/DD/YYYY)")


def parse_start(day: str, at: str) -> datetime:
    try:
        return datetime.fromisoformat(f"{day.strip()}T{at.strip()}")
    except ValueError:
        raise InvalidRequest(f"not a date and time: {day!r} {at!r}") from None


def make_slot(svc: BookingService, provider: str, visit_type: str, start: datetime) -> Slot:
    slot = svc.slot_at(provider, visit_type, start)
    p = svc.clinic.provider(slot.provider_id)
    if not p.offers(slot.visit_type):
        raise InvalidRequest(f"{p.display_name} does not offer {slot.visit_type} visits")
    return slot


def patient_from(name: str, dob: str, phone: str | None) -> PatientInfo:
    name = " ".join(name.split())
    if not name:
        raise InvalidRequest("the patient's name is required")
    return PatientInfo(name=name, date_of_birth=parse_dob(dob), phone=(phone or "").strip() or None)


async def book_by_hand(
    svc: BookingService, slot: Slot, patient: PatientInfo, staff_username: str
) -> Appointment:
    """Hold, then confirm: exactly the path a caller's booking takes."""
    hold = await svc.hold(slot, session_id=f"staff:{staff_username}")
    try:
        return await svc.confirm(hold.id, patient, idempotency_key=f"staff-{hold.id}")
    except Exception:
        await svc.release(hold.id)
        raise


async def confirm_hold(svc: BookingService, hold_id: str, patient: PatientInfo) -> Appointment:
    return await svc.confirm(hold_id, patient, idempotency_key=f"staff-{hold_id}")


async def reschedule(
    svc: BookingService, appointment_id: str, start: datetime, staff_username: str
) -> Appointment:
    old = await svc.get_appointment(appointment_id)
    slot = make_slot(svc, old.slot.provider_id, old.slot.visit_type, start)
    return await svc.reschedule(
        appointment_id,
        slot,
        session_id=f"staff:{staff_username}",
        idempotency_key=f"staff-move-{appointment_id}-{secrets.token_hex(4)}",
    )


async def boards(svc: BookingService, days: list[date], provider_id: str | None) -> list[DayBoard]:
    providers = [p for p in svc.clinic.providers if provider_id in (None, "", p.id)]
    holds = await svc.live_holds()
    out: list[DayBoard] = []
    for day in days:
        appts = await svc.list_appointments(day=day, include_cancelled=True)
        for p in providers:
            out.append(
                DayBoard(
                    day=day,
                    provider_id=p.id,
                    provider_name=p.display_name,
                    appointments=[a for a in appts if a.slot.provider_id == p.id],
                    holds=[
                        h
                        for h in holds
                        if h.slot.provider_id == p.id and h.slot.start.date() == day
                    ],
                )
            )
    return out


def week_days(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


async def find_hold(svc: BookingService, hold_id: str) -> Hold | None:
    return next((h for h in await svc.live_holds() if h.id == hold_id), None)
