"""What happened in one simulated call, and when (call-clock seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    t: float
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


# Event kinds (one table so writers and readers agree).
AGENT_AUDIO_START = "agent_audio_start"  # first sample of a segment becomes audible
AGENT_AUDIO_PAUSE = "agent_audio_pause"
AGENT_AUDIO_RESUME = "agent_audio_resume"
AGENT_AUDIO_STALL = "agent_audio_stall"  # buffer ran dry before the segment was flushed
AGENT_AUDIO_UNSTALL = "agent_audio_unstall"
AGENT_AUDIO_END = "agent_audio_end"  # segment played to its end
AGENT_AUDIO_CLEAR = "agent_audio_clear"  # segment cut (clear_buffer)
AGENT_TRANSCRIPT = "agent_transcript"  # what was heard of a segment (synchronized)
AGENT_STATE = "agent_state"
USER_STATE = "user_state"
USER_TRANSCRIPT = "user_transcript"
TOOL_CALL = "tool_call"
FALSE_INTERRUPTION = "false_interruption"
CHAT_ITEM = "chat_item"
PATIENT_SPEECH_START = "patient_speech_start"
PATIENT_SPEECH_END = "patient_speech_end"
PATIENT_PAUSE_START = "patient_pause_start"  # a [pause N] inside an utterance
PATIENT_PAUSE_END = "patient_pause_end"
PATIENT_NOISE_START = "patient_noise_start"
PATIENT_NOISE_END = "patient_noise_end"
PATIENT_DTMF = "patient_dtmf"
PATIENT_HANGUP = "patient_hangup"
STEP_START = "step_start"


@dataclass(frozen=True)
class Span:
    start: float
    end: float
    segment: int
    ended_by: str  # agent_audio_pause | _clear | _end | _stall | open


_AUDIO_OFF = (AGENT_AUDIO_PAUSE, AGENT_AUDIO_STALL, AGENT_AUDIO_END, AGENT_AUDIO_CLEAR)


class Timeline:
    def __init__(self) -> None:
        self._events: list[Event] = []

    def add(self, t: float, kind: str, **data: Any) -> Event:
        ev = Event(t=t, kind=kind, data=data)
        self._events.append(ev)
        return ev

    def __iter__(self) -> Iterator[Event]:
        return iter(sorted(self._events, key=lambda e: e.t))

    def __len__(self) -> int:
        return len(self._events)

    def of(self, *kinds: str) -> list[Event]:
        return [e for e in self if e.kind in kinds]

    def to_json(self) -> list[dict[str, Any]]:
        return [asdict(e) for e in self]

    def agent_audible(self) -> list[tuple[float, float]]:
        """Intervals in which agent audio was actually audible."""
        return [(s.start, s.end) for s in self.audible_spans()]

    def audible_spans(self) -> list[Span]:
        """Audible stretches of agent audio, each with its segment and how it ended."""
        spans: list[Span] = []
        on: Event | None = None
        for e in self:
            if e.kind in (AGENT_AUDIO_START, AGENT_AUDIO_RESUME, AGENT_AUDIO_UNSTALL):
                if on is None:
                    on = e
            elif e.kind in _AUDIO_OFF and on is not None:
                spans.append(Span(on.t, e.t, int(on.data.get("segment", 0)), e.kind))
                on = None
        if on is not None:
            spans.append(Span(on.t, float("inf"), int(on.data.get("segment", 0)), "open"))
        return spans
