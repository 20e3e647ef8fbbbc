"""Patient voices: text -> 16 kHz mono speech, trimmed and level-normalised, cached on disk.

Synthesis goes through `agent.speech.synthesize_to_pcm` (piper "joe" voice, or espeak-ng as a
second voice). The cache key is (voice, text), so a second bench run synthesizes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import numpy as np

from .noise import SAMPLE_RATE, db_to_amp, normalize

VoiceName = Literal["piper", "espeak"]
VOICES: tuple[VoiceName, ...] = ("piper", "espeak")
DEFAULT_CACHE = Path(".cache/sim-audio")


class VoiceError(RuntimeError):
    pass


def _synthesize_raw(text: str, voice: VoiceName) -> np.ndarray:
    from agent.speech import synthesize_to_pcm

    return np.asarray(synthesize_to_pcm(text, voice=voice, sample_rate=SAMPLE_RATE))


def trim(x: np.ndarray, threshold_dbfs: float = -45.0, margin_ms: int = 20) -> np.ndarray:
    """Cut the leading/trailing silence TTS engines add, so speech onset is the first sample."""
    frame = SAMPLE_RATE // 100
    n = len(x) // frame
    if n == 0:
        return x
    e = np.sqrt(np.mean(x[: n * frame].reshape(n, frame).astype(np.float64) ** 2, axis=1))
    loud = np.nonzero(e > db_to_amp(threshold_dbfs))[0]
    if len(loud) == 0:
        return x[:0]
    margin = SAMPLE_RATE * margin_ms // 1000
    start = max(0, loud[0] * frame - margin)
    end = min(len(x), (loud[-1] + 1) * frame + margin)
    return x[start:end]


def synthesize(
    text: str, voice: VoiceName = "piper", cache_dir: Path | None = DEFAULT_CACHE
) -> np.ndarray:
    """Speech for `text` as float32 at 16 kHz, trimmed, normalised to the speech level."""
    if voice not in VOICES:
        raise VoiceError(f"unknown voice {voice!r}: use one of {', '.join(VOICES)}")
    key = hashlib.sha1(f"{voice}\0{text}".encode()).hexdigest()[:20]
    path = cache_dir / f"{voice}-{key}.npy" if cache_dir is not None else None
    if path is not None and path.exists():
        return np.load(path)
    pcm = _synthesize_raw(text, voice).astype(np.float32) / 32768.0
    speech = normalize(trim(pcm))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, speech)
        tmp.replace(path)
    return speech
