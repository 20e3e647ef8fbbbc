"""Metric definitions on hand-made timelines (no audio): each number counts what it says."""

from __future__ import annotations

from sim.audio import timeline as tl
from sim.audio.metrics import compute
from sim.audio.patient import StepRecord


def rec(i: int, kind: str, start: float, end: float, barge: int | None = None, **kw) -> StepRecord:
    return StepRecord(
        index=i, action="say", kind=kind, start=start, end=end, barge_in_ms=barge, **kw
    )


def test_backchannel_that_pauses_then_resumes_is_a_false_pause_not_a_false_stop() -> None:
    t = tl.Timeline()
    t.add(1.0, tl.AGENT_AUDIO_START, segment=1)
    t.add(2.3, tl.AGENT_AUDIO_PAUSE, segment=1)
    t.add(3.0, tl.AGENT_AUDIO_RESUME, segment=1)
    t.add(6.0, tl.AGENT_AUDIO_END, segment=1)
    m = compute([rec(0, "answer", 0.0, 0.5), rec(1, "backchannel", 2.0, 2.4, 1000)], t, [])
    assert (m.overlaps_non_turn, m.false_stops, m.false_pauses) == (1, 0, 1)
    assert m.response_ms == [500.0]


def test_backchannel_that_cuts_the_reply_is_a_false_stop() -> None:
    t = tl.Timeline()
    t.add(1.0, tl.AGENT_AUDIO_START, segment=1)
    t.add(2.6, tl.AGENT_AUDIO_PAUSE, segment=1)
    t.add(3.5, tl.AGENT_AUDIO_CLEAR, segment=1)
    m = compute([rec(0, "backchannel", 2.0, 2.4, 1000)], t, [])
    assert (m.overlaps_non_turn, m.false_stops) == (1, 1)


def test_interruption_latencies_and_a_missed_one() -> None:
    t = tl.Timeline()
    t.add(1.0, tl.AGENT_AUDIO_START, segment=1)
    t.add(3.15, tl.AGENT_AUDIO_PAUSE, segment=1)  # 150 ms after the onset at 3.0
    t.add(3.9, tl.AGENT_AUDIO_CLEAR, segment=1)
    t.add(5.0, tl.AGENT_AUDIO_START, segment=2)
    t.add(12.0, tl.AGENT_AUDIO_END, segment=2)  # talked straight over the second one
    m = compute(
        [rec(0, "correction", 3.0, 4.0, 2000), rec(1, "interruption", 7.0, 8.0, 2000)], t, []
    )
    assert m.overlaps_turn == 2
    assert [round(x) for x in m.barge_in_pause_ms] == [150]
    assert [round(x) for x in m.stop_ms] == [900]
    assert m.missed_interruptions == 1
    assert [round(x) for x in m.response_ms] == [1000]


def test_agent_starting_inside_a_pause_is_a_cutoff() -> None:
    t = tl.Timeline()
    t.add(2.2, tl.AGENT_AUDIO_START, segment=1)
    t.add(3.0, tl.AGENT_AUDIO_CLEAR, segment=1)
    r = rec(0, "answer", 0.0, 3.5, pauses=[(1.5, 2.5)])
    m = compute([r], t, [])
    assert (m.steps_with_pause, m.cutoffs) == (1, 1)


def test_speech_while_the_agent_is_silent_is_no_overlap() -> None:
    t = tl.Timeline()
    t.add(1.0, tl.AGENT_AUDIO_START, segment=1)
    t.add(2.0, tl.AGENT_AUDIO_END, segment=1)
    m = compute([rec(0, "interruption", 2.5, 3.0, 5000, late_barge_in=True)], t, [0.0, 0.15])
    assert (m.overlaps_turn, m.late_barge_ins, m.frames_late_100ms) == (0, 1, 1)
