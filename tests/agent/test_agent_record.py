"""The call record's timeline marks: the turn controller's pause / resume / stop, put on the
call's own clock (seconds from its start) next to the transcript, as the staff console shows
them. Both clocks are moved by hand, with different origins, as wall and monotonic time are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.record import CallRecorder, turn_marks
from agent.state import DialogueState
from agent.turn.clock import ManualClock
from agent.turn.metrics import TurnMetrics
from booking import CallRecord
from web.staff import timeline

WALL0 = 1_772_442_000.0  # the framework stamps items on time.time()
TURN0 = 48_213.5  # the turn controller stamps events on time.monotonic()
STARTED = datetime(2026, 3, 2, 9, 0)


@dataclass
class Item:
    role: str
    text_content: str
    created_at: float
    interrupted: bool = False
    type: str = "message"
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class History:
    items: list[Item] = field(default_factory=list)


class FakeSession:
    """What CallRecorder reads of an AgentSession: `on` and the chat history."""

    def __init__(self) -> None:
        self.handlers: dict[str, Any] = {}
        self.history = History()

    def on(self, name: str, handler: Any) -> None:
        self.handlers[name] = handler


@dataclass
class FalseInterruption:
    resumed: bool


class Call:
    def __init__(self) -> None:
        self.wall, self.turn_clock = ManualClock(WALL0), ManualClock(TURN0)
        self.session = FakeSession()
        self.turn = TurnMetrics()
        self.recorder = CallRecorder(
            self.session,  # type: ignore[arg-type]
            started_at=STARTED,
            wall_clock=self.wall.now,
            turn_clock=self.turn_clock.now,
        )

    def at(self, seconds: float) -> None:
        """Both clocks to `seconds` after the call started."""
        self.wall.advance(WALL0 + seconds - self.wall.now())
        self.turn_clock.advance(TURN0 + seconds - self.turn_clock.now())

    def says(self, role: str, text: str, *, interrupted: bool = False) -> None:
        self.session.history.items.append(Item(role, text, self.wall.now(), interrupted))

    def turn_event(self, kind: str, **extra: Any) -> None:
        self.turn.record(kind, self.turn_clock.now(), **extra)

    def build(self, *, turn: bool = True) -> CallRecord:
        return self.recorder.build(
            call_id="c1",
            room="r1",
            caller=None,
            session=self.session,  # type: ignore[arg-type]
            state=DialogueState(),
            turn_tracks=[],
            outcome="booked",
            ended_at=STARTED,
            recording_path=None,
            turn_metrics=self.turn.as_dict() if turn else None,
        )


def interrupted_call() -> Call:
    """Agent offers times; a backchannel pauses it (resumed), then a real interruption."""
    c = Call()
    c.at(0.4)
    c.says("assistant", "Maple Street Family Clinic, how can I help?")
    c.at(3.0)
    c.says("user", "A checkup on Tuesday please")
    c.at(5.0)
    c.says("assistant", "I have nine AM or ten thirty on Tuesday, which", interrupted=True)
    c.at(6.2)
    c.turn_event("barge_in_onset")
    c.at(6.4)
    c.turn_event("paused", after_ms=200)
    c.at(6.9)
    c.turn_event("overlap", verdict="backchannel", words="mhm")
    c.turn_event("resume", verdict="backchannel")
    c.turn_event("framework_resume", resumed=True)  # the framework's echo of that resume
    c.at(8.0)
    c.turn_event("paused", after_ms=180)
    c.at(8.3)
    c.turn_event("overlap", verdict="interruption", words="no wait, Wednesday")
    c.turn_event("interruption", after_ms=300)
    c.says("user", "No wait, Wednesday")
    c.at(40.0)  # the call ends much later: nothing may be stamped here
    return c


def test_turn_marks_land_at_seconds_from_the_call_start() -> None:
    record = interrupted_call().build()
    marks = [(e["type"], e["t"]) for e in record.events]
    assert marks == [("paused", 6.4), ("resumed", 6.9), ("paused", 8.0), ("stopped", 8.3)]
    assert all(e["source"] == "turn" for e in record.events)
    assert "words" not in str(record.events)  # the words stay in metrics["turn"] only
    overlaps = [e for e in record.metrics["turn"]["events"] if e["kind"] == "overlap"]
    assert [e["words"] for e in overlaps] == ["mhm", "no wait, Wednesday"]
    assert record.metrics["interruptions"] == 1
    # the transcript is on the same origin, so the stop falls inside the interrupted reply
    [cut] = [i for i in record.transcript if i["interrupted"]]
    assert cut["t"] == 5.0
    # and the console reads those names as its pause / resume / stop marks
    shown = [(m.kind, m.t) for m in timeline.marks(record.events)]
    assert shown == [("pause", 6.4), ("resume", 6.9), ("pause", 8.0), ("stop", 8.3)]


def test_without_turn_events_nothing_is_stamped_at_the_end() -> None:
    c = interrupted_call()
    c.session.handlers["agent_false_interruption"](FalseInterruption(resumed=True))
    record = c.build(turn=False)
    # the framework's own event (stamped when it came), no build-time "interruption"
    assert [(e["type"], e["t"]) for e in record.events] == [("false_interruption", 40.0)]
    assert record.metrics["interruptions"] == 1 and "turn" not in record.metrics


def test_a_resume_decided_by_the_framework_alone_is_a_mark() -> None:
    events = [
        {"kind": "paused", "t": TURN0 + 2.0},
        {"kind": "framework_resume", "t": TURN0 + 3.5, "resumed": True},
        {"kind": "paused", "t": TURN0 + 5.0},
        {"kind": "framework_resume", "t": TURN0 + 6.0, "resumed": False},
        {"kind": "resume", "t": TURN0 + 7.0},  # nothing paused any more: no mark
    ]
    assert [(e["type"], e["t"]) for e in turn_marks(events, TURN0)] == [
        ("paused", 2.0),
        ("resumed", 3.5),
        ("paused", 5.0),
    ]
