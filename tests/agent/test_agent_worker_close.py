"""How the worker ends a call, checked on a real text-only call with a hand-written job.

No LiveKit server here: `FakeJob` stands in for the `JobContext` parts the worker's room
wiring uses (room events, shutdown callbacks, `delete_room`, `shutdown`), so what is checked
is that the worker asks the framework to hang up, not that a SIP leg really drops.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents.voice.events import CloseEvent, CloseReason

from agent.call import Call, CallOptions, build_call
from agent.worker import _wire_room
from booking import BookingService

WAIT_S = 30.0  # a guard against a hang, not a timing claim


@dataclass
class FakeRoom:
    name: str = "room-1"
    handlers: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def on(self, event: str, handler: Callable[..., Any]) -> None:
        self.handlers[event] = handler


class FakeJob:
    def __init__(self) -> None:
        self.room = FakeRoom()
        self.deleted: list[str] = []
        self.shutdowns: list[str] = []
        self.ended = asyncio.Event()

    def add_shutdown_callback(self, callback: Callable[[], Any]) -> None:
        pass  # the real job runs it after shutdown(); Call.finish is idempotent anyway

    def delete_room(self) -> asyncio.Future[None]:
        self.deleted.append(self.room.name)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    def shutdown(self, reason: str = "user requested") -> None:
        self.shutdowns.append(reason)
        self.ended.set()


@dataclass
class FakeParticipant:
    kind: int
    identity: str = "caller"


SIP = rtc.ParticipantKind.PARTICIPANT_KIND_SIP
WEB = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD


async def _capped_call(booking: BookingService, kind: int) -> tuple[Call, FakeJob]:
    opts = CallOptions(max_call_s=0.2, filler=False)
    call = build_call(booking=booking, session_id=f"cap-{kind}", options=opts)
    job = FakeJob()
    _wire_room(job, call, FakeParticipant(kind))  # type: ignore[arg-type]
    await call.start()
    await asyncio.wait_for(job.ended.wait(), WAIT_S)
    return call, job


async def test_time_cap_hangs_up_a_phone_call(booking_service: BookingService) -> None:
    call, job = await _capped_call(booking_service, SIP)
    assert job.deleted == ["room-1"]  # deleting the room is what drops the SIP leg
    assert job.shutdowns == ["call time cap"]
    assert call.record is not None
    assert "run out of time" in call.record.transcript[-1]["text"]  # goodbye came first


async def test_time_cap_ends_a_web_call_without_deleting_the_room(
    booking_service: BookingService,
) -> None:
    _, job = await _capped_call(booking_service, WEB)
    assert job.deleted == []
    assert job.shutdowns == ["call time cap"]


async def test_a_caller_hanging_up_is_left_to_the_framework(
    booking_service: BookingService,
) -> None:
    opts = CallOptions(max_call_s=0)
    call = build_call(booking=booking_service, session_id="hangup", options=opts)
    job = FakeJob()
    _wire_room(job, call, FakeParticipant(SIP))  # type: ignore[arg-type]
    await call.start()
    call.session.emit("close", CloseEvent(reason=CloseReason.PARTICIPANT_DISCONNECTED))
    await asyncio.sleep(0)  # the worker's handler starts its finish("dropped") first
    record = await call.finish()  # the same record, once the worker's finish is done
    assert record.outcome == "dropped"
    assert job.deleted == [] and job.shutdowns == []
