"""Small PCM helpers shared by the engines, tests and the benchmark."""

from __future__ import annotations

import numpy as np
from livekit import rtc


def resample(pcm: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Resample int16 mono PCM (livekit's soxr-based resampler, high quality)."""
    if src_rate == dst_rate or pcm.size == 0:
        return pcm.astype(np.int16, copy=False)
    resampler = rtc.AudioResampler(
        src_rate, dst_rate, num_channels=1, quality=rtc.AudioResamplerQuality.HIGH
    )
    data = np.ascontiguousarray(pcm, dtype=np.int16)
    frames = resampler.push(rtc.AudioFrame(data.tobytes(), src_rate, 1, data.size))
    frames += resampler.flush()
    if not frames:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames])


def to_float(pcm: np.ndarray) -> np.ndarray:
    return pcm.astype(np.float32) / 32768.0


def rms_dbfs(pcm: np.ndarray) -> float:
    if pcm.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(pcm.astype(np.float64) / 32768.0))))
    return 20.0 * float(np.log10(max(rms, 1e-6)))


def frames_from_pcm(pcm: np.ndarray, sample_rate: int, frame_ms: int = 20) -> list[rtc.AudioFrame]:
    """Cut int16 mono PCM into fixed-size frames (last one zero-padded)."""
    step = sample_rate * frame_ms // 1000
    out: list[rtc.AudioFrame] = []
    for start in range(0, pcm.size, step):
        chunk = pcm[start : start + step]
        if chunk.size < step:
            chunk = np.pad(chunk, (0, step - chunk.size))
        data = np.ascontiguousarray(chunk, dtype=np.int16)
        out.append(rtc.AudioFrame(data.tobytes(), sample_rate, 1, step))
    return out


def pcm_from_frames(frames: list[rtc.AudioFrame]) -> np.ndarray:
    if not frames:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames])
