"""Optional rnnoise suppression for noisy lines (the `noisy` turn preset switches it on).

Streaming: 16 kHz int16 in, 16 kHz int16 out (rnnoise works at 48 kHz on 10 ms frames; the
resamplers add a few ms of delay). One instance per audio stream: rnnoise keeps state.
"""

from __future__ import annotations

import ctypes
import importlib.util
import threading
from pathlib import Path

import numpy as np
from livekit import rtc

_RN_RATE = 48000
_lib: ctypes.CDLL | None = None
_lib_lock = threading.Lock()


def _rnnoise() -> ctypes.CDLL:
    # Load librnnoise.so directly: importing `pyrnnoise` drags in an ffmpeg-based audio stack.
    global _lib
    with _lib_lock:
        if _lib is None:
            spec = importlib.util.find_spec("pyrnnoise")
            if spec is None or not spec.submodule_search_locations:
                raise ModuleNotFoundError("pyrnnoise is not installed; run `make venv`")
            path = Path(next(iter(spec.submodule_search_locations))) / "librnnoise.so"
            lib = ctypes.CDLL(str(path))
            lib.rnnoise_create.argtypes = [ctypes.c_void_p]
            lib.rnnoise_create.restype = ctypes.c_void_p
            lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
            lib.rnnoise_get_frame_size.restype = ctypes.c_int
            lib.rnnoise_process_frame.argtypes = [
                ctypes.c_void_p,
                ctypes.POINTER(ctypes.c_float),
                ctypes.POINTER(ctypes.c_float),
            ]
            lib.rnnoise_process_frame.restype = ctypes.c_float
            _lib = lib
        return _lib


class NoiseSuppressor:
    """rnnoise on a 16 kHz mono stream. `process` returns whatever denoised audio is ready."""

    def __init__(self, sample_rate: int = 16000) -> None:
        self._lib = _rnnoise()
        self._state = self._lib.rnnoise_create(None)
        self._frame = int(self._lib.rnnoise_get_frame_size())
        self._rate = sample_rate
        self._up = rtc.AudioResampler(sample_rate, _RN_RATE, num_channels=1)
        self._down = rtc.AudioResampler(_RN_RATE, sample_rate, num_channels=1)
        self._pending = np.zeros(0, dtype=np.float32)
        self.last_speech_prob = 0.0

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state:
            self._lib.rnnoise_destroy(state)
            self._state = None

    def process(self, pcm: np.ndarray) -> np.ndarray:
        data = np.ascontiguousarray(pcm, dtype=np.int16)
        up = self._up.push(rtc.AudioFrame(data.tobytes(), self._rate, 1, data.size))
        if up:
            hi = np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in up])
            self._pending = np.concatenate([self._pending, hi.astype(np.float32)])
        out: list[np.ndarray] = []
        n = self._frame
        while self._pending.size >= n:
            buf = np.ascontiguousarray(self._pending[:n])
            self._pending = self._pending[n:]
            ptr = buf.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            self.last_speech_prob = float(self._lib.rnnoise_process_frame(self._state, ptr, ptr))
            out.append(np.clip(buf, -32768, 32767).astype(np.int16))
        if not out:
            return np.zeros(0, dtype=np.int16)
        clean = np.concatenate(out)
        down = self._down.push(rtc.AudioFrame(clean.tobytes(), _RN_RATE, 1, clean.size))
        if not down:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in down])

    def process_all(self, pcm: np.ndarray) -> np.ndarray:
        """Denoise a whole clip (offline use: tests, benchmark); keeps the length."""
        out = self.process(np.concatenate([pcm, np.zeros(self._rate // 10, dtype=np.int16)]))
        if out.size >= pcm.size:
            lag = out.size - pcm.size
            return out[lag : lag + pcm.size] if lag < pcm.size else out[: pcm.size]
        return np.pad(out, (pcm.size - out.size, 0))
