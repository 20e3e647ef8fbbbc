"""A stand-in call for exercising the harness alone: the real speech stack (Silero VAD,
whisper STT, piper voice) with a canned dialogue instead of the booking agent.

It exists so the audio harness can be tested without the agent team's dialogue engine; audio
mode and the bench use `agent.call.build_call` whenever it is importable.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from typing import Any

import numpy as np
from livekit.agents import APIConnectOptions, llm, tts, utils
from livekit.agents.voice import Agent, AgentSession, ModelSettings

REPLIES = (
    "Thanks for calling Maple Street Family Clinic. How can I help you today?",
    "Sure. I have Monday at nine, Monday at nine thirty, and Tuesday at two. Which one works?",
    "Okay. Could I have your full name and date of birth, please?",
    "Thank you. You are booked. Is there anything else I can help you with?",
)


class PcmTTS(tts.TTS):
    """Non-streaming TTS over `agent.speech.synthesize_to_pcm` (piper), 16 kHz."""

    def __init__(self) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=16000, num_channels=1
        )

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = tts.tts.DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _PcmStream(tts=self, input_text=text, conn_options=conn_options)


class _PcmStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        from agent.speech import synthesize_to_pcm

        pcm: np.ndarray = await asyncio.to_thread(
            synthesize_to_pcm, self.input_text, "piper", 16000
        )
        output_emitter.initialize(
            request_id=utils.shortuuid(), sample_rate=16000, num_channels=1, mime_type="audio/pcm"
        )
        output_emitter.push(pcm.astype(np.int16).tobytes())
        output_emitter.flush()


class CannedAgent(Agent):
    def __init__(self) -> None:
        super().__init__(instructions="stand-in")
        self._turn = 0

    async def on_enter(self) -> None:
        self.session.say(REPLIES[0])

    async def llm_node(
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterable[str]:
        self._turn += 1
        yield REPLIES[min(self._turn, len(REPLIES) - 1)]


class StandInCall:
    def __init__(self, session: AgentSession, agent: Agent) -> None:
        self.session = session
        self.agent = agent
        self.dtmf: list[str] = []

    async def start(self) -> None:
        await self.session.start(self.agent)

    async def handle_dtmf(self, digits: str) -> None:
        self.dtmf.append(digits)

    async def finish(self, outcome: str | None = None) -> Any:
        await self.session.aclose()
        return None


def build_standin_call(turn_handling: dict[str, Any] | None = None) -> StandInCall:
    from livekit.plugins import silero

    from agent.speech import WhisperSTT

    session: AgentSession = AgentSession(
        stt=WhisperSTT(),
        vad=silero.VAD.load(),
        tts=PcmTTS(),
        turn_handling=turn_handling or {"turn_detection": "vad"},  # type: ignore[arg-type]
        aec_warmup_duration=None,
    )
    return StandInCall(session, CannedAgent())
