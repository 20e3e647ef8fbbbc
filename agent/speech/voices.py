"""Blocking voice engines (piper, espeak-ng) behind one small Protocol.

Both are CPU-bound and blocking: async callers run them in a thread (`asyncio.to_thread`). Each
engine is loaded once per process (`get_voice`) and shared; piper's onnxruntime session is
thread-safe, espeak-ng is a global C singleton and is serialised with a lock.
"""

from __future__ import annotations

import ctypes
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from .models import espeak_paths, piper_voice_files

VoiceName = Literal["piper", "espeak"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def split_sentences(text: str) -> list[str]:
    """Split text at sentence ends; keeps punctuation, drops empty pieces."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


class SpeechVoice(Protocol):
    name: str
    sample_rate: int

    def synthesize(self, text: str) -> Iterator[np.ndarray]:
        """Yield int16 mono audio, one array per sentence, as soon as each is ready."""
        ...


@dataclass(frozen=True)
class VoiceOptions:
    piper_length_scale: float = 1.0  # >1 speaks slower
    piper_volume: float = 0.8  # piper peak-normalises each sentence; leave headroom
    # Piper samples prosody noise on every call, so the same text never sounded the same twice
    # and recognition of it flipped from run to run. 0.0 makes the voice deterministic: the
    # agent always sounds the same, and virtual patients and tests are reproducible.
    # None = the voice's own (random) setting.
    piper_noise_scale: float | None = 0.0
    piper_noise_w_scale: float | None = 0.0
    espeak_voice: str = "en-us"
    espeak_rate_wpm: int = 165


DEFAULT_VOICE_OPTIONS = VoiceOptions()


class PiperVoiceEngine:
    name = "piper"

    def __init__(self, options: VoiceOptions = DEFAULT_VOICE_OPTIONS) -> None:
        from piper import PiperVoice, SynthesisConfig

        model, config = piper_voice_files()
        self._voice = PiperVoice.load(model, config_path=config)
        self._syn = SynthesisConfig(
            length_scale=options.piper_length_scale,
            volume=options.piper_volume,
            noise_scale=options.piper_noise_scale,
            noise_w_scale=options.piper_noise_w_scale,
        )
        self.sample_rate: int = int(self._voice.config.sample_rate)

    def synthesize(self, text: str) -> Iterator[np.ndarray]:
        for chunk in self._voice.synthesize(text, syn_config=self._syn):
            yield chunk.audio_int16_array.reshape(-1)


_EspeakCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1


class EspeakVoiceEngine:
    """espeak-ng through ctypes on the library espeakng-loader ships (no Debian package needed)."""

    name = "espeak"
    _lock = threading.Lock()

    def __init__(self, options: VoiceOptions = DEFAULT_VOICE_OPTIONS) -> None:
        lib_path, data_path = espeak_paths()
        self._lib = ctypes.CDLL(str(lib_path))
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self._chunks: list[np.ndarray] = []
        # Keep a reference: ctypes callbacks are freed when garbage collected.
        self._callback = _EspeakCallback(self._on_audio)
        with self._lock:
            rate = self._lib.espeak_Initialize(
                _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_path).encode(), 0
            )
            if rate <= 0:
                raise RuntimeError(f"espeak-ng failed to initialise from {data_path}")
            self._lib.espeak_SetSynthCallback(self._callback)
            if self._lib.espeak_SetVoiceByName(options.espeak_voice.encode()) != 0:
                raise RuntimeError(f"espeak-ng has no voice {options.espeak_voice!r}")
            self._lib.espeak_SetParameter(_ESPEAK_RATE, options.espeak_rate_wpm, 0)
        self.sample_rate = int(rate)

    def _on_audio(self, wav: ctypes._Pointer[ctypes.c_short], n: int, _events: int) -> int:
        if n > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    def _synth_one(self, sentence: str) -> np.ndarray:
        data = sentence.encode("utf-8") + b"\0"
        with self._lock:
            self._chunks = []
            rc = self._lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            if rc != 0:
                raise RuntimeError(f"espeak-ng synthesis failed (code {rc})")
            chunks, self._chunks = self._chunks, []
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(chunks).astype(np.int16)

    def synthesize(self, text: str) -> Iterator[np.ndarray]:
        for sentence in split_sentences(text):
            audio = self._synth_one(sentence)
            if audio.size:
                yield audio


_voices: dict[str, SpeechVoice] = {}
_voices_lock = threading.Lock()


def get_voice(name: VoiceName, options: VoiceOptions = DEFAULT_VOICE_OPTIONS) -> SpeechVoice:
    """The process-wide engine for a voice, loaded on first use."""
    key = f"{name}:{options}"
    with _voices_lock:
        voice = _voices.get(key)
        if voice is None:
            if name == "piper":
                voice = PiperVoiceEngine(options)
            elif name == "espeak":
                voice = EspeakVoiceEngine(options)
            else:
                raise ValueError(f"unknown voice {name!r}; expected 'piper' or 'espeak'")
            _voices[key] = voice
        return voice
