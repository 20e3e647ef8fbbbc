"""The LiveKit worker: prewarm speech models once per process, one call per room.

`python -m agent dev|start|console|connect` (the framework's CLI), agent name
`clinic-receptionist`. The booking service is opened once per process (DATABASE_URL, else
var/clinic.db); every call is saved as a call record when it ends.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from livekit import rtc
from livekit.agents import JobContext, JobProcess, WorkerOptions, cli

from agent.call import Call, CallOptions, build_call
from booking import BookingService

log = logging.getLogger("agent.worker")

AGENT_NAME = "clinic-receptionist"
DEFAULT_DB = Path("var/clinic.db")
_BOOKING_KEY = "booking_service"


def prewarm(proc: JobProcess) -> None:
    """Load the speech models once per process (speech team's prewarm)."""
    try:
        from agent.speech import prewarm as speech_prewarm
    except ImportError:  # speech stack not installed: text-only worker still runs
        log.warning("agent.speech.prewarm unavailable; speech models load on first call")
        return
    speech_prewarm(proc)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    DEFAULT_DB.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{DEFAULT_DB.resolve()}"


async def booking_for_process(proc: JobProcess) -> BookingService:
    """One BookingService per process and event loop (its engine is bound to the loop)."""
    loop = asyncio.get_running_loop()
    cached = proc.userdata.get(_BOOKING_KEY)
    if cached is not None and cached[0] is loop:
        svc: BookingService = cached[1]
        return svc
    svc = await BookingService.open(database_url())
    proc.userdata[_BOOKING_KEY] = (loop, svc)
    return svc


def _engines(proc: JobProcess) -> Any:
    from agent.speech import build_engines

    return build_engines(userdata=proc.userdata)


def _turn_handling() -> dict[str, Any] | None:
    try:
        from agent.turn import preset_from_env, turn_handling_options
    except ImportError:
        return None  # turn team's presets not present: framework defaults
    options: dict[str, Any] = dict(turn_handling_options(preset_from_env()))
    return options


def _caller(participant: rtc.RemoteParticipant) -> str | None:
    attrs = participant.attributes or {}
    return attrs.get("sip.phoneNumber") or None


async def entrypoint(ctx: JobContext) -> None:
    booking = await booking_for_process(ctx.proc)
    engines = _engines(ctx.proc)
    await ctx.connect()
    participant = await ctx.wait_for_participant()
    record_audio = booking.clinic.record_calls and os.environ.get("RECORD_CALLS", "1") != "0"
    call = build_call(
        booking=booking,
        session_id=f"{ctx.room.name}-{ctx.job.id}",
        room_name=ctx.room.name,
        caller=_caller(participant),
        engines=engines,
        turn_handling=_turn_handling(),
        options=CallOptions(record_audio=record_audio),
    )
    _wire_room(ctx, call, participant)
    record: bool | dict[str, bool] = False
    if record_audio:
        record = {"audio": True, "traces": False, "logs": False, "transcript": False}
    await call.start(room=ctx.room, record=record)


def _wire_room(ctx: JobContext, call: Call, participant: rtc.RemoteParticipant) -> None:
    tasks: set[asyncio.Task[Any]] = set()

    def spawn(coro: Any) -> None:
        task = asyncio.create_task(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def on_dtmf(ev: rtc.SipDTMF) -> None:
        spawn(call.handle_dtmf(ev.digit))

    def on_left(p: rtc.RemoteParticipant) -> None:
        if p.identity == participant.identity:
            spawn(call.finish("dropped"))  # the caller hung up: holds go, outcome inferred

    ctx.room.on("sip_dtmf_received", on_dtmf)
    ctx.room.on("participant_disconnected", on_left)
    call.session.on("close", lambda _ev: spawn(call.finish()))

    async def on_shutdown() -> None:
        await call.finish()

    ctx.add_shutdown_callback(on_shutdown)


def worker_options() -> WorkerOptions:
    return WorkerOptions(entrypoint_fnc=entrypoint, prewarm_fnc=prewarm, agent_name=AGENT_NAME)


def main() -> None:
    cli.run_app(worker_options())
