"""Audio mode: run scenarios through a real AgentSession with a virtual patient in real time.

Per scenario: a fresh SQLite clinic at the scenario's `today`, one call built by
`agent.call.build_call` (or the stand-in), the in-process mic/speaker attached, the patient
played to the end, the call finished, expectations checked, metrics computed.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from livekit.agents.voice import AgentSession
from livekit.agents.voice.transcription import TranscriptSynchronizer

from . import timeline as tl
from .clock import RealClock
from .io import HeardTextOutput, PatientAudioInput, SpeakerOutput
from .metrics import CallMetrics, compute
from .patient import PatientOptions, StepRecord, VirtualPatient
from .script import Script, from_dict

log = logging.getLogger("sim.audio")


class SimCall(Protocol):
    session: AgentSession

    async def start(self) -> None: ...
    async def handle_dtmf(self, digits: str) -> None: ...
    async def finish(self, outcome: str | None = None) -> Any: ...


@dataclass(frozen=True)
class RunOptions:
    preset: str | None = None  # TURN_PRESET for the call; None = the agent's default
    plot_dir: Path | None = None
    patient: PatientOptions = field(default_factory=PatientOptions)
    settle_s: float = 0.5  # after hangup, let in-flight events land before closing


# How long a call's start (greeting) may still run after the patient's script has ended.
_START_GRACE_S = 5.0


@dataclass
class ScenarioResult:
    name: str
    path: str
    passed: bool | None  # None: no expectation checker available
    failures: list[str]
    metrics: CallMetrics
    records: list[StepRecord]
    timeline: tl.Timeline
    preset: str | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "preset": self.preset,
            "passed": self.passed,
            "failures": self.failures,
            "error": self.error,
            "metrics": self.metrics.to_json(),
            "steps": [r.__dict__ for r in self.records],
            "timeline": self.timeline.to_json(),
        }


class _Models:
    """Speech models loaded once per process (like a worker's prewarm) and shared by calls."""

    userdata: dict[str, Any] | None = None

    @classmethod
    def get(cls) -> dict[str, Any]:
        if cls.userdata is None:
            from agent.nlu import warm
            from agent.speech.warmup import load_speech_models

            cls.userdata = {"speech": load_speech_models()}
            # as the worker's prewarm does: dateparser's first read took 0.27-0.48 s on the
            # event loop in the first call with a weekday, and the patient's audio stalled
            warm()
        return cls.userdata


def _build_call(booking: Any, opts: RunOptions, session_id: str) -> SimCall:
    import inspect

    from agent.call import CallOptions, build_call
    from agent.speech import build_engines

    engines = build_engines(userdata=_Models.get())
    # the simulated caller has a keypad (scenarios' `dtmf` steps), as on a phone line
    options = CallOptions(keypad=True)
    params = inspect.signature(build_call).parameters
    if "preset" in params:  # the factory wires the turn controller itself
        factory: Any = build_call
        call: SimCall = factory(
            booking=booking,
            session_id=session_id,
            engines=engines,
            preset=opts.preset,
            options=options,
        )
        return call
    # until it does: the turn team's controller, wired as INTERFACES.md describes
    from agent.turn import InterruptionController, get_preset, preset_from_env

    preset = get_preset(opts.preset) if opts.preset else preset_from_env()
    holder: dict[str, Any] = {}
    ctrl = InterruptionController(
        preset,
        expectation=lambda: getattr(getattr(holder.get("call"), "state", None), "expecting", None),
    )
    session_opts = ctrl.session_options(turn_detector=engines.turn_detector)
    turn_handling = session_opts.pop("turn_handling")
    built = build_call(
        booking=booking,
        session_id=session_id,
        engines=engines,
        turn_handling=turn_handling,
        session_kwargs=session_opts,
        options=options,
    )
    holder["call"] = built
    ctrl.attach(built.session, built.agent)
    return built  # type: ignore[return-value]


def _subscribe(session: AgentSession, clock: RealClock, timeline: tl.Timeline) -> None:
    def on(event: str, fn: Callable[[Any], object]) -> None:
        session.on(event, fn)  # type: ignore[arg-type]

    on(
        "agent_state_changed",
        lambda ev: timeline.add(clock.now(), tl.AGENT_STATE, state=ev.new_state),
    )
    on(
        "user_state_changed",
        lambda ev: timeline.add(clock.now(), tl.USER_STATE, state=ev.new_state),
    )
    on(
        "user_input_transcribed",
        lambda ev: (
            timeline.add(clock.now(), tl.USER_TRANSCRIPT, text=ev.transcript, final=ev.is_final)
            if ev.is_final
            else None
        ),
    )
    on(
        "function_tools_executed",
        lambda ev: [
            timeline.add(clock.now(), tl.TOOL_CALL, name=c.name, arguments=c.arguments)
            for c in ev.function_calls
        ],
    )
    on(
        "agent_false_interruption",
        lambda ev: timeline.add(clock.now(), tl.FALSE_INTERRUPTION, resumed=ev.resumed),
    )
    on(
        "conversation_item_added",
        lambda ev: timeline.add(
            clock.now(),
            tl.CHAT_ITEM,
            role=getattr(ev.item, "role", None),
            text=getattr(ev.item, "text_content", None),
            interrupted=getattr(ev.item, "interrupted", None),
        ),
    )


async def run_scenario(path: Path, opts: RunOptions) -> ScenarioResult:
    from sim.scenario import parse_scenario
    from sim.world import scenario_world

    raw = yaml.safe_load(await asyncio.to_thread(path.read_text))
    script = from_dict(raw, path)
    # the shared model gives the world (today, busy, existing) and the expectations; the steps
    # are the patient's (noise-only steps are audio-only, the text model may not know them)
    talk = [
        s for s in raw["steps"] if not (isinstance(s, dict) and "noise" in s and "say" not in s)
    ]
    scenario = parse_scenario({**raw, "steps": talk or [{"hangup": True}]}, path)
    async with scenario_world(scenario) as (booking, _clinic_clock):
        return await _run_call(scenario, script, booking, opts, path)


async def _wait_started(session: AgentSession, start: asyncio.Task[None]) -> None:
    """Return once the session is running (or start() failed, re-raising its error)."""
    running = asyncio.Event()

    def on_state(ev: Any) -> None:
        if ev.new_state != "initializing":
            running.set()

    session.on("agent_state_changed", on_state)
    waiter = asyncio.create_task(running.wait())
    try:
        await asyncio.wait([waiter, start], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        session.off("agent_state_changed", on_state)
    if start.done():
        start.result()


async def _run_call(
    scenario: Any, script: Script, booking: Any, opts: RunOptions, path: Path
) -> ScenarioResult:
    from sim.expect import CallOutcome, check

    clock = RealClock()
    timeline = tl.Timeline()
    session_id = f"sim-{script.name}-{uuid.uuid4().hex[:6]}"
    preexisting = frozenset(a.id for a in await booking.list_appointments(include_cancelled=True))
    call = _build_call(booking, opts, session_id)
    session = call.session
    mic = PatientAudioInput()
    speaker = SpeakerOutput(clock, timeline)
    heard = HeardTextOutput(clock, timeline)
    sync = TranscriptSynchronizer(next_in_chain_audio=speaker, next_in_chain_text=heard)
    session.input.audio = mic
    session.output.audio = sync.audio_output
    session.output.transcription = sync.text_output
    _subscribe(session, clock, timeline)
    patient = VirtualPatient(
        script,
        mic,
        speaker,
        clock,
        timeline,
        agent_state=lambda: session.agent_state,
        on_dtmf=call.handle_dtmf,
        options=opts.patient,
    )
    rendered = await asyncio.to_thread(patient.prepare)

    error: str | None = None
    clock.restart()
    cpu0 = time.process_time()
    t0 = clock.now()
    # the greeting is awaited inside start(): the patient listens while it plays
    start = asyncio.create_task(call.start(), name="sim-call-start")
    try:
        await _wait_started(session, start)
        await patient.run(rendered)
        # the patient has hung up: a greeting still waiting on its playout (talked over by
        # babble without end) must not hold the call open until the call's own time cap
        await asyncio.wait({start}, timeout=_START_GRACE_S)
        if not start.done():
            log.warning("scenario %s: call start still pending after hangup", script.name)
            start.cancel()
        else:
            await start
    except Exception as e:  # the call broke: record it, still finish and report
        log.exception("scenario %s failed while running", script.name)
        error = f"{type(e).__name__}: {e}"
        if not start.done():
            start.cancel()
    call_s = clock.now() - t0
    hung_up = any(s.action == "hangup" for s in script.steps)
    await asyncio.sleep(opts.settle_s)
    try:
        await call.finish("dropped" if hung_up else None)
    except Exception as e:
        log.exception("finishing %s failed", script.name)
        error = error or f"finish: {type(e).__name__}: {e}"
    cpu_s = time.process_time() - cpu0
    await sync.aclose()
    await speaker.aclose()
    heard.flush()

    metrics = compute(patient.records, timeline, patient.pacer.lateness)
    metrics.call_s = call_s
    metrics.cpu_s = cpu_s
    outcome = CallOutcome(
        agent_lines=list(heard.segments),
        transferred=bool(getattr(call, "transferred", False)),
        holds_left=len(await booking.live_holds()),
        preexisting_ids=preexisting,
    )
    failures = list(await check(scenario.expect, booking, outcome))
    if error is not None:
        failures.append(error)
    if patient.timed_out:
        failures.append(f"call exceeded {opts.patient.max_call_s:.0f} s")
    result = ScenarioResult(
        name=script.name,
        path=str(path),
        passed=not failures,
        failures=failures,
        metrics=metrics,
        records=patient.records,
        timeline=timeline,
        preset=opts.preset,
        error=error,
    )
    if opts.plot_dir is not None:
        from .plot import plot_timeline

        suffix = f"-{opts.preset}" if opts.preset else ""
        plot_timeline(result, opts.plot_dir / f"{script.name}{suffix}.png")
    return result


async def _maybe_await(x: Any) -> Any:
    if asyncio.iscoroutine(x):
        return await x
    return x


async def run_many(
    paths: Sequence[Path],
    opts: RunOptions,
    concurrency: int = 1,
    on_result: Callable[[ScenarioResult], object] | None = None,
) -> list[ScenarioResult]:
    """Run scenarios, `concurrency` calls at a time (1: one after another), in input order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(p: Path) -> ScenarioResult:
        async with gate:
            log.info("audio scenario %s (preset %s)", p, opts.preset)
            result = await run_scenario(p, opts)
            if on_result is not None:
                on_result(result)
            return result

    return list(await asyncio.gather(*(one(p) for p in paths)))
