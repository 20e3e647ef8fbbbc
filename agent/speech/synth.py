"""`synthesize_to_pcm`: text to 16 kHz PCM (deterministic), for virtual patients and tests."""

from __future__ import annotations

import numpy as np

from .audio import resample
from .voices import VoiceName, get_voice


def synthesize_to_pcm(
    text: str, voice: VoiceName = "piper", sample_rate: int = 16000
) -> np.ndarray:
    """Speak `text` with a local voice; int16 mono at `sample_rate`. Blocking (run in a thread)."""
    if not text.strip():
        raise ValueError("synthesize_to_pcm needs non-empty text")
    engine = get_voice(voice)
    parts = list(engine.synthesize(text))
    if not parts:
        raise RuntimeError(f"{voice} produced no audio for {text!r}")
    return resample(np.concatenate(parts), engine.sample_rate, sample_rate)
