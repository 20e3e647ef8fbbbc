"""iCalendar feed per provider, for the clinic's calendar app; the URL carries a secret token."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from icalendar import Calendar, Event

from booking import Appointment, BookingService
from web.staff.context import Console

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 120


def build_calendar(
    svc: BookingService, provider_id: str, appts: list[Appointment], stamp: datetime
) -> bytes:
    provider = svc.clinic.provider(provider_id)
    tz = ZoneInfo(svc.clinic.timezone) if svc.clinic.timezone else None
    cal = Calendar()
    cal.add("prodid", "-//Clinic receptionist//staff console//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{svc.clinic.name}: {provider.display_name}")
    for a in appts:
        event = Event()
        event.add("uid", f"{a.id}@clinic-receptionist")
        event.add("dtstamp", stamp.replace(tzinfo=tz) if tz else stamp)
        event.add("dtstart", a.slot.start.replace(tzinfo=tz) if tz else a.slot.start)
        event.add("dtend", a.slot.end.replace(tzinfo=tz) if tz else a.slot.end)
        event.add("summary", f"{a.slot.visit_type.title()}: {a.patient_name}")
        event.add("status", "CANCELLED" if a.status == "cancelled" else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


def calendar_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/calendar/{provider_id}.ics")
    async def feed(provider_id: str, token: str = "") -> Response:
        svc = console.booking()
        known = provider_id in {p.id for p in svc.clinic.providers}
        # Same answer for an unknown provider and a wrong token: the URL is the secret.
        if (
            not known
            or not token
            or not await console.store.check_calendar_token(provider_id, token)
        ):
            raise HTTPException(status_code=404, detail="no such calendar")
        today: date = svc.clock.now().date()
        first, last = (
            today - timedelta(days=FEED_PAST_DAYS),
            today + timedelta(days=FEED_FUTURE_DAYS),
        )
        appts = [
            a
            for a in await svc.list_appointments(provider=provider_id, include_cancelled=True)
            if first <= a.slot.start.date() <= last
        ]
        body = build_calendar(svc, provider_id, appts, svc.clock.now())
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )

    return router
