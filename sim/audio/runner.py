"""Audio mode: run scenarios through a real AgentSession with a virtual patient in real time.

Per scenario: a fresh SQLite clinic at the scenario's `today`, one call built by
`agent.call.build_call` (or the stand-in), the in-process mic/speaker attached, the patient
played to the end, the call finished, expectations checked, metrics computed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from livekit.agents.voice import AgentSession
from livekit.agents.voice.transcription import TranscriptSynchronizer

from . import timeline as tl
from .clock import RealClock
from .io import HeardTextOutput, PatientAudioInput, SpeakerOutput
from .metrics import CallMetrics, compute
from .patient import PatientOptions, StepRecord, VirtualPatient
from .script import Script, ScriptError, from_dict

log = logging.getLogger("sim.audio")

AgentKind = Literal["real", "standin"]


class SimCall(Protocol):
    session: AgentSession

    async def start(self) -> None: ...
    async def handle_dtmf(self, digits: str) -> None: ...
    async def finish(self, outcome: str | None = None) -> Any: ...


@dataclass(frozen=True)
class RunOptions:
    preset: str | None = None  # TURN_PRESET for the call; None = the agent's default
    agent: AgentKind = "real"
    plot_dir: Path | None = None
    patient: PatientOptions = field(default_factory=PatientOptions)
    settle_s: float = 0.5  # after hangup, let in-flight events land before closing


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


def _build_call(booking: Any, opts: RunOptions, session_id: str) -> SimCall:
    if opts.preset is not None:
        os.environ["TURN_PRESET"] = opts.preset  # read by the call factory (INTERFACES.md)
    if opts.agent == "standin":
        from .standin import build_standin_call

        return build_standin_call()
    from agent.call import build_call  # type: ignore[import-not-found]
    from agent.speech import build_engines

    call: SimCall = build_call(
        booking=booking,
        session_id=session_id,
        room_name=f"sim-{session_id}",
        engines=build_engines(),
    )
    return call


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
    from sim.scenario import load_scenario
    from sim.world import scenario_world

    raw = yaml.safe_load(await asyncio.to_thread(path.read_text))
    script = from_dict(raw, path)
    scenario = load_scenario(path)
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
    cpu0 = time.process_time()
    t0 = clock.now()
    # the greeting is awaited inside start(): the patient listens while it plays
    start = asyncio.create_task(call.start(), name="sim-call-start")
    try:
        await _wait_started(session, start)
        await patient.run(rendered)
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


def expand(paths: Sequence[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.yaml")))
        elif p.exists():
            out.append(p)
        else:
            raise ScriptError(f"{p}: no such scenario file or directory")
    return out


def summarize(results: Sequence[ScenarioResult]) -> dict[str, Any]:
    from .aggregate import aggregate

    return aggregate(results)


async def run_many(paths: Sequence[Path], opts: RunOptions) -> list[ScenarioResult]:
    results = []
    for p in paths:
        log.info("audio scenario %s (preset %s)", p, opts.preset)
        results.append(await run_scenario(p, opts))
    return results


def run_paths(
    paths: Sequence[str | Path],
    *,
    preset: str | None = None,
    json_out: Path | None = None,
    plot: bool | Path = False,
    agent: AgentKind = "real",
) -> int:
    """Entry point for `python -m sim run ... --mode audio`. Returns the exit code."""
    files = expand(paths)
    for f in files:  # bad input fails before any call starts
        from_dict(yaml.safe_load(f.read_text()), f)
    plot_dir = (
        (Path(plot) if isinstance(plot, (str, Path)) else Path("bench/results")) if plot else None
    )
    opts = RunOptions(preset=preset, agent=agent, plot_dir=plot_dir)
    results = asyncio.run(run_many(files, opts))
    for r in results:
        status = "PASS" if r.passed else ("FAIL" if r.passed is False else "RAN ")
        m = r.metrics
        print(
            f"{status} {r.name:32s} resp_p50={_fmt(_p(m.response_ms, 50))}ms "
            f"barge_pause={_fmt(_p(m.barge_in_pause_ms, 50))}ms false_stops={m.false_stops}/"
            f"{m.overlaps_non_turn} missed={m.missed_interruptions}/{m.overlaps_turn} "
            f"cutoffs={m.cutoffs}/{m.steps_with_pause}"
        )
        for failure in r.failures:
            print(f"     - {failure}")
    summary = summarize(results)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(
            json.dumps(
                {"scenarios": [r.to_json() for r in results], "summary": summary},
                indent=1,
                default=str,
            )
        )
    return 0 if all(r.passed for r in results) else 1


def _p(xs: Sequence[float], q: float) -> float | None:
    from .metrics import percentile

    return percentile(xs, q)


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"
