"""SpeakerOutput: plays at real pace, pauses/resumes/clears, and records when audio was heard."""

from __future__ import annotations

import asyncio

import numpy as np
from livekit import rtc

from sim.audio import timeline as tl
from sim.audio.clock import RealClock
from sim.audio.io import SpeakerOutput

SR = 24_000


def _frames(seconds: float, frame_s: float = 0.05) -> list[rtc.AudioFrame]:
    n = int(SR * frame_s)
    count = round(seconds / frame_s)
    data = (np.sin(np.arange(n) / 10) * 8000).astype(np.int16).tobytes()
    return [rtc.AudioFrame(data, SR, 1, n) for _ in range(count)]


async def _started(out: SpeakerOutput) -> None:
    ev = asyncio.Event()
    out.on("playback_started", lambda _: ev.set())
    if not out.audible:
        await ev.wait()


async def _push(out: SpeakerOutput, seconds: float) -> None:
    for f in _frames(seconds):
        await out.capture_frame(f)


async def test_plays_whole_segment_and_reports_finished() -> None:
    timeline = tl.Timeline()
    out = SpeakerOutput(RealClock(), timeline)
    started: list[float] = []
    out.on("playback_started", lambda ev: started.append(ev.created_at))
    await _push(out, 0.3)
    out.flush()
    ev = await out.wait_for_playout()
    assert not ev.interrupted
    assert abs(ev.playback_position - 0.3) < 1e-6
    assert len(started) == 1
    kinds = [e.kind for e in timeline]
    assert kinds == [tl.AGENT_AUDIO_START, tl.AGENT_AUDIO_END]
    (span,) = timeline.agent_audible()
    assert span[1] > span[0]
    await out.aclose()


async def test_pause_holds_the_playhead_and_resume_continues() -> None:
    timeline = tl.Timeline()
    out = SpeakerOutput(RealClock(), timeline)
    await _push(out, 0.4)
    out.flush()
    await _started(out)
    await asyncio.sleep(0.1)
    out.pause()
    assert not out.audible and out.busy
    await asyncio.sleep(0.2)
    out.resume()
    ev = await out.wait_for_playout()
    assert not ev.interrupted
    assert abs(ev.playback_position - 0.4) < 1e-6  # nothing skipped by the pause
    pause = timeline.of(tl.AGENT_AUDIO_PAUSE)[0]
    resume = timeline.of(tl.AGENT_AUDIO_RESUME)[0]
    # the playhead did not move while paused
    assert pause.data["position"] == resume.data["position"]
    assert 0 < pause.data["position"] < 0.4
    assert len(timeline.agent_audible()) == 2
    await out.aclose()


async def test_clear_buffer_stops_now_and_reports_interrupted_position() -> None:
    timeline = tl.Timeline()
    out = SpeakerOutput(RealClock(), timeline)
    await _push(out, 1.0)
    out.flush()
    await _started(out)
    await asyncio.sleep(0.1)
    out.clear_buffer()
    ev = await out.wait_for_playout()
    assert ev.interrupted
    assert 0 < ev.playback_position < 1.0
    clear = timeline.of(tl.AGENT_AUDIO_CLEAR)[0]
    assert clear.data["position"] == round(ev.playback_position, 3)
    assert not out.busy
    assert not timeline.of(tl.AGENT_AUDIO_END)
    # a new segment after the clear plays normally
    await _push(out, 0.1)
    out.flush()
    ev2 = await out.wait_for_playout()
    assert not ev2.interrupted and abs(ev2.playback_position - 0.1) < 1e-6
    await out.aclose()


async def test_stall_is_recorded_when_audio_arrives_slower_than_real_time() -> None:
    timeline = tl.Timeline()
    out = SpeakerOutput(RealClock(), timeline)
    await _push(out, 0.1)
    await asyncio.sleep(0.25)  # the "TTS" is late with the next chunk
    await _push(out, 0.1)
    out.flush()
    ev = await out.wait_for_playout()
    assert abs(ev.playback_position - 0.2) < 1e-6
    kinds = [e.kind for e in timeline]
    assert kinds == [
        tl.AGENT_AUDIO_START,
        tl.AGENT_AUDIO_STALL,
        tl.AGENT_AUDIO_UNSTALL,
        tl.AGENT_AUDIO_END,
    ]
    await out.aclose()
