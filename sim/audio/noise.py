"""Background and non-speech sounds for virtual patients (16 kHz mono float32 in [-1, 1]).

Silero ignores filtered white noise and thumps, so the bursts that matter are voiced: a cough
here is a short glottal pulse train through vocal-tract resonances with breath noise on top,
a door is a thump plus a voiced-sounding hinge creak, and babble is other people talking
(real synthesized speech, several talkers summed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

SAMPLE_RATE = 16_000
SPEECH_RMS_DBFS = -20.0  # level the patient's voice is normalised to
FLOOR_DBFS = -60.0  # line noise under everything: real lines are never digitally silent


def db_to_amp(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def active_rms(x: np.ndarray, frame: int = 160, floor_db: float = -45.0) -> float:
    """RMS over 10 ms frames louder than `floor_db`: the level of the speech, not the gaps."""
    n = len(x) // frame
    if n == 0:
        return rms(x)
    frames = x[: n * frame].reshape(n, frame).astype(np.float64)
    e = np.sqrt(np.mean(frames**2, axis=1))
    active = e[e > db_to_amp(floor_db)]
    return float(np.sqrt(np.mean(active**2))) if len(active) else rms(x)


def normalize(x: np.ndarray, target_dbfs: float = SPEECH_RMS_DBFS) -> np.ndarray:
    level = active_rms(x)
    if level <= 0:
        return x.astype(np.float32)
    return (x * (db_to_amp(target_dbfs) / level)).astype(np.float32)


def scale_to_snr(noise: np.ndarray, snr_db: float, speech_rms: float) -> np.ndarray:
    """Scale `noise` so that speech_rms / rms(noise) == snr_db."""
    level = rms(noise)
    if level <= 0:
        return noise.astype(np.float32)
    return (noise * (speech_rms / db_to_amp(snr_db) / level)).astype(np.float32)


def white(n: int, rng: np.random.Generator, dbfs: float = FLOOR_DBFS) -> np.ndarray:
    return (rng.standard_normal(n) * db_to_amp(dbfs)).astype(np.float32)


def resonate(x: np.ndarray, freq: float, bw: float, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Two-pole resonator (a formant), unity gain at `freq`."""
    r = math.exp(-math.pi * bw / sr)
    a1 = -2.0 * r * math.cos(2.0 * math.pi * freq / sr)
    a2 = r * r
    g = (1.0 - r) * math.sqrt(1.0 - 2.0 * r * math.cos(4.0 * math.pi * freq / sr) + r * r)
    y = np.zeros(len(x), dtype=np.float64)
    y1 = y2 = 0.0
    for i, v in enumerate(x.astype(np.float64)):
        y0 = g * v - a1 * y1 - a2 * y2
        y[i] = y0
        y2, y1 = y1, y0
    return y


def _pulse_train(n: int, f0: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Glottal-ish pulses at a time-varying f0 with jitter."""
    out = np.zeros(n, dtype=np.float64)
    t = 0.0
    while t < n:
        i = int(t)
        out[i] = 1.0
        period = SAMPLE_RATE / max(40.0, float(f0[min(i, n - 1)]))
        t += period * (1.0 + 0.03 * rng.standard_normal())
    # soften each click into a pulse
    kernel = np.hanning(24)
    return np.convolve(out, kernel, mode="same")


def _envelope(n: int, attack: float, decay_tau: float) -> np.ndarray:
    t = np.arange(n) / SAMPLE_RATE
    a = np.clip(t / attack, 0.0, 1.0)
    return a * np.exp(-np.maximum(t - attack, 0.0) / decay_tau)


def cough(ms: int, rng: np.random.Generator, level_dbfs: float = -14.0) -> np.ndarray:
    """One to three voiced cough bursts filling about `ms` milliseconds."""
    n = int(SAMPLE_RATE * ms / 1000)
    out = np.zeros(n, dtype=np.float64)
    bursts = 1 if ms < 350 else min(3, 1 + ms // 350)
    seg = n // bursts
    for b in range(bursts):
        m = int(seg * rng.uniform(0.7, 0.95))
        f0 = np.linspace(rng.uniform(220, 320), rng.uniform(140, 200), m)
        voiced = _pulse_train(m, f0, rng)
        voiced = resonate(voiced, rng.uniform(550, 750), 120) + 0.6 * resonate(
            voiced, rng.uniform(1100, 1500), 200
        )
        breath = resonate(rng.standard_normal(m), rng.uniform(1500, 2500), 1500)
        burst = (voiced / (rms(voiced) + 1e-9) + 0.5 * breath / (rms(breath) + 1e-9)) * _envelope(
            m, 0.012, 0.09
        )
        start = b * seg
        out[start : start + m] += burst
    return (out / (np.max(np.abs(out)) + 1e-9) * db_to_amp(level_dbfs + 9)).astype(np.float32)


def door(ms: int, rng: np.random.Generator, level_dbfs: float = -16.0) -> np.ndarray:
    """A hinge creak (voiced-like, swept pitch) ending in a slam (thump + click)."""
    n = int(SAMPLE_RATE * ms / 1000)
    creak_n = int(n * 0.65)
    slam_n = n - creak_n
    f0 = np.linspace(rng.uniform(90, 130), rng.uniform(160, 240), creak_n)
    creak = _pulse_train(creak_n, f0, rng)
    creak = resonate(creak, rng.uniform(600, 900), 150) + 0.5 * resonate(creak, 1800, 300)
    creak *= np.hanning(creak_n) if creak_n else 1.0
    t = np.arange(slam_n) / SAMPLE_RATE
    thump = np.sin(2 * np.pi * rng.uniform(60, 110) * t) * np.exp(-t / 0.12)
    click = rng.standard_normal(slam_n) * np.exp(-t / 0.01)
    slam = thump + 0.5 * click
    out = np.concatenate([creak / (rms(creak) + 1e-9) * 0.5, slam / (rms(slam) + 1e-9)])
    return (out / (np.max(np.abs(out)) + 1e-9) * db_to_amp(level_dbfs + 9)).astype(np.float32)


def babble(n: int, talkers: Sequence[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Several synthesized talkers at once, looped to `n` samples, unit RMS."""
    if not talkers:
        raise ValueError("babble needs at least one synthesized talker")
    out = np.zeros(n, dtype=np.float64)
    for i in range(max(4, len(talkers))):
        src = talkers[i % len(talkers)]
        gap = np.zeros(int(SAMPLE_RATE * rng.uniform(0.05, 0.4)), dtype=np.float32)
        one = np.concatenate([src, gap])
        reps = n // len(one) + 2
        loop = np.tile(one, reps)
        off = int(rng.integers(0, len(one)))
        out += loop[off : off + n] * rng.uniform(0.6, 1.0)
    return (out / (rms(out) + 1e-9)).astype(np.float32)


def burst(kind: str, ms: int, rng: np.random.Generator) -> np.ndarray:
    """A `kind: noise` step's sound; babble and white bursts are made by the caller's mixer."""
    if kind == "cough":
        return cough(ms, rng)
    if kind == "door":
        return door(ms, rng)
    if kind == "white":
        n = int(SAMPLE_RATE * ms / 1000)
        return (rng.standard_normal(n) * db_to_amp(-22.0) * _envelope(n, 0.01, 10.0)).astype(
            np.float32
        )
    raise ValueError(f"unknown noise type {kind!r} (cough, door, babble, white)")


def to_int16(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, -1.0, 1.0) * 32767.0).astype(np.int16)
