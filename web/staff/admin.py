"""Admin pages: staff accounts, clinic settings (webhook), calendar feed tokens."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.staff.auth import session_of
from web.staff.context import Console
from web.staff.forms import read_form
from web.staff.store import ROLES, StaffError, StaffSession

log = logging.getLogger("web.staff")

WEBHOOK_URL_KEY = "webhook_url"
WEBHOOK_SECRET_KEY = "webhook_secret"
NOTICES = {
    "added": "Account added.",
    "removed": "Account removed.",
    "password": "Password changed; that account's sessions were ended.",
    "role": "Role changed.",
    "saved": "Settings saved.",
}


def check_webhook_url(url: str) -> str | None:
    url = url.strip()
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise StaffError("the webhook URL must be an http:// or https:// address")
    return url


def admin_router(
    console: Console, admin_session: Callable[..., Awaitable[StaffSession]]
) -> APIRouter:
    router = APIRouter(include_in_schema=False, dependencies=[Depends(admin_session)])

    async def users_page(
        request: Request, error: str | None = None, status: int = 200
    ) -> HTMLResponse:
        return console.render(
            request,
            "admin_users.html",
            session_of(request),
            status_code=status,
            users=await console.store.list_users(),
            roles=ROLES,
            error=error,
            notice=NOTICES.get(request.query_params.get("notice", "")),
        )

    @router.get("/staff/admin/users")
    async def users(request: Request) -> HTMLResponse:
        return await users_page(request)

    @router.post("/staff/admin/users")
    async def add_user(request: Request) -> Response:
        form = await read_form(request)
        try:
            user = await console.store.add_user(
                form.get("username", ""),
                form.get("password", ""),
                form.get("role", "staff"),
                console.now(),
            )
        except StaffError as err:
            return await users_page(request, str(err), 400)
        log.info(
            "admin %s added %s (%s)", session_of(request).user.username, user.username, user.role
        )
        return RedirectResponse("/staff/admin/users?notice=added", status_code=303)

    @router.post("/staff/admin/users/{username}/remove")
    async def remove_user(request: Request, username: str) -> Response:
        if username == session_of(request).user.username:
            return await users_page(request, "You cannot remove your own account.", 400)
        try:
            await console.store.remove_user(username)
        except StaffError as err:
            return await users_page(request, str(err), 400)
        log.info("admin %s removed %s", session_of(request).user.username, username)
        return RedirectResponse("/staff/admin/users?notice=removed", status_code=303)

    @router.post("/staff/admin/users/{username}/role")
    async def set_role(request: Request, username: str) -> Response:
        form = await read_form(request)
        admin = session_of(request).user.username
        # As with removal: another admin changes yours, so nobody locks themselves out.
        if username == admin:
            return await users_page(request, "You cannot change your own role.", 400)
        try:
            user = await console.store.set_role(username, form.get("role", ""))
        except StaffError as err:
            return await users_page(request, str(err), 400)
        log.info("admin %s made %s %s", admin, user.username, user.role)
        return RedirectResponse("/staff/admin/users?notice=role", status_code=303)

    @router.post("/staff/admin/users/{username}/password")
    async def set_password(request: Request, username: str) -> Response:
        form = await read_form(request)
        try:
            await console.store.set_password(username, form.get("password", ""))
        except StaffError as err:
            return await users_page(request, str(err), 400)
        return RedirectResponse("/staff/admin/users?notice=password", status_code=303)

    async def settings_page(
        request: Request,
        error: str | None = None,
        status: int = 200,
        feed_url: tuple[str, str] | None = None,
    ) -> HTMLResponse:
        store = console.store
        return console.render(
            request,
            "admin_settings.html",
            session_of(request),
            status_code=status,
            webhook_url=await store.get_setting(WEBHOOK_URL_KEY) or "",
            has_secret=bool(await store.get_setting(WEBHOOK_SECRET_KEY)),
            calendar=await store.calendar_tokens_created(),
            deliveries=await store.outbox(20),
            feed_url=feed_url,
            error=error,
            notice=NOTICES.get(request.query_params.get("notice", "")),
        )

    @router.get("/staff/admin/settings")
    async def settings(request: Request) -> HTMLResponse:
        return await settings_page(request)

    @router.post("/staff/admin/settings")
    async def save_settings(request: Request) -> Response:
        form = await read_form(request)
        try:
            url = check_webhook_url(form.get("webhook_url", ""))
        except StaffError as err:
            return await settings_page(request, str(err), 400)
        await console.store.set_setting(WEBHOOK_URL_KEY, url)
        secret = form.get("webhook_secret", "").strip()
        if form.get("clear_secret"):
            # Nothing is sent without a secret (unless STAFF_WEBHOOK_SECRET gives one).
            await console.store.set_setting(WEBHOOK_SECRET_KEY, None)
        elif secret:
            await console.store.set_setting(WEBHOOK_SECRET_KEY, secret)
        log.info("admin %s changed the webhook settings", session_of(request).user.username)
        return RedirectResponse("/staff/admin/settings?notice=saved", status_code=303)

    @router.post("/staff/admin/calendar/{provider_id}/token")
    async def calendar_token(request: Request, provider_id: str) -> HTMLResponse:
        if provider_id not in {p.id for p in console.booking().clinic.providers}:
            raise HTTPException(status_code=404, detail="no such provider")
        token = await console.store.new_calendar_token(provider_id, console.now())
        url = str(request.base_url).rstrip("/") + f"/calendar/{provider_id}.ics?token={token}"
        log.info(
            "admin %s issued a calendar token for %s",
            session_of(request).user.username,
            provider_id,
        )
        return await settings_page(request, feed_url=(provider_id, url))

    return router
