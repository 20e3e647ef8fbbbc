"""Console pages for signed-in staff: bookings, search, calls, callbacks, own API tokens."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from booking import BookingError
from web.staff import actions, timeline
from web.staff.auth import session_of
from web.staff.context import CONSOLE_HEADERS, Console
from web.staff.errors import message_for, status_for
from web.staff.forms import read_form
from web.staff.store import StaffSession

log = logging.getLogger("web.staff")

NOTICES = {
    "added": "Booking added.",
    "cancelled": "Booking cancelled.",
    "moved": "Booking rescheduled.",
    "confirmed": "Hold confirmed as a booking.",
    "released": "Hold released.",
    "token": "API token revoked.",
    "callback": "Callback request updated.",
}
AUDIO_TYPES = {".wav": "audio/wav", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".mp3": "audio/mpeg"}


def console_router(
    console: Console, staff_session: Callable[..., Awaitable[StaffSession]]
) -> APIRouter:
    # Every route here requires a session; unsafe methods also a CSRF token (see auth.py).
    router = APIRouter(include_in_schema=False, dependencies=[Depends(staff_session)])

    async def board_page(
        request: Request,
        *,
        day_text: str | None,
        view: str,
        provider: str | None,
        error: str | None = None,
        status: int = 200,
        form: dict[str, str] | None = None,
    ) -> HTMLResponse:
        svc = console.booking()
        today = svc.clock.now().date()
        try:
            day = actions.parse_day(day_text, today)
        except BookingError as err:
            day, error, status = today, message_for(err), 400
        view = "week" if view == "week" else "day"
        if provider and provider not in {p.id for p in svc.clinic.providers}:
            provider, error, status = None, f"Unknown provider {provider!r}.", 400
        days = actions.week_days(day) if view == "week" else [day]
        boards = await actions.boards(svc, days, provider)
        notice = NOTICES.get(request.query_params.get("notice", ""))
        return console.render(
            request,
            "bookings.html",
            session_of(request),
            status_code=status,
            boards=boards,
            day=day,
            days=days,
            view=view,
            provider=provider or "",
            today=today,
            now=svc.clock.now(),
            error=error,
            notice=notice,
            form=form or {},
            prev_day=days[0] - timedelta(days=len(days)),
            next_day=days[-1] + timedelta(days=1),
        )

    @router.get("/staff")
    async def home() -> RedirectResponse:
        return RedirectResponse("/staff/bookings", status_code=303)

    @router.get("/staff/bookings")
    async def bookings(
        request: Request, day: str | None = None, view: str = "day", provider: str | None = None
    ) -> HTMLResponse:
        return await board_page(request, day_text=day, view=view, provider=provider)

    @router.post("/staff/bookings")
    async def add_booking(request: Request) -> Response:
        form = await read_form(request)
        svc = console.booking()
        try:
            slot = actions.make_slot(
                svc,
                form.get("provider", ""),
                form.get("visit_type", ""),
                actions.parse_start(form.get("date", ""), form.get("time", "")),
            )
            patient = actions.patient_from(
                form.get("name", ""), form.get("dob", ""), form.get("phone")
            )
            appt = await actions.book_by_hand(svc, slot, patient, session_of(request).user.username)
        except BookingError as err:
            return await board_page(
                request,
                day_text=form.get("date"),
                view="day",
                provider=form.get("provider"),
                error="Could not add the booking: " + message_for(err),
                status=status_for(err),
                form=form,
            )
        log.info("staff %s added booking %s", session_of(request).user.username, appt.id)
        console.on_booking_change()
        return RedirectResponse(
            f"/staff/bookings?day={appt.slot.start.date()}&notice=added", status_code=303
        )

    async def render_booking(
        request: Request, appointment_id: str, err: BookingError | None = None
    ) -> HTMLResponse:
        """One booking's page; with `err`, the page again after a failed change to it."""
        svc = console.booking()
        try:
            appt = await svc.get_appointment(appointment_id)
        except BookingError as lookup_err:
            status = status_for(lookup_err) if err is None else 404
            raise HTTPException(status_code=status, detail="no such booking") from None
        if err is None:
            notice = NOTICES.get(request.query_params.get("notice", ""))
            return console.render(
                request, "booking.html", session_of(request), appt=appt, notice=notice, error=None
            )
        return console.render(
            request,
            "booking.html",
            session_of(request),
            status_code=status_for(err),
            appt=appt,
            notice=None,
            error=message_for(err),
        )

    @router.get("/staff/bookings/{appointment_id}")
    async def booking_page(request: Request, appointment_id: str) -> HTMLResponse:
        return await render_booking(request, appointment_id)

    @router.post("/staff/bookings/{appointment_id}/cancel")
    async def cancel(request: Request, appointment_id: str) -> Response:
        svc = console.booking()
        try:
            appt = await svc.cancel(appointment_id)
        except BookingError as err:
            return await render_booking(request, appointment_id, err)
        log.info("staff %s cancelled booking %s", session_of(request).user.username, appt.id)
        console.on_booking_change()
        return RedirectResponse(
            f"/staff/bookings?day={appt.slot.start.date()}&notice=cancelled", status_code=303
        )

    @router.post("/staff/bookings/{appointment_id}/reschedule")
    async def move(request: Request, appointment_id: str) -> Response:
        form = await read_form(request)
        svc = console.booking()
        try:
            start = actions.parse_start(form.get("date", ""), form.get("time", ""))
            appt = await actions.reschedule(
                svc, appointment_id, start, session_of(request).user.username
            )
        except BookingError as err:
            return await render_booking(request, appointment_id, err)
        log.info(
            "staff %s moved booking %s -> %s",
            session_of(request).user.username,
            appointment_id,
            appt.id,
        )
        console.on_booking_change()
        return RedirectResponse(f"/staff/bookings/{appt.id}?notice=moved", status_code=303)

    @router.post("/staff/holds/{hold_id}/confirm")
    async def confirm(request: Request, hold_id: str) -> Response:
        form = await read_form(request)
        svc = console.booking()
        try:
            patient = actions.patient_from(
                form.get("name", ""), form.get("dob", ""), form.get("phone")
            )
            appt = await actions.confirm_hold(svc, hold_id, patient)
        except BookingError as err:
            return await board_page(
                request,
                day_text=form.get("day"),
                view="day",
                provider=None,
                error="Could not confirm the hold: " + message_for(err),
                status=status_for(err),
            )
        log.info("staff %s confirmed hold %s", session_of(request).user.username, hold_id)
        console.on_booking_change()
        return RedirectResponse(f"/staff/bookings/{appt.id}?notice=confirmed", status_code=303)

    @router.post("/staff/holds/{hold_id}/release")
    async def release(request: Request, hold_id: str) -> Response:
        form = await read_form(request)
        if await console.booking().release(hold_id):  # logged like every other change
            log.info("staff %s released hold %s", session_of(request).user.username, hold_id)
        day = form.get("day", "")
        return RedirectResponse(f"/staff/bookings?day={day}&notice=released", status_code=303)

    @router.get("/staff/search")
    async def search_form(request: Request) -> HTMLResponse:
        return console.render(
            request, "search.html", session_of(request), results=None, error=None, form={}
        )

    # POST, so a name and date of birth never appear in a URL or an access log.
    @router.post("/staff/search")
    async def search(request: Request) -> HTMLResponse:
        form = await read_form(request)
        svc = console.booking()
        name, dob = form.get("name", "").strip(), form.get("dob", "").strip()
        error, results, status = None, None, 200
        try:
            if not name and not dob:
                raise actions.InvalidRequest("enter a name, a date of birth, or both")
            results = await _search(svc, name, dob)
        except BookingError as err:
            error, status = message_for(err), status_for(err)
        return console.render(
            request,
            "search.html",
            session_of(request),
            status_code=status,
            results=results,
            error=error,
            form=form,
        )

    @router.get("/staff/calls")
    async def calls(request: Request) -> HTMLResponse:
        records = await console.booking().list_calls(limit=200)
        rows = [
            {
                "record": r,
                "duration": _duration(r),
                "interruptions": timeline.interruption_count(r.events, r.metrics),
            }
            for r in records
        ]
        return console.render(request, "calls.html", session_of(request), rows=rows)

    @router.get("/staff/calls/{call_id}")
    async def call_page(request: Request, call_id: str) -> HTMLResponse:
        record = await console.booking().get_call(call_id)
        if record is None:
            raise HTTPException(status_code=404, detail="no such call")
        tracks: dict[str, list[dict[str, object]]] = {}
        for item in record.transcript:
            tracks.setdefault(str(item.get("track") or "booking"), []).append(item)
        return console.render(
            request,
            "call.html",
            session_of(request),
            record=record,
            tracks=tracks,
            duration=_duration(record),
            interruptions=timeline.interruption_count(record.events, record.metrics),
            timeline_svg=timeline.svg(record.transcript, record.events, duration=_duration(record)),
            marks=timeline.marks(record.events),
            has_recording=_recording_file(console, record.recording_path) is not None,
        )

    @router.get("/staff/calls/{call_id}/recording")
    async def recording(call_id: str) -> FileResponse:
        record = await console.booking().get_call(call_id)
        path = _recording_file(console, record.recording_path if record else None)
        if path is None:
            raise HTTPException(status_code=404, detail="no recording for this call")
        media = AUDIO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return FileResponse(
            path,
            media_type=media or "application/octet-stream",
            headers={"Cache-Control": "no-store"},
        )

    @router.get("/staff/callbacks")
    async def callbacks(request: Request) -> HTMLResponse:
        items = await console.booking().list_callback_requests()
        return console.render(
            request,
            "callbacks.html",
            session_of(request),
            items=items,
            notice=NOTICES.get(request.query_params.get("notice", "")),
        )

    @router.post("/staff/callbacks/{request_id}/status")
    async def callback_status(request: Request, request_id: str) -> Response:
        form = await read_form(request)
        try:
            await console.booking().set_callback_status(request_id, form.get("status", ""))
        except BookingError as err:
            raise HTTPException(status_code=status_for(err), detail=message_for(err)) from None
        return RedirectResponse("/staff/callbacks?notice=callback", status_code=303)

    @router.get("/staff/account")
    async def account(request: Request) -> HTMLResponse:
        session = session_of(request)
        tokens = await console.store.list_api_tokens(session.user)
        return console.render(
            request,
            "account.html",
            session,
            tokens=tokens,
            new_token=None,
            notice=NOTICES.get(request.query_params.get("notice", "")),
        )

    @router.post("/staff/account/tokens")
    async def new_token(request: Request) -> HTMLResponse:
        session = session_of(request)
        form = await read_form(request)
        token = await console.store.create_api_token(
            session.user, form.get("label", ""), console.now()
        )
        tokens = await console.store.list_api_tokens(session.user)
        log.info("staff %s created an API token", session.user.username)
        return console.render(
            request, "account.html", session, tokens=tokens, new_token=token, notice=None
        )

    @router.post("/staff/account/tokens/{token_id}/revoke")
    async def revoke(request: Request, token_id: int) -> RedirectResponse:
        await console.store.revoke_api_token(session_of(request).user, token_id)
        return RedirectResponse("/staff/account?notice=token", status_code=303)

    return router


async def _search(svc: actions.BookingService, name: str, dob: str) -> list[actions.Appointment]:
    if name and dob:
        return await svc.find_appointments(
            name, actions.parse_dob(dob), include_past=True, include_cancelled=True
        )
    everything = await svc.list_appointments(include_cancelled=True)
    if dob:
        wanted = actions.parse_dob(dob)
        return [a for a in everything if a.patient_dob == wanted]
    needle = " ".join(name.lower().split())
    return [a for a in everything if needle in a.patient_name.lower()]


def _duration(record: object) -> float | None:
    start, end = getattr(record, "started_at", None), getattr(record, "ended_at", None)
    return (end - start).total_seconds() if start and end else None


def _recording_file(console: Console, recorded: str | None) -> Path | None:
    """The recording, only if it is a regular audio file inside the recordings root."""
    if not recorded:
        return None
    root = console.options.recordings_root.resolve()
    path = Path(recorded)
    path = (path if path.is_absolute() else Path.cwd() / path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    if path.suffix.lower() not in AUDIO_TYPES:
        return None
    return path


__all__ = ["CONSOLE_HEADERS", "console_router"]
