"""Collects what happens in a call (tool calls, interruptions, metrics) into a `CallRecord`."""

from __future__ import annotations

import time
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


class CallRecorder:
    """Subscribes to one session's events; `build()` turns them into a CallRecord."""

    def __init__(self, session: AgentSession, *, started_at: datetime) -> None:
        self.started_at = started_at
        self.t0 = time.time()
        self.tool_calls: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.metric_events: int = 0
        session.on("function_tools_executed", self._on_tools)
        session.on("agent_false_interruption", self._on_false_interruption)
        session.on("metrics_collected", self._on_metrics)

    def event(self, kind: str, **data: Any) -> None:
        self.events.append({"type": kind, "t": round(time.time() - self.t0, 3), **data})

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
    ) -> CallRecord:
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
                interruptions += 1
                self.event("interruption", text=item.text_content or "")
            for key in LATENCY_KEYS:
                value = (item.metrics or {}).get(key)
                if isinstance(value, int | float):
                    latencies[key].append(float(value))
        metrics: dict[str, Any] = {
            "turns": state.turns,
            "interruptions": interruptions,
            "tool_calls": len(self.tool_calls),
            "metric_events": self.metric_events,
            "duration_s": round(time.time() - self.t0, 3),
        }
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
            events=sorted(self.events, key=lambda e: e["t"]),
            metrics=metrics,
            state=state.to_dict(),
            recording_path=recording_path,
        )
