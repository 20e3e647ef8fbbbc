"""The LiveKit worker: prewarm speech models once per process, one call per room.

`python -m agent dev|start|console|connect` (the framework's CLI), agent name from
agent/name.py (AGENT_NAME). The booking service is opened once per process (DATABASE_URL, else
the project's var/clinic.db); every call is saved as a call record when it ends. Expired holds
expire lazily here; the web app that `make run` starts beside the worker sweeps them (one
sweeper per job process would repeat its work, and job processes have no hook to stop one).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from livekit import rtc
from livekit.agents import JobContext, JobProcess, WorkerOptions, cli
from livekit.agents.voice.events import CloseEvent, CloseReason

from agent.call import Call, CallOptions, build_call
from agent.dialogue.replies import FREQUENT, Replies
from agent.name import DEFAULT_AGENT_NAME, agent_name
from booking import BookingService

log = logging.getLogger("agent.worker")

_BOOKING_KEY = "booking_service"


PREWARM_NICENESS = 10  # loading models must not starve a live call on the same cores
HANG_UP_TIMEOUT_S = 5.0  # deleting the room waits on the server; the job must end regardless


def prewarm(proc: JobProcess) -> None:
    """Load the speech models once per process (speech team's prewarm).

    A new idle process warms up while another process is in a call; on a 2-core machine the
    ~60 s of model loading at normal priority made the live call's VAD fall 40 s behind. So
    loading runs at a lower CPU priority, restored afterwards when allowed.
    """
    try:
        from agent.speech import prewarm as speech_prewarm
    except ImportError:  # speech stack not installed: text-only worker still runs
        log.warning("agent.speech.prewarm unavailable; speech models load on first call")
        return
    with _lower_priority(PREWARM_NICENESS):
        speech_prewarm(proc)
        _warm_fixed_phrases(proc)
    try:
        from agent.nlu import warm

        warm()  # dateparser's first call is slow; pay it before the first caller
    except ImportError:
        pass


def _warm_fixed_phrases(proc: JobProcess) -> None:
    """Synthesise the engine's fixed sentences once, so they play from memory."""
    speech = proc.userdata.get("speech") or {}
    caches = [v for k, v in speech.items() if k.startswith("phrases_") and hasattr(v, "warm_sync")]
    if not caches:
        return
    phrases = Replies.load().fixed_phrases(FREQUENT)
    for cache in caches:
        try:
            cache.warm_sync(phrases)
        except Exception:  # a voice that cannot say one phrase must not stop the worker
            log.exception("warming fixed phrases failed")


@contextmanager
def _lower_priority(niceness: int) -> Iterator[None]:
    before = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, before + niceness)
    except OSError:
        yield
        return
    try:
        yield
    finally:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, before)
        except OSError:  # not allowed to raise priority again (non-root): stay lower
            log.warning("could not restore process priority after prewarm")


async def booking_for_process(proc: JobProcess) -> BookingService:
    """One BookingService per process and event loop (its engine is bound to the loop)."""
    loop = asyncio.get_running_loop()
    cached = proc.userdata.get(_BOOKING_KEY)
    if cached is not None and cached[0] is loop:
        svc: BookingService = cached[1]
        return svc
    # No URL: BookingService resolves $DATABASE_URL, else the project's SQLite file.
    svc = await BookingService.open()
    proc.userdata[_BOOKING_KEY] = (loop, svc)
    return svc


def _engines(proc: JobProcess, booking: BookingService) -> Any:
    from agent.speech import build_engines

    return build_engines(userdata=proc.userdata, vocabulary=clinic_vocabulary(booking))


def clinic_vocabulary(booking: BookingService) -> list[str]:
    """Words the STT should expect on this clinic's calls (names, visit types, insurers)."""
    clinic = booking.clinic
    words = [clinic.name]
    for p in clinic.providers:
        words += [p.spoken_name, p.name]
    for v in clinic.visit_types:
        words.append(v.name)
    words += list(clinic.insurance)
    return words


def _caller(participant: rtc.RemoteParticipant) -> str | None:
    attrs = participant.attributes or {}
    return attrs.get("sip.phoneNumber") or None


async def entrypoint(ctx: JobContext) -> None:
    booking = await booking_for_process(ctx.proc)
    engines = _engines(ctx.proc, booking)
    await ctx.connect()
    participant = await ctx.wait_for_participant()
    record_audio = booking.clinic.record_calls and os.environ.get("RECORD_CALLS", "1") != "0"
    call = build_call(
        booking=booking,
        session_id=f"{ctx.room.name}-{ctx.job.id}",
        room_name=ctx.room.name,
        caller=_caller(participant),
        engines=engines,
        preset=os.environ.get("TURN_PRESET") or None,
        options=CallOptions(
            record_audio=record_audio,
            keypad=participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP,
        ),
    )
    _wire_room(ctx, call, participant)
    _wire_phone(ctx, call, participant, booking)
    record: bool | dict[str, bool] = False
    if record_audio:
        record = {"audio": True, "traces": False, "logs": False, "transcript": False}
    await call.start(room=ctx.room, record=record)


def _wire_phone(
    ctx: JobContext, call: Call, participant: rtc.RemoteParticipant, booking: BookingService
) -> None:
    """Staff hand-off for every call (SIP transfer when the caller came through a SIP service
    and a staff number is configured, else a callback request); for phone callers also the
    silence timeout. Helpers from the phone team (phone/telephony.py)."""
    from phone.telephony import JobContextLine, SilenceWatch, reach_staff

    is_sip = participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP

    async def handoff(reason: str) -> str:
        out = await reach_staff(
            book=booking,
            reason=reason,
            caller=call.caller,
            participant_identity=participant.identity if is_sip else None,
            transfer_to=os.environ.get("STAFF_TRANSFER_NUMBER") or booking.clinic.transfer_number,
            line=JobContextLine(ctx) if is_sip else None,
        )
        call.recorder.event("staff_handoff", how=out.how, detail=out.detail, id=out.callback_id)
        return str(out.how)

    call.ops.staff_handoff = handoff
    if is_sip:

        async def hang_up() -> None:
            await call.finish()
            await end_job(ctx, "caller silent", is_sip=True)

        SilenceWatch(call.session.say, hang_up).attach(call.session)


async def end_job(ctx: JobContext, reason: str, *, is_sip: bool) -> None:
    """End the job once the agent is done with a caller who is still on the line.

    The session closing does not end the job or the room (the framework's
    `delete_room_on_close` is off), so without this the caller sits on a silent line. For a
    phone call the room is deleted: that is what hangs up the SIP leg. A web caller's page
    sees the agent leave when the job shuts down.
    """
    if is_sip:
        try:
            await asyncio.wait_for(ctx.delete_room(), HANG_UP_TIMEOUT_S)
        except Exception:  # a room the server cannot delete must not keep the job alive
            log.warning("deleting room %s failed; shutting the job down anyway", ctx.room.name)
    ctx.shutdown(reason)


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
    is_sip = participant.kind == rtc.ParticipantKind.PARTICIPANT_KIND_SIP

    async def after_close(hung_up: bool) -> None:
        await call.finish("dropped" if hung_up else None)
        if call.state.time_up and not hung_up:
            # The time cap said its goodbye and closed the session: now end the call itself.
            await end_job(ctx, "call time cap", is_sip=is_sip)

    def on_close(ev: CloseEvent) -> None:
        # The framework closes the session itself when the caller leaves: that is a hangup.
        hung_up = ev.reason in (CloseReason.PARTICIPANT_DISCONNECTED, CloseReason.ERROR)
        spawn(after_close(hung_up))

    call.session.on("close", on_close)

    async def on_shutdown() -> None:
        await call.finish()

    ctx.add_shutdown_callback(on_shutdown)


@dataclass(frozen=True)
class WorkerSettings:
    """Process settings, from the environment (defaults suit a shared 2-core machine)."""

    init_timeout_s: float = 180.0  # prewarm loads whisper, piper, VAD, EOT: ~20 s on 2 cores
    idle_processes: int = 1  # each warm process holds every model
    http_port: int = 8081  # 0 = any free port (tests beside `make run`)
    max_calls: int = 4  # capacity by calls, not by other programs' CPU
    agent_name: str = DEFAULT_AGENT_NAME  # the name tokens dispatch (agent/name.py)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerSettings:
        env = os.environ if env is None else env
        d = cls()
        return cls(
            init_timeout_s=float(env.get("AGENT_INIT_TIMEOUT_S", d.init_timeout_s)),
            idle_processes=int(env.get("AGENT_IDLE_PROCESSES", d.idle_processes)),
            http_port=int(env.get("AGENT_HTTP_PORT", d.http_port)),
            max_calls=max(1, int(env.get("AGENT_MAX_CALLS", d.max_calls))),
            agent_name=agent_name(env),
        )


def worker_options(settings: WorkerSettings | None = None) -> WorkerOptions:
    s = settings or WorkerSettings.from_env()

    def load(server: Any) -> float:
        return min(1.0, len(server.active_jobs) / s.max_calls)

    return WorkerOptions(
        entrypoint_fnc=entrypoint,
        prewarm_fnc=prewarm,
        agent_name=s.agent_name,
        initialize_process_timeout=s.init_timeout_s,
        num_idle_processes=s.idle_processes,
        port=s.http_port,
        load_fnc=load,
        load_threshold=0.99,
    )


def main() -> None:
    cli.run_app(worker_options())
