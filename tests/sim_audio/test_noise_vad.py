"""The generated non-speech sounds are realistic enough to reach Silero (NOTES: filtered white
noise does not); the line-noise floor alone never does."""

from __future__ import annotations

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import vad as agents_vad

from sim.audio import noise as nz

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def silero() -> agents_vad.VAD:
    from agent.speech import load_vad

    return load_vad()


async def _speech_detected(vad: agents_vad.VAD, x: np.ndarray) -> bool:
    pad = nz.white(nz.SAMPLE_RATE // 2, np.random.default_rng(0))
    pcm = nz.to_int16(np.concatenate([pad, x + nz.white(len(x), np.random.default_rng(1)), pad]))
    stream = vad.stream()
    for i in range(0, len(pcm) - 320, 320):
        stream.push_frame(rtc.AudioFrame(pcm[i : i + 320].tobytes(), nz.SAMPLE_RATE, 1, 320))
    stream.end_input()
    found = False
    async for ev in stream:
        if ev.type == agents_vad.VADEventType.START_OF_SPEECH:
            found = True
    await stream.aclose()
    return found


async def test_voiced_cough_triggers_vad(silero: agents_vad.VAD) -> None:
    rng = np.random.default_rng(11)
    hits = [await _speech_detected(silero, nz.cough(600, rng)) for _ in range(3)]
    assert any(hits)


async def test_babble_triggers_vad(silero: agents_vad.VAD) -> None:
    from sim.audio.patient import BABBLE_LINES
    from sim.audio.voices import synthesize

    talkers = [synthesize(t, "piper") for t in BABBLE_LINES[:2]]
    b = nz.babble(nz.SAMPLE_RATE * 2, talkers, np.random.default_rng(12))
    assert await _speech_detected(silero, b * nz.db_to_amp(nz.SPEECH_RMS_DBFS))


async def test_floor_alone_is_silence(silero: agents_vad.VAD) -> None:
    assert not await _speech_detected(silero, np.zeros(nz.SAMPLE_RATE * 2, dtype=np.float32))
