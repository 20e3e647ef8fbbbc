"""Fixed phrases (greeting, fillers, reprompts) synthesised once at prewarm, played from memory."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable

import numpy as np
from livekit import rtc

from .audio import frames_from_pcm
from .voices import SpeechVoice

DEFAULT_PHRASES: tuple[str, ...] = (
    "Let me check that.",
    "One moment.",
    "Sorry, go ahead.",
    "Sorry, I didn't catch that. Could you say it again?",
    "Is there anything else I can help you with?",
)


def phrase_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


class PhraseCache:
    """int16 audio per phrase for one voice; lookups are exact after whitespace/case folding."""

    def __init__(self, voice: SpeechVoice) -> None:
        self._voice = voice
        self._audio: dict[str, np.ndarray] = {}

    @property
    def sample_rate(self) -> int:
        return self._voice.sample_rate

    def __len__(self) -> int:
        return len(self._audio)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and phrase_key(text) in self._audio

    def warm_sync(self, phrases: Iterable[str]) -> None:
        for phrase in phrases:
            key = phrase_key(phrase)
            if key and key not in self._audio:
                parts = list(self._voice.synthesize(phrase))
                if parts:
                    self._audio[key] = np.concatenate(parts)

    async def warm(self, phrases: Iterable[str]) -> None:
        await asyncio.to_thread(self.warm_sync, list(phrases))

    def lookup(self, text: str) -> np.ndarray | None:
        return self._audio.get(phrase_key(text))

    def get(self, text: str, frame_ms: int = 20) -> list[rtc.AudioFrame] | None:
        audio = self.lookup(text)
        if audio is None:
            return None
        return frames_from_pcm(audio, self._voice.sample_rate, frame_ms)
