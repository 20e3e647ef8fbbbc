"""The call timeline: speech bars from transcript times or speech events, and the
pause/resume/stop marks from the turn-taking events."""

from __future__ import annotations

from web.staff import timeline

TRANSCRIPT = [
    {"role": "agent", "text": "Hello, how can I help?", "t": 0.5},
    {"role": "patient", "text": "A checkup please", "t": 3.0},
    {"role": "agent", "text": "I have nine or ten thirty", "t": 5.0, "interrupted": True},
    {"role": "patient", "text": "Wait", "t": 6.0},
]
EVENTS = [
    {"kind": "paused", "t": 5.8},
    {"type": "false_interruption", "t": 5.9, "resumed": True},
    {"kind": "stopped", "t": 6.1},
    {"type": "interruption", "t": 6.2},
    {"kind": "tool", "t": 4.0},
]


def test_segments_from_transcript() -> None:
    segs = timeline.segments(TRANSCRIPT, EVENTS)
    assert [s.who for s in segs] == ["agent", "patient", "agent", "patient"]
    # Each item ends where the next one begins at the latest.
    assert segs[2].start == 5.0 and segs[2].end == 6.0 and segs[2].interrupted
    assert all(s.end > s.start for s in segs)


def test_speech_events_win_over_estimates() -> None:
    events = [
        {"type": "speech", "who": "agent", "t": 1.0, "end": 2.5},
        {"type": "speech", "who": "patient", "t": 2.0, "end": 3.0},
    ]
    segs = timeline.segments(TRANSCRIPT, events)
    assert [(s.who, s.start, s.end) for s in segs] == [("agent", 1.0, 2.5), ("patient", 2.0, 3.0)]


def test_marks_and_svg() -> None:
    marks = timeline.marks(EVENTS)
    assert [m.kind for m in marks] == ["pause", "resume", "stop", "stop"]
    svg = str(timeline.svg(TRANSCRIPT, EVENTS))
    assert svg.startswith("<svg") and svg.count('class="seg') == 4
    assert svg.count("mark mark-stop") == 2 and "seg interrupted" in svg


def test_text_is_escaped() -> None:
    svg = str(timeline.svg([{"role": "patient", "text": "<script>x</script>", "t": 0}], []))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_interruption_count() -> None:
    assert timeline.interruption_count(EVENTS, {"interruptions": 3}) == 3
    assert timeline.interruption_count(EVENTS, {}) == 2


def test_marks_on_another_clock_are_left_out() -> None:
    events = [{"kind": "paused", "t": 5.0}, {"kind": "stopped", "t": 987654.0}]
    svg = str(timeline.svg(TRANSCRIPT, events, duration=30.0))
    assert svg.count("mark mark-pause") == 1 and "mark-stop" not in svg
