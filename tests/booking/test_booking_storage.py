"""Schema, migrations, call records and callback requests on SQLite and PostgreSQL."""

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from booking import BookingService, CallRecord, FixedClock, InvalidRequest, NotFound
from booking.db import head_revision
from booking.schema import slot_claims


@pytest.fixture
async def svc(db_url: str, clinic_clock: FixedClock) -> AsyncIterator[BookingService]:
    s = await BookingService.open(db_url, clock=clinic_clock)
    yield s
    await s.close()


async def test_migrations_are_versioned_and_rerunnable(db_url: str) -> None:
    for _ in range(2):
        svc = await BookingService.open(db_url)
        try:
            head = head_revision()
            assert head is not None and await svc.db.revision() == head
            await svc.db.migrate()
        finally:
            await svc.close()


async def test_database_itself_refuses_a_double_claim(svc: BookingService) -> None:
    """Bypass the service: the table's key alone must refuse a second claim on a cell."""
    await svc.add_busy("patel", datetime(2026, 3, 5, 10, 0))
    with pytest.raises(IntegrityError):
        async with svc.db.write() as conn:
            appt = (await conn.execute(sa.text("SELECT id FROM appointments LIMIT 1"))).scalar_one()
            await conn.execute(
                sa.insert(slot_claims).values(
                    provider_id="patel",
                    cell_start=datetime(2026, 3, 5, 10, 15),
                    appointment_id=appt,
                )
            )


async def test_call_records_roundtrip(svc: BookingService) -> None:
    rec = CallRecord(id="call-1", room="room-1", started_at=datetime(2026, 3, 2, 9, 0))
    await svc.save_call(rec)
    rec.transcript.append(
        {"role": "user", "text": "hi", "track": "booking", "t": 0.5, "interrupted": False}
    )
    rec.events.append({"type": "interruption", "at": datetime(2026, 3, 2, 9, 0, 3)})
    rec.metrics["p50_ms"] = 640
    rec.state = {"stage": "held"}
    rec.outcome = "booked"
    rec.ended_at = datetime(2026, 3, 2, 9, 4)
    await svc.save_call(rec)  # saving again updates, never duplicates
    await svc.save_call(CallRecord(id="call-2", room="r2", started_at=datetime(2026, 3, 2, 10)))
    got = await svc.get_call("call-1")
    assert got is not None
    assert got.outcome == "booked" and got.ended_at == rec.ended_at
    assert got.transcript == rec.transcript
    assert got.events == [{"type": "interruption", "at": "2026-03-02 09:00:03"}]
    assert got.metrics == {"p50_ms": 640} and got.state == {"stage": "held"}
    assert [c.id for c in await svc.list_calls()] == ["call-2", "call-1"]
    assert await svc.get_call("nope") is None
    with pytest.raises(InvalidRequest):
        await svc.save_call(CallRecord(id="", room="r", started_at=datetime(2026, 3, 2)))


async def test_callback_requests(svc: BookingService) -> None:
    req = await svc.add_callback_request("billing question", "555-0199", "Ann Lee")
    assert req.status == "open" and req.created_at == datetime(2026, 3, 2, 9, 0)
    await svc.set_callback_status(req.id, "done")
    assert [r.status for r in await svc.list_callback_requests()] == ["done"]
    assert await svc.list_callback_requests("open") == []
    with pytest.raises(InvalidRequest):
        await svc.set_callback_status(req.id, "maybe")
    with pytest.raises(NotFound):
        await svc.set_callback_status("missing", "done")
    with pytest.raises(InvalidRequest):
        await svc.add_callback_request("   ")
