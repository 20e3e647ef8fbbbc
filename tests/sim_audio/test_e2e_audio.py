"""Whole audio scenarios through the simulator: real speech stack, real booking agent, real-time.

They assert what the harness must guarantee (the call ran, audio flowed both ways, overlaps
were produced and the framework's pause/stop reached the speaker), not turn-taking quality:
that is measured by `make bench`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.audio import timeline as tl
from sim.audio.runner import RunOptions, run_scenario

pytestmark = pytest.mark.slow
AUDIO = Path(__file__).resolve().parents[1] / "scenarios" / "audio"


async def test_backchannel_scenario_runs_end_to_end() -> None:
    r = await run_scenario(AUDIO / "backchannel-mhm-okay.yaml", RunOptions(preset="natural"))
    assert r.error is None
    t = r.timeline
    assert t.of(tl.AGENT_AUDIO_START), "the agent was never heard"
    assert t.of(tl.USER_TRANSCRIPT), "the agent's STT never heard the patient"
    assert r.metrics.response_ms, "no reply to the patient's question"
    # both backchannels were timed against the agent's reply and spoken after it started
    bc = [s for s in r.records if s.kind == "backchannel"]
    assert len(bc) == 2
    for s in bc:
        assert s.reply_start is not None and s.start is not None
        assert s.start >= s.reply_start + (s.barge_in_ms or 0) / 1000 or s.late_barge_in
    assert r.metrics.overlaps_non_turn >= 1
    assert r.passed, r.failures  # no booking, no hold left: independent of turn quality


async def test_interruption_reaches_the_speaker() -> None:
    r = await run_scenario(AUDIO / "interrupt-late-in-sentence.yaml", RunOptions(preset="fast"))
    assert r.error is None
    corr = next(s for s in r.records if s.kind == "correction")
    assert corr.start is not None
    assert corr.agent_audible_at_start or corr.late_barge_in
    if corr.agent_audible_at_start:
        stopped = [
            e
            for e in r.timeline.of(tl.AGENT_AUDIO_PAUSE, tl.AGENT_AUDIO_CLEAR)
            if e.t >= corr.start
        ]
        assert stopped, "the framework never paused or cleared the agent's audio"
