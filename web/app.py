"""The clinic's one ASGI app: patient room page, token endpoint, staff console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from booking import BookingService, start_sweeper, stop_sweeper
from booking.clock import Clock
from web.settings import WebSettings
from web.staff import build_staff_router
from web.tokens import mint_patient_token

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
# livekit-client comes from npm (web/frontend/package-lock.json, `make` runs `npm ci`);
# its ESM build is self-contained, so the page imports this one file.
LIVEKIT_CLIENT_JS = (
    WEB_DIR / "frontend" / "node_modules" / "livekit-client" / "dist" / "livekit-client.esm.mjs"
)

# The patient page loads nothing from other origins; media and signalling go to LiveKit.
PATIENT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss: http: https:; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


class TokenRequest(BaseModel):
    name: str = Field(default="Patient", min_length=1, max_length=60)


def create_app(settings: WebSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """`clock` (default: the clinic's wall clock) is the booking service's and the console's;
    tests pass one so that "today" and "in the past" do not depend on when they run."""
    settings = settings or WebSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One booking service per process, shared by the staff console's requests;
        # it creates and seeds the schema when the database is empty.
        service = await BookingService.open(settings.database_url, clock=clock)
        app.state.booking = service
        # This is the stack's one long-lived service (the worker's job processes only expire
        # holds lazily), so it keeps hold statuses accurate; the first sweep runs at once.
        sweeper = app.state.sweeper = start_sweeper(service)
        try:
            yield
        finally:
            await stop_sweeper(sweeper)
            await service.close()

    app = FastAPI(title="Maple Street Family Clinic", lifespan=lifespan, docs_url=None)
    app.state.settings = settings

    def booking() -> BookingService:
        service: BookingService | None = getattr(app.state, "booking", None)
        if service is None:
            raise HTTPException(status_code=503, detail="the booking service is starting")
        return service

    @app.get("/", include_in_schema=False)
    async def patient_page() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "index.html",
            headers={"Content-Security-Policy": PATIENT_CSP, "Cache-Control": "no-cache"},
        )

    @app.get("/static/vendor/livekit-client.esm.mjs", include_in_schema=False)
    async def livekit_client() -> FileResponse:
        if not LIVEKIT_CLIENT_JS.is_file():
            raise HTTPException(
                status_code=503,
                detail="livekit-client is not installed: run `make setup` (npm ci in web/frontend)",
            )
        return FileResponse(LIVEKIT_CLIENT_JS, media_type="text/javascript")

    @app.post("/api/token")
    async def token(body: TokenRequest | None = None) -> dict[str, str]:
        name = (body.name if body else "Patient").strip() or "Patient"
        return mint_patient_token(settings, display_name=name).as_json()

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"ok": True, "booking": getattr(app.state, "booking", None) is not None}

    @app.exception_handler(ValueError)
    async def bad_value(_: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(exc)})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(build_staff_router(settings, booking))
    return app
