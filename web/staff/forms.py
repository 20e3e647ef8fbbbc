"""Urlencoded form bodies, parsed without python-multipart (the console posts nothing else)."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import HTTPException, Request

MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    """The request's form fields (last value wins). Cached on the request: the CSRF check and
    the endpoint both read it."""
    cached = getattr(request.state, "staff_form", None)
    if cached is not None:
        return dict(cached)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(status_code=413, detail="form too large")
    if body and kind != "application/x-www-form-urlencoded":
        raise HTTPException(
            status_code=415, detail="forms must be application/x-www-form-urlencoded"
        )
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise HTTPException(status_code=400, detail="form is not valid UTF-8") from None
    form = {k: v[-1] for k, v in parsed.items()}
    request.state.staff_form = form
    return dict(form)
