"""JSON API under /api/v1 (in the app's OpenAPI schema), Bearer token per staff user.
Lists mask phone numbers and dates of birth; single-booking and single-call answers are full."""

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from booking import Appointment, BookingError, CallRecord, Hold, InvalidRequest
from web.staff import actions, timeline
from web.staff.context import Console
from web.staff.errors import message_for, status_for
from web.staff.masking import mask_dob, mask_phone
from web.staff.store import StaffUser

log = logging.getLogger("web.staff")

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The request breaks a booking rule; `detail` says which."},
    401: {"description": "Missing or unknown API token."},
    404: {"description": "Not found."},
    409: {"description": "The time is taken or the hold expired."},
}


class BookingOut(BaseModel):
    id: str
    status: str
    provider_id: str
    provider_name: str
    visit_type: str
    start: datetime
    end: datetime
    patient_name: str
    patient_dob: str = Field(description="YYYY-MM-DD, or masked in lists")
    patient_phone: str | None = Field(description="masked in lists")
    rescheduled_from: str | None = None


class BookingIn(BaseModel):
    provider_id: str = Field(min_length=1, max_length=40)
    visit_type: str = Field(min_length=1, max_length=40)
    start: datetime = Field(description="clinic-local time; an offset is converted to it")
    patient_name: str = Field(min_length=1, max_length=200)
    patient_dob: date
    patient_phone: str | None = Field(default=None, max_length=40)


class RescheduleIn(BaseModel):
    start: datetime


class SearchIn(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    date_of_birth: date | None = None


class HoldOut(BaseModel):
    id: str
    provider_id: str
    visit_type: str
    start: datetime
    end: datetime
    expires_at: datetime
    session_id: str


class CallSummary(BaseModel):
    id: str
    room: str
    started_at: datetime
    ended_at: datetime | None
    duration_s: float | None
    outcome: str
    caller: str | None = Field(description="masked")
    interruptions: int


class CallDetail(CallSummary):
    transcript: list[dict[str, Any]]
    corrections: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    events: list[dict[str, Any]]
    metrics: dict[str, Any]
    has_recording: bool


class CallbackOut(BaseModel):
    id: str
    created_at: datetime
    caller_phone: str | None = Field(description="masked")
    name: str | None
    reason: str
    status: str


class UserOut(BaseModel):
    username: str
    role: str
    created_at: datetime


def booking_out(a: Appointment, *, masked: bool) -> BookingOut:
    return BookingOut(
        id=a.id,
        status=a.status,
        provider_id=a.slot.provider_id,
        provider_name=a.slot.provider_name,
        visit_type=a.slot.visit_type,
        start=a.slot.start,
        end=a.slot.end,
        patient_name=a.patient_name,
        patient_dob=mask_dob(a.patient_dob)
        if masked
        else (a.patient_dob.isoformat() if a.patient_dob else ""),
        patient_phone=mask_phone(a.patient_phone) if masked else a.patient_phone,
        rescheduled_from=a.rescheduled_from,
    )


def hold_out(h: Hold) -> HoldOut:
    return HoldOut(
        id=h.id,
        provider_id=h.slot.provider_id,
        visit_type=h.slot.visit_type,
        start=h.slot.start,
        end=h.slot.end,
        expires_at=h.expires_at,
        session_id=h.session_id,
    )


def call_summary(r: CallRecord) -> dict[str, Any]:
    duration = (r.ended_at - r.started_at).total_seconds() if r.ended_at else None
    return {
        "id": r.id,
        "room": r.room,
        "started_at": r.started_at,
        "ended_at": r.ended_at,
        "duration_s": duration,
        "outcome": str(r.outcome),
        "caller": mask_phone(r.caller) or None,
        "interruptions": timeline.interruption_count(r.events, r.metrics),
    }


def _in_range(d: date, what: str) -> date:
    if not EARLIEST <= d <= LATEST:
        raise HTTPException(status_code=400, detail=f"{what} must be between 1900 and 2200")
    return d


def _local(console: Console, dt: datetime) -> datetime:
    _in_range(dt.date(), "start")
    if dt.tzinfo is None:
        return dt
    tz = console.booking().clinic.timezone
    local = dt.astimezone(ZoneInfo(tz)) if tz else dt.astimezone()
    return local.replace(tzinfo=None)


def _fail(err: BookingError) -> HTTPException:
    return HTTPException(status_code=status_for(err), detail=message_for(err))


def api_router(
    console: Console,
    api_user: Callable[..., Awaitable[StaffUser]],
    api_admin: Callable[..., Awaitable[StaffUser]],
) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["staff API"], responses=ERRORS)
    User = Annotated[StaffUser, Depends(api_user)]

    @router.get("/me", response_model=UserOut)
    async def me(user: User) -> UserOut:
        return UserOut(username=user.username, role=user.role, created_at=user.created_at)

    @router.get("/bookings", response_model=list[BookingOut])
    async def list_bookings(
        user: User,
        day: date | None = None,
        days: Annotated[int, Query(ge=1, le=31)] = 1,
        provider: Annotated[str | None, Query(max_length=40)] = None,
        include_cancelled: bool = False,
    ) -> list[BookingOut]:
        svc = console.booking()
        first = _in_range(day or svc.clock.now().date(), "day")
        if provider is not None and provider not in {p.id for p in svc.clinic.providers}:
            raise HTTPException(status_code=400, detail=f"unknown provider {provider!r}")
        out: list[BookingOut] = []
        for offset in range(days):
            for a in await svc.list_appointments(
                day=first + timedelta(days=offset),
                provider=provider,
                include_cancelled=include_cancelled,
            ):
                out.append(booking_out(a, masked=True))
        return out

    @router.post("/bookings", response_model=BookingOut, status_code=201)
    async def create_booking(user: User, body: BookingIn) -> BookingOut:
        svc = console.booking()
        _in_range(body.patient_dob, "patient_dob")
        try:
            slot = actions.make_slot(
                svc, body.provider_id, body.visit_type, _local(console, body.start)
            )
            patient = actions.patient_from(
                body.patient_name, body.patient_dob.isoformat(), body.patient_phone
            )
            appt = await actions.book_by_hand(svc, slot, patient, user.username)
        except BookingError as err:
            raise _fail(err) from None
        log.info("api %s added booking %s", user.username, appt.id)
        console.on_booking_change()
        return booking_out(appt, masked=False)

    @router.post("/bookings/search", response_model=list[BookingOut])
    async def search(user: User, body: SearchIn) -> list[BookingOut]:
        svc = console.booking()
        if not (body.name or "").strip() and body.date_of_birth is None:
            raise HTTPException(status_code=400, detail="give a name, a date_of_birth, or both")
        everything = await svc.list_appointments(include_cancelled=True)
        needle = " ".join((body.name or "").lower().split())
        found = [
            a
            for a in everything
            if (not needle or needle in a.patient_name.lower())
            and (body.date_of_birth is None or a.patient_dob == body.date_of_birth)
        ]
        return [booking_out(a, masked=True) for a in found]

    @router.get("/bookings/{booking_id}", response_model=BookingOut)
    async def get_booking(user: User, booking_id: str) -> BookingOut:
        try:
            appt = await console.booking().get_appointment(booking_id)
        except BookingError as err:
            raise _fail(err) from None
        return booking_out(appt, masked=False)

    @router.post("/bookings/{booking_id}/cancel", response_model=BookingOut)
    async def cancel_booking(user: User, booking_id: str) -> BookingOut:
        try:
            appt = await console.booking().cancel(booking_id)
        except BookingError as err:
            raise _fail(err) from None
        log.info("api %s cancelled booking %s", user.username, appt.id)
        console.on_booking_change()
        return booking_out(appt, masked=False)

    @router.post("/bookings/{booking_id}/reschedule", response_model=BookingOut)
    async def reschedule_booking(user: User, booking_id: str, body: RescheduleIn) -> BookingOut:
        try:
            appt = await actions.reschedule(
                console.booking(), booking_id, _local(console, body.start), user.username
            )
        except BookingError as err:
            raise _fail(err) from None
        log.info("api %s moved booking %s -> %s", user.username, booking_id, appt.id)
        console.on_booking_change()
        return booking_out(appt, masked=False)

    @router.get("/holds", response_model=list[HoldOut])
    async def holds(user: User) -> list[HoldOut]:
        return [hold_out(h) for h in await console.booking().live_holds()]

    @router.get("/calls", response_model=list[CallSummary])
    async def calls(
        user: User, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> list[CallSummary]:
        return [CallSummary(**call_summary(r)) for r in await console.booking().list_calls(limit)]

    @router.get("/calls/{call_id}", response_model=CallDetail)
    async def call(user: User, call_id: str) -> CallDetail:
        r = await console.booking().get_call(call_id)
        if r is None:
            raise HTTPException(status_code=404, detail="no such call")
        summary = call_summary(r)
        summary["caller"] = r.caller
        return CallDetail(
            **summary,
            transcript=r.transcript,
            corrections=r.corrections,
            tool_calls=r.tool_calls,
            events=r.events,
            metrics=r.metrics,
            has_recording=bool(r.recording_path),
        )

    @router.get("/callbacks", response_model=list[CallbackOut])
    async def callbacks(user: User) -> list[CallbackOut]:
        return [
            CallbackOut(
                id=c.id,
                created_at=c.created_at,
                caller_phone=mask_phone(c.caller_phone) or None,
                name=c.name,
                reason=c.reason,
                status=str(c.status),
            )
            for c in await console.booking().list_callback_requests()
        ]

    @router.get("/admin/users", response_model=list[UserOut])
    async def users(admin: Annotated[StaffUser, Depends(api_admin)]) -> list[UserOut]:
        return [
            UserOut(username=u.username, role=u.role, created_at=u.created_at)
            for u in await console.store.list_users()
        ]

    return router


__all__ = ["InvalidRequest", "api_router"]
