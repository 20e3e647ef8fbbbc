"""A call's timeline: who spoke when, and where the agent paused, resumed or stopped.

Reads what the agent saves in a CallRecord: transcript items {role, text, track, t[, end],
interrupted} and events {type, t[, end, who]}; agent.record writes the turn controller's marks
as `paused` / `resumed` / `stopped`. Times are seconds from the call's start.
Speech segments come from `speech` events when present, else from the transcript (each
item lasts until the next one starts, capped by a words-per-second estimate)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

SPEAKERS = ("agent", "patient")
MARK_KINDS = {"paused": "pause", "resumed": "resume", "stopped": "stop"}
_WORDS_PER_S = 2.6
_COLORS = {"agent": "#3461a8", "patient": "#2f8f5b"}
_MARK_COLORS = {"pause": "#d08a00", "resume": "#2f8f5b", "stop": "#c0392b"}


@dataclass(frozen=True)
class Segment:
    who: str
    start: float
    end: float
    text: str
    interrupted: bool


@dataclass(frozen=True)
class Mark:
    kind: str  # pause | resume | stop
    t: float
    label: str


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def speaker(role: Any) -> str:
    role = str(role or "").lower()
    return "agent" if role in ("agent", "assistant", "system") else "patient"


def _kind(event: dict[str, Any]) -> str:
    # Turn metrics write "kind", the agent's call recorder writes "type".
    return str(event.get("kind") or event.get("type") or "").lower()


def mark_kind(event: dict[str, Any]) -> str | None:
    text = _kind(event)
    if text.startswith("false_interruption"):
        return "resume" if event.get("resumed") else "pause"
    for key, value in MARK_KINDS.items():
        if text.startswith(key[:5]) or text == value:
            return value
    if "interrupt" in text:
        return "stop"
    return None


def segments(transcript: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[Segment]:
    spoken = [e for e in events if _kind(e) == "speech"]
    out: list[Segment] = []
    if spoken:
        for e in spoken:
            start, end = _num(e.get("t")), _num(e.get("end"))
            if start is not None and end is not None and end >= start:
                out.append(
                    Segment(speaker(e.get("who")), start, end, str(e.get("text", "")), False)
                )
        return out
    timed = [(i, _num(i.get("t"))) for i in transcript]
    items = [(i, t) for i, t in timed if t is not None]
    items.sort(key=lambda pair: pair[1])
    for n, (item, start) in enumerate(items):
        text = str(item.get("text", ""))
        guess = start + max(0.6, len(text.split()) / _WORDS_PER_S)
        end = _num(item.get("end"))
        if end is None:
            following = items[n + 1][1] if n + 1 < len(items) else None
            end = min(guess, following) if following is not None and following > start else guess
        out.append(
            Segment(speaker(item.get("role")), start, end, text, bool(item.get("interrupted")))
        )
    return out


def marks(events: list[dict[str, Any]]) -> list[Mark]:
    out = []
    for e in events:
        kind, t = mark_kind(e), _num(e.get("t"))
        if kind and t is not None:
            out.append(Mark(kind, t, _kind(e)))
    return sorted(out, key=lambda m: m.t)


def svg(
    transcript: list[dict[str, Any]],
    events: list[dict[str, Any]],
    width: int = 960,
    duration: float | None = None,
) -> Markup:
    segs, mks = segments(transcript, events), marks(events)
    if duration:
        # A mark far past the end of the call was timed on another clock: leave it out
        # rather than squash the whole call into a corner.
        mks = [m for m in mks if m.t <= duration + 5.0]
    total = max([s.end for s in segs] + [m.t for m in mks] + [duration or 0.0, 1.0])
    left, row_h, top = 70, 34, 16
    scale = (width - left - 10) / total
    height = top + row_h * len(SPEAKERS) + 42
    parts = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Call timeline">'
    ]
    for row, who in enumerate(SPEAKERS):
        y = top + row * row_h
        parts.append(f'<text x="4" y="{y + 20}" font-size="13" fill="#333">{who}</text>')
        parts.append(
            f'<line x1="{left}" y1="{y + row_h - 4}" x2="{width - 10}" y2="{y + row_h - 4}" '
            f'stroke="#ddd"/>'
        )
    for s in segs:
        y = top + SPEAKERS.index(s.who) * row_h + 6
        x, w = left + s.start * scale, max(2.0, (s.end - s.start) * scale)
        cls = "seg interrupted" if s.interrupted else "seg"
        outline = ' stroke="#c0392b" stroke-width="2"' if s.interrupted else ""
        parts.append(
            f'<rect class="{cls}" data-who="{s.who}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
            f'height="{row_h - 14}" rx="3" fill="{_COLORS[s.who]}"'
            f"{outline}>"
            f"<title>{escape(f'{s.start:.1f}-{s.end:.1f}s {s.who}: {s.text}')}</title></rect>"
        )
    base = top + row_h * len(SPEAKERS)
    for n, m in enumerate(mks):
        x = left + m.t * scale
        label_y = base + 12 + 11 * (n % 2)  # alternate rows so close marks stay readable
        parts.append(
            f'<g class="mark mark-{m.kind}"><line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" '
            f'y2="{base}" stroke="{_MARK_COLORS[m.kind]}" stroke-width="2" '
            f'stroke-dasharray="4 2"/><text x="{x + 2:.1f}" y="{label_y}" font-size="11" '
            f'fill="{_MARK_COLORS[m.kind]}">{m.kind}</text>'
            f"<title>{escape(f'{m.t:.2f}s {m.label}')}</title></g>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 2}" font-size="11" fill="#666">0 s</text>'
        f'<text x="{width - 60}" y="{height - 2}" font-size="11" fill="#666">{total:.1f} s</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def interruption_count(record_events: list[dict[str, Any]], metrics: dict[str, Any]) -> int:
    """Interruptions in a call: the turn metrics' figure when saved, else stop marks."""
    turn = metrics.get("turn") if isinstance(metrics.get("turn"), dict) else metrics
    value = _num(turn.get("interruptions")) if isinstance(turn, dict) else None
    if value is not None:
        return int(value)
    return sum(1 for m in marks(record_events) if m.kind == "stop")
