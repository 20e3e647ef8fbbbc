"""What every staff route shares: store, options, clock, the booking service, templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from booking import BookingService
from booking.clock import Clock
from web.staff.masking import mask_dob, mask_phone
from web.staff.options import StaffOptions
from web.staff.store import StaffSession, StaffStore

HERE = Path(__file__).resolve().parent

# No inline script or style anywhere in the console; the timeline SVG uses attributes only.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
CONSOLE_HEADERS = {
    "Content-Security-Policy": CONSOLE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def until(moment: datetime, now: datetime) -> str:
    """'in 4 min 10 s', 'in 2 h 5 min' or 'expired'."""
    seconds = int((moment - now).total_seconds())
    if seconds <= 0:
        return "expired"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"in {hours} h {minutes} min" if hours else f"in {minutes} min {secs} s"


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(mask_phone=mask_phone, mask_dob=mask_dob, until=until)
    return templates


@dataclass
class Console:
    options: StaffOptions
    clock: Clock | None
    booking: Callable[[], BookingService]
    templates: Jinja2Templates = field(default_factory=_templates)
    store_: StaffStore | None = None
    # Called after the console changes a booking, so webhooks go out without waiting a poll.
    on_booking_change: Callable[[], None] = lambda: None

    @property
    def store(self) -> StaffStore:
        if self.store_ is None:
            raise HTTPException(status_code=503, detail="the staff console is starting")
        return self.store_

    def now(self) -> Any:
        return (self.clock or self.booking().clock).now()

    def render(
        self,
        request: Request,
        name: str,
        session: StaffSession | None,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        context.update(
            session=session,
            user=session.user if session else None,
            csrf=session.csrf_token if session else context.get("csrf", ""),
            clinic=self.booking().clinic,
        )
        return self.templates.TemplateResponse(
            request, name, context, status_code=status_code, headers=CONSOLE_HEADERS
        )
