"""The level gate that keeps background talk on a noisy line from counting as the caller."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import vad

from agent.speech.line_gate import GatedVAD, LevelGate, LineGateOptions

RATE = 16000
PIECE = RATE // 100  # 10 ms


def tone(seconds: float, dbfs: float, hz: float = 220.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    amp = 10 ** (dbfs / 20) * 32768 * np.sqrt(2)
    return (np.sin(2 * np.pi * hz * t) * amp).astype(np.int16)


def hiss(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(RATE * seconds)) * 10 ** (dbfs / 20) * 32768).astype(np.int16)


def talk(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    """Noise whose level rises and falls like syllables: a crowd of voices, as a level gate
    sees it (steady hiss is left to the VADs)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(RATE * seconds)) / RATE
    envelope = 0.25 + np.abs(np.sin(2 * np.pi * 2.5 * t + rng.uniform(0, 3)))
    noise = rng.standard_normal(t.size) * envelope / np.sqrt(np.mean(envelope**2))
    return (noise * 10 ** (dbfs / 20) * 32768).astype(np.int16)


def gate_all(gate: LevelGate, pcm: np.ndarray) -> np.ndarray:
    """Feed the line 20 ms at a time, as a room does."""
    return np.concatenate([gate.process(pcm[i : i + 320]) for i in range(0, pcm.size, 320)])


def open_pieces(pcm: np.ndarray) -> np.ndarray:
    """Per 10 ms piece: did anything get through."""
    return pcm[: pcm.size // PIECE * PIECE].reshape(-1, PIECE).any(axis=1)


def test_a_clean_line_passes_untouched_once_it_was_heard() -> None:
    pcm = np.concatenate([np.zeros(RATE, dtype=np.int16), tone(0.5, -25), np.zeros(RATE, np.int16)])
    gate = LevelGate(RATE)
    out = gate_all(gate, pcm)
    heard = int(RATE * 0.1)  # shut until 0.1 s of the line is known
    assert np.array_equal(out[heard:], pcm[heard:])
    assert not gate.active


def test_background_under_the_caller_is_shut_and_the_caller_opens_it() -> None:
    background = talk(4.0, -38)
    voice_at = int(RATE * 3)
    line = background.astype(np.int32)
    line[voice_at : voice_at + RATE // 2] += tone(0.5, -18)
    out = gate_all(LevelGate(RATE), np.clip(line, -32768, 32767).astype(np.int16))
    assert not out[RATE:voice_at].any(), "the background alone must not get through"
    voice = open_pieces(out[voice_at + PIECE * 3 : voice_at + RATE // 2])
    assert voice.all(), "the caller's voice gets through"
    hangover = out[voice_at + RATE // 2 : voice_at + RATE // 2 + int(RATE * 0.25)]
    assert hangover.any(), "the gate stays open a moment after the voice (word endings)"


def test_a_brief_peak_in_the_background_does_not_open_the_gate() -> None:
    line = talk(3.0, -38).astype(np.int32)
    click_at = int(RATE * 2)
    line[click_at : click_at + PIECE * 2] += tone(0.02, -15)  # 20 ms: shorter than open_after
    out = gate_all(LevelGate(RATE), np.clip(line, -32768, 32767).astype(np.int16))
    assert not out[RATE:].any()


def test_steady_noise_is_left_to_the_vads() -> None:
    # a loud steady hiss is no speech to Silero; gating it cut the caller's quieter syllables
    line = hiss(4.0, -35).astype(np.int32)
    line[RATE * 3 : RATE * 3 + RATE // 2] += tone(0.5, -25)
    pcm = np.clip(line, -32768, 32767).astype(np.int16)
    gate = LevelGate(RATE)
    out = gate_all(gate, pcm)
    assert np.array_equal(out[RATE:], pcm[RATE:])
    assert not gate.active and gate.floor_dbfs > -50


def test_a_quiet_line_keeps_the_gate_idle() -> None:
    pcm = hiss(3.0, -62)  # a phone line's comfort noise, well under active_floor_dbfs
    gate = LevelGate(RATE, LineGateOptions())
    out = gate_all(gate, pcm)
    assert np.array_equal(out[RATE:], pcm[RATE:])
    assert not gate.active


class RecordingStream:
    def __init__(self) -> None:
        self.frames: list[rtc.AudioFrame] = []
        self.events: asyncio.Queue[vad.VADEvent] = asyncio.Queue()
        self.closed = False

    def push_frame(self, frame: rtc.AudioFrame) -> None:
        self.frames.append(frame)

    def flush(self) -> None: ...

    def end_input(self) -> None: ...

    async def aclose(self) -> None:
        self.closed = True

    async def __anext__(self) -> vad.VADEvent:
        return await self.events.get()


class RecordingVAD(vad.VAD):
    min_silence_duration = 0.4

    def __init__(self) -> None:
        super().__init__(capabilities=vad.VADCapabilities(update_interval=0.032))
        self.streams: list[RecordingStream] = []

    def stream(self) -> Any:
        self.streams.append(RecordingStream())
        return self.streams[-1]


async def test_the_gated_vad_hears_the_gated_line_and_passes_its_events_back() -> None:
    inner = RecordingVAD()
    gated = GatedVAD(inner)
    assert gated.min_silence_duration == 0.4  # the session checks it against its EOT model
    stream = gated.stream()
    line = talk(3.0, -38)
    for i in range(0, line.size, 320):
        stream.push_frame(rtc.AudioFrame(line[i : i + 320].tobytes(), RATE, 1, 320))
    pushed = inner.streams[0].frames
    assert len(pushed) == line.size // 320
    assert not any(np.frombuffer(f.data, np.int16).any() for f in pushed[50:])
    event = vad.VADEvent(
        type=vad.VADEventType.START_OF_SPEECH,
        samples_index=0,
        timestamp=0.0,
        speech_duration=0.0,
        silence_duration=0.0,
    )
    inner.streams[0].events.put_nowait(event)
    assert await stream.__anext__() is event
    await stream.aclose()
    assert inner.streams[0].closed


def test_a_caller_talking_on_without_pauses_does_not_become_the_floor() -> None:
    # a quiet line, then 5 s of voice with hardly a dip: the floor must stay the line's
    line = hiss(2.0, -62).astype(np.int32)
    voice = np.concatenate([tone(0.45, -20), hiss(0.05, -45, seed=1)] * 10)
    pcm = np.concatenate([line, voice.astype(np.int32)]).astype(np.int16)
    gate = LevelGate(RATE)
    out = gate_all(gate, pcm)
    assert not gate.active
    assert np.array_equal(out[RATE:], pcm[RATE:])


def test_a_long_answer_on_a_steady_noise_line_does_not_turn_the_gate_on() -> None:
    # the quiet ends of the caller's words sit between the floor and the gate's margin; were
    # they the background's, the spread would grow until the gate cut the rest of the answer
    word = np.concatenate([tone(0.25, -20), tone(0.2, -30, hz=150)]).astype(np.int32)
    answer = np.concatenate([word + hiss(0.45, -38, seed=k)[: word.size] for k in range(12)])
    pcm = np.concatenate([hiss(1.0, -38).astype(np.int32), answer]).astype(np.int16)
    gate = LevelGate(RATE)
    out = gate_all(gate, pcm)
    assert not gate.active, gate.spread_db
    assert np.array_equal(out[RATE:], pcm[RATE:])


def test_talk_on_the_line_is_judged_after_the_first_second() -> None:
    talking, steady = LevelGate(RATE), LevelGate(RATE)
    gate_all(talking, talk(0.5, -38))
    assert talking.active and not talking.talk_on_line  # taken for talk, not judged yet
    gate_all(talking, talk(2.0, -38, seed=1))
    gate_all(steady, hiss(2.5, -38))
    assert talking.talk_on_line and talking.active
    assert not steady.talk_on_line and not steady.active
