"""The offline engines inside a real AgentSession: audio frames in, audio frames out, no server.

The dialogue engine belongs to the agent team, so a 20-line scripted LLM answers here.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import Agent, AgentSession, llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions
from livekit.agents.voice import io

from agent.speech.audio import frames_from_pcm, pcm_from_frames, resample, rms_dbfs
from agent.speech.profile import SpeechProfile, build_engines
from agent.speech.synth import synthesize_to_pcm
from agent.speech.warmup import load_speech_models
from agent.speech.wer import normalize_words
from agent.speech.whisper_engine import get_engine

pytestmark = pytest.mark.slow


class ScriptedLLM(llm.LLM):
    """Answers every user turn with one fixed, checkable sentence."""

    def __init__(self, reply: str) -> None:
        super().__init__()
        self.reply = reply
        self.heard: list[str] = []

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[Any] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        **_: Any,
    ) -> llm.LLMStream:
        return _ScriptedStream(
            self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options
        )


class _ScriptedStream(llm.LLMStream):
    async def _run(self) -> None:
        llm_: ScriptedLLM = self._llm  # type: ignore[assignment]
        user = [m for m in self._chat_ctx.messages() if m.role == "user"]
        llm_.heard.append(user[-1].text_content or "" if user else "")
        delta = llm.ChoiceDelta(role="assistant", content=llm_.reply)
        self._event_ch.send_nowait(llm.ChatChunk(id="scripted", delta=delta))


class MicInput(io.AudioInput):
    """A microphone: plays queued speech in real time, silence otherwise."""

    def __init__(self, sample_rate: int = 16000) -> None:
        super().__init__(label="test-mic")
        self._rate = sample_rate
        self._frames: list[rtc.AudioFrame] = []
        self._silence = frames_from_pcm(np.zeros(sample_rate // 50, dtype=np.int16), sample_rate)[0]
        self._next = time.monotonic()

    def say(self, pcm: np.ndarray) -> None:
        self._frames.extend(frames_from_pcm(pcm, self._rate, 20))

    async def __anext__(self) -> rtc.AudioFrame:
        self._next += 0.02
        await asyncio.sleep(max(0.0, self._next - time.monotonic()))
        return self._frames.pop(0) if self._frames else self._silence


class SpeakerOutput(io.AudioOutput):
    """Collects agent audio; 'plays' each segment instantly."""

    def __init__(self) -> None:
        super().__init__(label="test-speaker", capabilities=io.AudioOutputCapabilities(pause=True))
        self.frames: list[rtc.AudioFrame] = []
        self.segments = 0
        self._segment_s = 0.0
        self._started = False

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._started:
            self._started = True
            self.on_playback_started(created_at=time.time())
        self.frames.append(frame)
        self._segment_s += frame.duration

    def flush(self) -> None:
        super().flush()
        if self._started:
            self.segments += 1
            played, self._segment_s, self._started = self._segment_s, 0.0, False
            self.on_playback_finished(playback_position=played, interrupted=False)

    def clear_buffer(self) -> None:
        if self._started:
            played, self._segment_s, self._started = self._segment_s, 0.0, False
            self.on_playback_finished(playback_position=played, interrupted=True)


async def test_session_hears_audio_and_answers_with_audio() -> None:
    shared = await asyncio.to_thread(load_speech_models, SpeechProfile())
    engines = build_engines(SpeechProfile(), userdata={"speech": shared})
    scripted = ScriptedLLM("Okay, I can book Tuesday with Doctor Patel.")
    session: AgentSession[None] = AgentSession(
        stt=engines.stt,
        tts=engines.tts,
        vad=engines.vad,
        llm=scripted,
        turn_handling={"turn_detection": engines.turn_detector},
    )
    mic, speaker = MicInput(), SpeakerOutput()
    session.input.audio = mic
    session.output.audio = speaker
    replied = asyncio.Event()
    finals: list[str] = []

    @session.on("user_input_transcribed")
    def _on_transcript(ev: Any) -> None:
        if ev.is_final:
            finals.append(ev.transcript)

    @session.on("conversation_item_added")
    def _on_item(ev: Any) -> None:
        if ev.item.role == "assistant":
            replied.set()

    await session.start(Agent(instructions="You are a clinic receptionist."))
    try:
        patient = await asyncio.to_thread(
            synthesize_to_pcm, "I'd like a checkup with Doctor Patel on Tuesday."
        )
        mic.say(np.concatenate([np.zeros(8000, dtype=np.int16), patient]))
        await asyncio.wait_for(replied.wait(), timeout=30)
        for _ in range(100):  # the reply is committed before its audio is flushed
            if speaker.segments:
                break
            await asyncio.sleep(0.05)
    finally:
        await session.aclose()

    heard = set(normalize_words(" ".join(finals)))
    assert {"checkup", "patel", "tuesday"} <= heard, finals
    assert scripted.heard and "patel" in scripted.heard[-1].lower()
    assert speaker.segments >= 1
    out = pcm_from_frames(speaker.frames)
    rate = speaker.frames[0].sample_rate
    assert out.size / rate > 1.5 and rms_dbfs(out) > -30.0
    spoken = get_engine().transcribe(resample(out, rate, 16000)).text
    # piper samples its prosody noise, so the audio differs per run: two of three key words.
    assert len({"book", "tuesday", "patel"} & set(normalize_words(spoken))) >= 2, spoken
