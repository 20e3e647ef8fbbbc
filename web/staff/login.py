"""Sign in and out. The login form uses a double-submit CSRF cookie (there is no session yet)."""

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.staff.auth import CSRF_FIELD, LOGIN_CSRF_COOKIE, SESSION_COOKIE, client_address
from web.staff.context import Console
from web.staff.forms import read_form
from web.staff.security import new_token, same
from web.staff.store import StaffSession

log = logging.getLogger("web.staff")


def _safe_next(target: str | None) -> str:
    # Only paths inside the console: no open redirect to another site.
    if target and target.startswith("/staff") and not target.startswith("//"):
        return target
    return "/staff/bookings"


def login_router(
    console: Console, staff_session: Callable[..., Awaitable[StaffSession]]
) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def form_page(
        request: Request, token: str, error: str | None, status: int
    ) -> HTMLResponse:
        no_accounts = not await console.store.list_users()
        response = console.render(
            request,
            "login.html",
            None,
            status_code=status,
            csrf=token,
            error=error,
            next=_safe_next(request.query_params.get("next")),
            no_accounts=no_accounts,
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=console.options.cookie_secure,
            path="/staff/login",
        )
        return response

    @router.get("/staff/login")
    async def login_form(request: Request) -> HTMLResponse:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
        return await form_page(request, token, None, 200)

    @router.post("/staff/login")
    async def login(request: Request) -> Response:
        form = await read_form(request)
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        sent = form.get(CSRF_FIELD, "")
        if not cookie or not sent or not same(cookie, sent):
            return await form_page(request, new_token(), "The form expired; please try again.", 403)
        username = form.get("username", "")
        client = client_address(request)
        result = await console.store.authenticate(
            username, form.get("password", ""), client, console.now()
        )
        if result.user is None:
            log.info(
                "staff login refused (%s) for %r from %s", result.status, username[:40], client
            )
            if result.status == "locked":
                minutes = int(console.options.lockout.total_seconds() // 60)
                message = f"Too many failed sign-ins. Try again in {minutes} minutes."
                return await form_page(request, cookie, message, 429)
            return await form_page(request, cookie, "Wrong username or password.", 401)
        token, _ = await console.store.create_session(result.user, console.now())
        log.info("staff login: %s (%s)", result.user.username, result.user.role)
        response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(console.options.session_ttl.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=console.options.cookie_secure,
            path="/",
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff/login")
        return response

    @router.post("/staff/logout")
    async def logout(
        request: Request, session: Annotated[StaffSession, Depends(staff_session)]
    ) -> RedirectResponse:
        await console.store.end_session(request.cookies.get(SESSION_COOKIE, ""))
        log.info("staff logout: %s", session.user.username)
        response = RedirectResponse("/staff/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
