"""build_staff_router: the whole staff side (console, API, calendar feeds, webhooks) as one
APIRouter that web/app.py includes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse

from booking import BookingService
from booking.clock import Clock
from web.staff.admin import WEBHOOK_SECRET_KEY, WEBHOOK_URL_KEY, admin_router
from web.staff.api import api_router
from web.staff.auth import api_guards, page_guards
from web.staff.calendar_feed import calendar_router
from web.staff.context import HERE, Console
from web.staff.login import login_router
from web.staff.masking import install_log_filter
from web.staff.options import StaffOptions
from web.staff.pages import console_router
from web.staff.store import StaffError, StaffStore
from web.staff.webhooks import WebhookSender, WebhookTarget

log = logging.getLogger("web.staff")
BOOTSTRAP_ADMIN = "admin"
STATIC_FILES = {"staff.css": "text/css", "staff.js": "text/javascript"}


async def bootstrap_admin(store: StaffStore, password: str | None, now: datetime) -> None:
    """First start: with STAFF_PASSWORD set and no accounts yet, create `admin` with it, so
    `make run` gives a console one can sign in to."""
    if await store.list_users():
        return
    if not password:
        log.warning(
            "no staff accounts yet: create one with "
            "`python -m booking staff add NAME --role admin` (or set STAFF_PASSWORD)"
        )
        return
    try:
        await store.add_user(BOOTSTRAP_ADMIN, password, "admin", now)
    except StaffError as err:
        log.error("STAFF_PASSWORD was not used for the first admin account: %s", err)
        return
    log.info("created the first staff account %r (admin) from STAFF_PASSWORD", BOOTSTRAP_ADMIN)


def build_staff_router(
    settings: Any,
    booking: Callable[[], BookingService],
    *,
    options: StaffOptions | None = None,
    clock: Clock | None = None,
) -> APIRouter:
    """`settings` is web's WebSettings (only read for forward compatibility); `booking()`
    returns the app's open service inside requests and after startup. `clock` defaults to the
    booking service's clock (sessions and lockouts follow it; webhooks use the wall clock)."""
    options = options or StaffOptions.from_env()
    console = Console(options=options, clock=clock, booking=booking)
    install_log_filter("web.staff", "web.staff.webhooks")

    async def webhook_target() -> WebhookTarget | None:
        store = console.store
        url = await store.get_setting(WEBHOOK_URL_KEY) or options.webhook_url
        secret = await store.get_setting(WEBHOOK_SECRET_KEY) or options.webhook_secret
        return WebhookTarget(url, secret) if url and secret else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc = booking()
        console.store_ = await StaffStore.open(svc.db, options)
        await bootstrap_admin(
            console.store_, getattr(settings, "staff_password", None), svc.clock.now()
        )
        sender = WebhookSender(console.store_, booking, webhook_target)
        console.on_booking_change = sender.poke
        app.state.staff_webhooks = sender
        sender.start()
        try:
            yield
        finally:
            await sender.stop()
            console.store_ = None

    staff_session, admin_session = page_guards(console)
    api_user, api_admin = api_guards(console)

    router = APIRouter(lifespan=lifespan)

    @router.get("/staff/static/{name}", include_in_schema=False)
    async def static(name: str) -> FileResponse:
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404, detail="not found")
        return FileResponse(
            HERE / "static" / name,
            media_type=STATIC_FILES[name],
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    router.include_router(login_router(console, staff_session))
    router.include_router(console_router(console, staff_session))
    router.include_router(admin_router(console, admin_session))
    router.include_router(api_router(console, api_user, api_admin))
    router.include_router(calendar_router(console))
    return router
