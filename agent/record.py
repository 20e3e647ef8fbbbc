"""Collects what happens in a call (tool calls, interruptions, metrics) into a `CallRecord`.

Every `t` in the record is seconds from the call's start. The framework stamps its items on
`time.time()`, the turn controller stamps its events on a monotonic clock: the recorder notes
both clocks at the same instant and puts everything on that one origin."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from statistics import median
from typing import Any

from livekit.agents import AgentSession
from livekit.agents.voice.events import (
    AgentFalseInterruptionEvent,
    FunctionToolsExecutedEvent,
    MetricsCollectedEvent,
)

from agent.state import DialogueState
from booking.models import CallRecord

# Per-reply latency figures the framework puts on assistant messages.
LATENCY_KEYS = ("e2e_latency", "llm_node_ttft", "tts_node_ttfb", "end_of_turn_delay")

# Turn controller event -> the call record's mark (the staff console's timeline draws these).
TURN_MARKS = {"paused": "paused", "resume": "resumed", "interruption": "stopped"}
# What each mark keeps of the turn event (no `words`: those stay in metrics["turn"]).
_MARK_FIELDS = ("after_ms", "verdict")


def turn_marks(turn_events: list[dict[str, Any]], origin: float) -> list[dict[str, Any]]:
    """The turn controller's pause / resume / stop, as call-record events timed from `origin`
    (the call start on the controller's clock).

    A resume is marked only while a pause is open. The framework reports a resume too
    (`framework_resume`): after the controller's own `resume` it is only an echo, but when
    the framework's timer decided alone it is the resume itself; `resumed=False` means the
    paused speech was dropped, which closes the pause without a mark."""
    out: list[dict[str, Any]] = []
    paused = False
    for e in turn_events:
        kind, at = str(e.get("kind", "")), e.get("t")
        if not isinstance(at, int | float):
            continue
        if kind == "framework_resume":
            if not e.get("resumed"):
                paused = False
                continue
            kind = "resume"
        mark = TURN_MARKS.get(kind)
        if mark is None or (mark == "resumed" and not paused):
            continue
        paused = mark == "paused"
        extra = {k: e[k] for k in _MARK_FIELDS if k in e}
        out.append({"type": mark, "t": round(at - origin, 3), "source": "turn", **extra})
    return out


class CallRecorder:
    """Subscribes to one session's events; `build()` turns them into a CallRecord."""

    def __init__(
        self,
        session: AgentSession,
        *,
        started_at: datetime,
        wall_clock: Callable[[], float] = time.time,
        turn_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`turn_clock` is the turn controller's clock (agent.turn's MonotonicClock reads
        `time.monotonic`); tests pass hand-moved clocks for both."""
        self.started_at = started_at
        self._wall = wall_clock
        self.t0 = wall_clock()
        self.turn_t0 = turn_clock()
        self.tool_calls: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.metric_events: int = 0
        session.on("function_tools_executed", self._on_tools)
        session.on("agent_false_interruption", self._on_false_interruption)
        session.on("metrics_collected", self._on_metrics)

    def event(self, kind: str, **data: Any) -> None:
        self.events.append({"type": kind, "t": round(self._wall() - self.t0, 3), **data})

    def _on_tools(self, ev: FunctionToolsExecutedEvent) -> None:
        for call, out in zip(ev.function_calls, ev.function_call_outputs, strict=False):
            self.tool_calls.append(
                {
                    "name": call.name,
                    "arguments": call.arguments,
                    "output": out.output,
                    "is_error": out.is_error,
                    "t": round(ev.created_at - self.t0, 3),
                }
            )

    def _on_false_interruption(self, ev: AgentFalseInterruptionEvent) -> None:
        self.event("false_interruption", resumed=ev.resumed)

    def _on_metrics(self, ev: MetricsCollectedEvent) -> None:
        self.metric_events += 1

    def build(
        self,
        *,
        call_id: str,
        room: str,
        caller: str | None,
        session: AgentSession,
        state: DialogueState,
        turn_tracks: list[str],
        outcome: str,
        ended_at: datetime,
        recording_path: str | None,
        turn_metrics: dict[str, Any] | None = None,
    ) -> CallRecord:
        """`turn_metrics` (the turn controller's figures, audio calls only) is saved under
        metrics["turn"], and its pause / resume / stop events become the record's marks."""
        transcript: list[dict[str, Any]] = []
        latencies: dict[str, list[float]] = {k: [] for k in LATENCY_KEYS}
        user_turn = -1
        interruptions = 0
        for item in session.history.items:
            if item.type != "message" or item.role not in ("user", "assistant"):
                continue
            if item.role == "user":
                user_turn += 1
            track = (
                turn_tracks[user_turn]
                if 0 <= user_turn < len(turn_tracks)
                else ("greeting" if user_turn < 0 else "booking")
            )
            transcript.append(
                {
                    "role": "patient" if item.role == "user" else "agent",
                    "text": item.text_content or "",
                    "track": track,
                    "t": round(item.created_at - self.t0, 3),
                    "interrupted": bool(item.interrupted),
                }
            )
            if item.role == "assistant" and item.interrupted:
                # Counted only: the item's own `interrupted` flag shows it in the transcript,
                # and the stop mark's time is the turn controller's (an event stamped here
                # would sit at the end of the call).
                interruptions += 1
            for key in LATENCY_KEYS:
                value = (item.metrics or {}).get(key)
                if isinstance(value, int | float):
                    latencies[key].append(float(value))
        metrics: dict[str, Any] = {
            "turns": state.turns,
            "interruptions": interruptions,
            "tool_calls": len(self.tool_calls),
            "metric_events": self.metric_events,
            "duration_s": round(self._wall() - self.t0, 3),
        }
        events = list(self.events)
        if turn_metrics is not None:
            metrics["turn"] = turn_metrics
            # The framework's false-interruption event is already among the turn events
            # (`framework_resume`): keep one source for the marks.
            events = [e for e in events if e.get("type") != "false_interruption"]
            events += turn_marks(list(turn_metrics.get("events") or []), self.turn_t0)
        for key, values in latencies.items():
            if values:
                metrics[f"{key}_p50"] = round(median(values), 4)
                metrics[f"{key}_max"] = round(max(values), 4)
        return CallRecord(
            id=call_id,
            room=room,
            started_at=self.started_at,
            ended_at=ended_at,
            outcome=outcome,
            caller=caller,
            transcript=transcript,
            corrections=[c.to_dict() for c in state.corrections],
            tool_calls=self.tool_calls,
            events=sorted(events, key=lambda e: e["t"]),
            metrics=metrics,
            state=state.to_dict(),
            recording_path=recording_path,
        )
