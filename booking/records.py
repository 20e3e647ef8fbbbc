"""Call records and callback requests: storage for what the agent and staff console log."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from booking import schema as t
from booking.db import Database
from booking.errors import InvalidRequest, NotFound
from booking.models import CallbackRequest, CallRecord

_JSON_FIELDS = ("transcript", "corrections", "tool_calls", "events", "metrics", "state")
CALLBACK_STATUSES = ("open", "done", "cancelled")


async def save_call(db: Database, record: CallRecord) -> None:
    if not record.id or not record.room:
        raise InvalidRequest("a call record needs an id and a room")
    values: dict[str, Any] = {
        "room": record.room,
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "outcome": str(record.outcome),
        "caller": record.caller,
        "recording_path": record.recording_path,
    }
    values.update({f: getattr(record, f) for f in _JSON_FIELDS})
    # Update-then-insert keeps this portable; the agent is the only writer of a given call.
    async with db.write() as conn:
        result = await conn.execute(
            sa.update(t.call_records).where(t.call_records.c.id == record.id).values(**values)
        )
        if result.rowcount == 0:
            await conn.execute(sa.insert(t.call_records).values(id=record.id, **values))


async def list_calls(db: Database, limit: int = 100) -> list[CallRecord]:
    query = sa.select(t.call_records).order_by(t.call_records.c.started_at.desc()).limit(limit)
    async with db.read() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [_call(r) for r in rows]


async def get_call(db: Database, call_id: str) -> CallRecord | None:
    query = sa.select(t.call_records).where(t.call_records.c.id == call_id)
    async with db.read() as conn:
        row = (await conn.execute(query)).mappings().first()
    return _call(row) if row else None


def _call(row: Any) -> CallRecord:
    return CallRecord(
        id=row["id"],
        room=row["room"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        outcome=row["outcome"],
        caller=row["caller"],
        recording_path=row["recording_path"],
        **{f: row[f] for f in _JSON_FIELDS},
    )


async def add_callback_request(
    db: Database, now: datetime, reason: str, caller_phone: str | None, name: str | None
) -> CallbackRequest:
    if not reason.strip():
        raise InvalidRequest("a callback request needs a reason")
    req = CallbackRequest(
        id=secrets.token_hex(8),
        created_at=now,
        caller_phone=caller_phone,
        name=name,
        reason=reason.strip(),
        status="open",
    )
    async with db.write() as conn:
        await conn.execute(sa.insert(t.callback_requests).values(**req.__dict__))
    return req


async def list_callback_requests(db: Database, status: str | None = None) -> list[CallbackRequest]:
    query = sa.select(t.callback_requests).order_by(t.callback_requests.c.created_at.desc())
    if status is not None:
        query = query.where(t.callback_requests.c.status == status)
    async with db.read() as conn:
        rows = (await conn.execute(query)).mappings().all()
    return [CallbackRequest(**dict(r)) for r in rows]


async def set_callback_status(db: Database, request_id: str, status: str) -> None:
    if status not in CALLBACK_STATUSES:
        raise InvalidRequest(f"callback status must be one of {CALLBACK_STATUSES}")
    async with db.write() as conn:
        result = await conn.execute(
            sa.update(t.callback_requests)
            .where(t.callback_requests.c.id == request_id)
            .values(status=status)
        )
    if result.rowcount == 0:
        raise NotFound(f"no callback request {request_id!r}")
