"""Offline speech stack as LiveKit Agents plugins: whisper STT, piper/espeak TTS, VAD, end of turn.

Names are imported lazily so `from agent.speech import synthesize_to_pcm` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .noise import NoiseSuppressor
    from .phrase_cache import PhraseCache
    from .profile import ConfigError, Engines, SpeechProfile, build_engines
    from .stt_whisper import WhisperOptions, WhisperSTT
    from .synth import synthesize_to_pcm
    from .tts_local import EspeakTTS, PiperTTS
    from .turn_models import load_turn_detector, load_vad
    from .warmup import prewarm

_EXPORTS = {
    "build_engines": "profile",
    "ConfigError": "profile",
    "Engines": "profile",
    "SpeechProfile": "profile",
    "WhisperSTT": "stt_whisper",
    "WhisperOptions": "stt_whisper",
    "PiperTTS": "tts_local",
    "EspeakTTS": "tts_local",
    "load_vad": "turn_models",
    "load_turn_detector": "turn_models",
    "prewarm": "warmup",
    "synthesize_to_pcm": "synth",
    "PhraseCache": "phrase_cache",
    "NoiseSuppressor": "noise",
}

__all__ = [
    "ConfigError",
    "Engines",
    "EspeakTTS",
    "NoiseSuppressor",
    "PhraseCache",
    "PiperTTS",
    "SpeechProfile",
    "WhisperOptions",
    "WhisperSTT",
    "build_engines",
    "load_turn_detector",
    "load_vad",
    "prewarm",
    "synthesize_to_pcm",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'agent.speech' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
