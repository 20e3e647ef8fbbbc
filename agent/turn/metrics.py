"""Per-call turn-taking figures for the call record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class TurnMetrics:
    overlaps: int = 0
    interruptions: int = 0
    false_interruptions: int = 0
    """Pauses that ended in a resume (backchannel or noise)."""
    backchannels: int = 0
    noise: int = 0
    dtmf: int = 0
    late_answers: int = 0
    held_turns: int = 0
    """turn_by_turn: speech over the agent kept and answered after it finished."""
    pause_latencies_ms: list[float] = field(default_factory=list)
    stop_latencies_ms: list[float] = field(default_factory=list)
    resume_latencies_ms: list[float] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def record(self, kind: str, at: float, **extra: Any) -> None:
        self.events.append({"kind": kind, "t": round(at, 3), **extra})

    def as_dict(self) -> dict[str, Any]:
        decided = self.backchannels + self.noise + self.interruptions
        return {
            "overlaps": self.overlaps,
            "interruptions": self.interruptions,
            "false_interruptions": self.false_interruptions,
            "backchannels": self.backchannels,
            "noise": self.noise,
            "dtmf": self.dtmf,
            "late_answers": self.late_answers,
            "held_turns": self.held_turns,
            "backchannel_ratio": round(self.backchannels / decided, 3) if decided else 0.0,
            "pause_latency_ms_p50": _percentile(self.pause_latencies_ms, 0.5),
            "pause_latency_ms_p95": _percentile(self.pause_latencies_ms, 0.95),
            "stop_latency_ms_p50": _percentile(self.stop_latencies_ms, 0.5),
            "stop_latency_ms_p95": _percentile(self.stop_latencies_ms, 0.95),
            "resume_latency_ms_p50": _percentile(self.resume_latencies_ms, 0.5),
            "pause_latencies_ms": [round(v, 1) for v in self.pause_latencies_ms],
            "stop_latencies_ms": [round(v, 1) for v in self.stop_latencies_ms],
            "events": list(self.events),
        }
