"""Pool per-call metrics into one row (one configuration of the bench, or one CLI run)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .metrics import percentile, rate

if TYPE_CHECKING:
    from .runner import ScenarioResult


def _r(x: float | None, nd: int = 1) -> float | None:
    return None if x is None else round(x, nd)


def aggregate(results: Sequence[ScenarioResult]) -> dict[str, Any]:
    ms = [r.metrics for r in results]
    pause = [x for m in ms for x in m.barge_in_pause_ms]
    stop = [x for m in ms for x in m.stop_ms]
    resp = [x for m in ms for x in m.response_ms]
    checked = [r for r in results if r.passed is not None]
    call_min = sum(m.call_s for m in ms) / 60
    return {
        "scenarios": len(results),
        "passed": sum(1 for r in results if r.passed),
        "failed": sum(1 for r in results if r.passed is False),
        "success_rate": _r(rate(sum(1 for r in checked if r.passed), len(checked)), 3),
        "barge_in_pause_ms_p50": _r(percentile(pause, 50)),
        "barge_in_pause_ms_p95": _r(percentile(pause, 95)),
        "stop_ms_p50": _r(percentile(stop, 50)),
        "stop_ms_p95": _r(percentile(stop, 95)),
        "false_stop_rate": _r(
            rate(sum(m.false_stops for m in ms), sum(m.overlaps_non_turn for m in ms)), 3
        ),
        "false_pauses": sum(m.false_pauses for m in ms),
        "missed_interruption_rate": _r(
            rate(sum(m.missed_interruptions for m in ms), sum(m.overlaps_turn for m in ms)), 3
        ),
        "response_latency_ms_p50": _r(percentile(resp, 50)),
        "response_latency_ms_p95": _r(percentile(resp, 95)),
        "cutoff_rate": _r(rate(sum(m.cutoffs for m in ms), sum(m.steps_with_pause for m in ms)), 3),
        "cpu_s_per_call_min": _r(sum(m.cpu_s for m in ms) / call_min if call_min else None, 2),
        "overlaps_turn": sum(m.overlaps_turn for m in ms),
        "overlaps_non_turn": sum(m.overlaps_non_turn for m in ms),
        "no_reply": sum(m.no_reply for m in ms),
        "frame_late_ms_max": _r(max((m.frame_late_ms_max for m in ms), default=0.0)),
        "frames_late_100ms": sum(m.frames_late_100ms for m in ms),
    }
