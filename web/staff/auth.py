"""Who is asking: console sessions (cookie + CSRF) and API users (Bearer token), with roles."""

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from web.staff.context import Console
from web.staff.forms import read_form
from web.staff.security import same
from web.staff.store import StaffSession, StaffUser

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(auto_error=False, description="API token from `python -m booking staff token`")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def session_of(request: Request) -> StaffSession:
    """The session the page guard checked for this request (it runs before every route)."""
    return request.state.staff_session  # type: ignore[no-any-return]


def page_guards(
    console: Console,
) -> tuple[Callable[..., Awaitable[StaffSession]], Callable[..., Awaitable[StaffSession]]]:
    """Dependencies for console pages: any signed-in staff member, and admins only.
    Unsafe methods must carry the session's CSRF token (form field or header)."""

    async def staff_session(request: Request) -> StaffSession:
        token = request.cookies.get(SESSION_COOKIE, "")
        session = await console.store.get_session(token, console.now()) if token else None
        if session is None:
            target = request.url.path if request.method in SAFE_METHODS else "/staff"
            raise HTTPException(
                status_code=303,
                detail="sign in first",
                headers={"Location": "/staff/login?next=" + quote(target, safe="/")},
            )
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER) or ""
            if not sent:
                sent = (await read_form(request)).get(CSRF_FIELD, "")
            if not sent or not same(sent, session.csrf_token):
                raise HTTPException(status_code=403, detail="missing or wrong CSRF token")
        request.state.staff_session = session
        return session

    async def admin_session(
        session: Annotated[StaffSession, Depends(staff_session)],
    ) -> StaffSession:
        if not session.user.is_admin:
            raise HTTPException(status_code=403, detail="admins only")
        return session

    return staff_session, admin_session


def api_guards(
    console: Console,
) -> tuple[Callable[..., Awaitable[StaffUser]], Callable[..., Awaitable[StaffUser]]]:
    """Dependencies for the JSON API: a valid Bearer token, and an admin's token."""

    async def api_user(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> StaffUser:
        user = None
        if credentials is not None and credentials.scheme.lower() == "bearer":
            user = await console.store.user_for_api_token(credentials.credentials, console.now())
        if user is None:
            raise HTTPException(
                status_code=401,
                detail="a valid API token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return user

    async def api_admin(user: Annotated[StaffUser, Depends(api_user)]) -> StaffUser:
        if not user.is_admin:
            raise HTTPException(status_code=403, detail="admins only")
        return user

    return api_user, api_admin
