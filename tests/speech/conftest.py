"""Speech fixtures: models load once per test session (they are process-wide singletons)."""

from __future__ import annotations

import numpy as np
import pytest

from agent.speech.synth import synthesize_to_pcm
from agent.speech.whisper_engine import WhisperEngine, get_engine


@pytest.fixture(scope="session")
def whisper() -> WhisperEngine:
    return get_engine()


@pytest.fixture(scope="session")
def say() -> object:
    """say(text, voice="piper", pad_s=0.3) -> 16 kHz int16 speech with silence around it."""
    cache: dict[tuple[str, str, float], np.ndarray] = {}

    def _say(text: str, voice: str = "piper", pad_s: float = 0.3) -> np.ndarray:
        key = (text, voice, pad_s)
        if key not in cache:
            pad = np.zeros(int(16000 * pad_s), dtype=np.int16)
            cache[key] = np.concatenate([pad, synthesize_to_pcm(text, voice), pad])  # type: ignore[arg-type]
        return cache[key]

    return _say
