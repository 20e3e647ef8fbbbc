"""Turn-taking metrics of one simulated call, from the patient's step records and the timeline.

Definitions (all times on the call clock, where the patient hears/produces audio):
- overlap: a `barge_in_ms` step whose first sample went out while an agent audio segment was
  open (playing, paused or waiting for TTS).
- barge-in pause latency: overlap onset -> the agent's audio stops being audible (paused or
  cleared); only for overlaps by turn steps (not backchannel/noise).
- stop latency: overlap onset -> the segment playing at onset is cleared.
- missed interruption: a turn-step overlap during which the segment playing at onset stayed
  audible for more than 1 s between onset and 1 s after the patient finished.
- false stop: a backchannel/noise overlap after which the segment playing at onset was cleared
  (cut) before the patient's next step, instead of resuming.
- false pause: the same, paused but then resumed (reported, not a failure).
- response latency: end of a turn utterance -> first new agent audio after it.
- cut-off: agent audio started between the first [pause] of an utterance and its end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from . import timeline as tl
from .patient import StepRecord
from .script import NON_TURN_KINDS

MISSED_AFTER_S = 1.0
REPLY_WINDOW_S = 10.0


@dataclass
class CallMetrics:
    overlaps_turn: int = 0
    overlaps_non_turn: int = 0
    barge_in_pause_ms: list[float] = field(default_factory=list)
    stop_ms: list[float] = field(default_factory=list)
    missed_interruptions: int = 0
    false_stops: int = 0
    false_pauses: int = 0
    response_ms: list[float] = field(default_factory=list)
    no_reply: int = 0
    steps_with_pause: int = 0
    cutoffs: int = 0
    late_barge_ins: int = 0
    frame_late_ms_max: float = 0.0
    frame_late_ms_p99: float = 0.0
    frames_late_100ms: int = 0
    call_s: float = 0.0
    cpu_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("barge_in_pause_ms", "stop_ms", "response_ms"):
            d[k] = [round(x, 1) for x in d[k]]
        return d


def _span_at(spans: Sequence[tl.Span], t: float) -> tl.Span | None:
    for s in spans:
        if s.start <= t < s.end:
            return s
    return None


def _segment_open_at(timeline: tl.Timeline, t: float) -> int | None:
    """The segment that had started and not yet ended or been cleared at `t`."""
    open_seg: int | None = None
    for e in timeline.of(tl.AGENT_AUDIO_START, tl.AGENT_AUDIO_END, tl.AGENT_AUDIO_CLEAR):
        if e.t > t:
            break
        seg = int(e.data.get("segment", 0))
        if e.kind == tl.AGENT_AUDIO_START:
            open_seg = seg
        elif seg == open_seg:
            open_seg = None
    return open_seg


def _audible_in(spans: Sequence[tl.Span], segment: int, a: float, b: float) -> float:
    total = 0.0
    for s in spans:
        if s.segment == segment:
            total += max(0.0, min(s.end, b) - max(s.start, a))
    return total


def compute(
    records: Sequence[StepRecord], timeline: tl.Timeline, lateness_s: Sequence[float]
) -> CallMetrics:
    m = CallMetrics()
    spans = timeline.audible_spans()
    clears = timeline.of(tl.AGENT_AUDIO_CLEAR)
    pauses = timeline.of(tl.AGENT_AUDIO_PAUSE)
    starts = [e.t for e in timeline.of(tl.AGENT_AUDIO_START)]
    spoken = [r for r in records if r.start is not None]

    for i, r in enumerate(spoken):
        assert r.start is not None
        end = r.end if r.end is not None else r.start
        next_start = spoken[i + 1].start if i + 1 < len(spoken) else float("inf")
        assert next_start is not None
        if r.late_barge_in:
            m.late_barge_ins += 1

        if r.barge_in_ms is not None and r.action in ("say", "noise"):
            seg_open = _segment_open_at(timeline, r.start)
            if seg_open is not None:
                seg = seg_open
                span = _span_at(spans, r.start)
                seg_clear = next((c.t for c in clears if c.data.get("segment") == seg), None)
                if r.kind in NON_TURN_KINDS:
                    m.overlaps_non_turn += 1
                    if seg_clear is not None and r.start <= seg_clear < next_start:
                        m.false_stops += 1
                    elif any(
                        p.data.get("segment") == seg and r.start <= p.t <= end + 1.0 for p in pauses
                    ):
                        m.false_pauses += 1
                else:
                    m.overlaps_turn += 1
                    if span is not None and span.ended_by in (
                        tl.AGENT_AUDIO_PAUSE,
                        tl.AGENT_AUDIO_CLEAR,
                    ):
                        m.barge_in_pause_ms.append((span.end - r.start) * 1000)
                    if seg_clear is not None and seg_clear >= r.start:
                        m.stop_ms.append((seg_clear - r.start) * 1000)
                    if _audible_in(spans, seg, r.start, end + MISSED_AFTER_S) > MISSED_AFTER_S:
                        m.missed_interruptions += 1

        if r.action == "say" and r.kind not in NON_TURN_KINDS and r.end is not None:
            reply = next((t for t in starts if r.end <= t < r.end + REPLY_WINDOW_S), None)
            if reply is not None and reply < next_start:
                m.response_ms.append((reply - r.end) * 1000)
            elif reply is None:
                m.no_reply += 1

        if r.pauses and r.end is not None:
            m.steps_with_pause += 1
            first_pause = r.pauses[0][0]
            if any(first_pause <= t < r.end for t in starts):
                m.cutoffs += 1

    if lateness_s:
        late_ms = np.asarray(lateness_s) * 1000
        m.frame_late_ms_max = float(late_ms.max())
        m.frame_late_ms_p99 = float(np.percentile(late_ms, 99))
        m.frames_late_100ms = int((late_ms > 100).sum())
    return m


def percentile(xs: Sequence[float], q: float) -> float | None:
    return float(np.percentile(np.asarray(xs), q)) if xs else None


def rate(num: int, den: int) -> float | None:
    return num / den if den else None
