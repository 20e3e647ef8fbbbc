"""G.711 μ-law and A-law (ITU-T G.711) on numpy arrays, plus a telephone-band filter.

Python 3.13 drops `audioop`; these vectorised versions follow the reference segment
tables, so a round trip through either law matches what a SIP trunk does to audio.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

PCM = npt.NDArray[np.int16]
CODES = npt.NDArray[np.uint8]

_MU_BIAS = 0x84
_MU_CLIP = 32635


def ulaw_encode(pcm: PCM) -> CODES:
    """16-bit linear PCM to μ-law bytes (one per sample)."""
    x = np.asarray(pcm, dtype=np.int32)
    sign = np.where(x < 0, 0x80, 0x00)
    mag = np.minimum(np.abs(x), _MU_CLIP) + _MU_BIAS
    exponent = np.floor(np.log2(mag)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (mag >> (exponent + 3)) & 0x0F
    code = ~(sign | (exponent << 4) | mantissa) & 0xFF
    return code.astype(np.uint8)


def ulaw_decode(codes: CODES) -> PCM:
    """μ-law bytes to 16-bit linear PCM."""
    u = ~np.asarray(codes, dtype=np.int32) & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    mag = (((mantissa << 3) + _MU_BIAS) << exponent) - _MU_BIAS
    return np.where(sign != 0, -mag, mag).astype(np.int16)


def alaw_encode(pcm: PCM) -> CODES:
    """16-bit linear PCM to A-law bytes (even bits inverted, as on the wire)."""
    x = np.asarray(pcm, dtype=np.int32) >> 3  # A-law works on 13-bit samples
    sign = np.where(x >= 0, 0x80, 0x00)
    mag = np.where(x >= 0, x, -x - 1)
    mag = np.minimum(mag, 0x0FFF)
    exponent = np.where(mag < 32, 0, np.floor(np.log2(np.maximum(mag, 1))).astype(np.int32) - 4)
    exponent = np.clip(exponent, 0, 7)
    mantissa = np.where(exponent == 0, mag >> 1, mag >> exponent) & 0x0F
    code = (sign | (exponent << 4) | mantissa) ^ 0x55
    return code.astype(np.uint8)


def alaw_decode(codes: CODES) -> PCM:
    """A-law bytes to 16-bit linear PCM."""
    a = np.asarray(codes, dtype=np.int32) ^ 0x55
    sign = a & 0x80
    exponent = (a >> 4) & 0x07
    mantissa = a & 0x0F
    mag = np.where(
        exponent == 0,
        (mantissa << 4) + 8,
        ((mantissa << 4) + 0x108) << np.maximum(exponent - 1, 0),
    )
    return np.where(sign != 0, mag, -mag).astype(np.int16)


ENCODERS = {"PCMU": ulaw_encode, "PCMA": alaw_encode}
DECODERS = {"PCMU": ulaw_decode, "PCMA": alaw_decode}


def encode(pcm: PCM, codec: str) -> bytes:
    """Encode with "PCMU" or "PCMA"; anything else is a ValueError."""
    try:
        return ENCODERS[codec](pcm).tobytes()
    except KeyError:
        raise ValueError(f"unknown G.711 codec {codec!r} (PCMU or PCMA)") from None


def decode(payload: bytes, codec: str) -> PCM:
    try:
        return DECODERS[codec](np.frombuffer(payload, dtype=np.uint8))
    except KeyError:
        raise ValueError(f"unknown G.711 codec {codec!r} (PCMU or PCMA)") from None


def resample(pcm: PCM, src_rate: int, dst_rate: int) -> PCM:
    """Band-limited resampling by FFT (whole clips; fine for tests and benches)."""
    if src_rate == dst_rate or len(pcm) == 0:
        return np.asarray(pcm, dtype=np.int16)
    n_out = round(len(pcm) * dst_rate / src_rate)
    spec = np.fft.rfft(np.asarray(pcm, dtype=np.float64))
    keep = n_out // 2 + 1
    if keep <= len(spec):
        spec = spec[:keep]
    else:
        spec = np.concatenate([spec, np.zeros(keep - len(spec), dtype=spec.dtype)])
    out = np.fft.irfft(spec, n_out) * (n_out / len(pcm))
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def telephone_band(pcm: PCM, sample_rate: int, codec: str = "PCMU") -> PCM:
    """What a phone line does to a clip: band-limit to 8 kHz, G.711 encode and decode, and
    back to the original rate. Used by the bench's `phone` row for both directions."""
    narrow = resample(pcm, sample_rate, 8000)
    narrow = decode(encode(narrow, codec), codec)
    return resample(narrow, 8000, sample_rate)


def telephone_band_frames(frames: Iterable[PCM], sample_rate: int, codec: str = "PCMU") -> PCM:
    """`telephone_band` over consecutive frames joined into one clip."""
    parts = [np.asarray(f, dtype=np.int16) for f in frames]
    if not parts:
        return np.zeros(0, dtype=np.int16)
    return telephone_band(np.concatenate(parts), sample_rate, codec)


def _bandpass_taps(rate: int, low: float, high: float, n: int) -> npt.NDArray[np.float64]:
    """Windowed-sinc band-pass (Hamming), unity gain in the pass band."""
    m = np.arange(n) - (n - 1) / 2

    def lowpass(fc: float) -> npt.NDArray[np.float64]:
        return np.asarray(2 * fc / rate * np.sinc(2 * fc / rate * m), dtype=np.float64)

    taps = (lowpass(high) - lowpass(low)) * np.hamming(n)
    centre = (low + high) / 2
    gain = abs(np.sum(taps * np.exp(-2j * np.pi * centre / rate * np.arange(n))))
    return np.asarray(taps / gain, dtype=np.float64)


class TelephoneBandStream:
    """Frame-by-frame phone line for streams (e.g. 20 ms frames of a live call): a 300–3400 Hz
    band-pass with state across frames, then G.711 companding at the stream's own rate.

    Unlike `telephone_band` it does not resample to 8 kHz (frames may come at 22.05 kHz);
    after the band-pass, the 8 kHz sampling itself changes nothing audible, and the
    companding noise is the line's. Output has the input's length and a fixed delay of
    (taps-1)/2 samples (~1 ms at 24 kHz).
    """

    def __init__(self, sample_rate: int, codec: str = "PCMU", taps: int = 101) -> None:
        if codec not in ENCODERS:
            raise ValueError(f"unknown G.711 codec {codec!r} (PCMU or PCMA)")
        if sample_rate < 8000:
            raise ValueError(f"sample rate {sample_rate} is below the phone band's 8 kHz")
        self.sample_rate = sample_rate
        self.codec = codec
        self._taps = _bandpass_taps(sample_rate, 300.0, 3400.0, taps)
        self._history = np.zeros(taps - 1, dtype=np.float64)

    def process(self, pcm: PCM) -> PCM:
        x = np.concatenate([self._history, np.asarray(pcm, dtype=np.float64)])
        y = np.convolve(x, self._taps, mode="valid")
        self._history = x[len(x) - len(self._history) :]
        clipped = np.clip(np.round(y), -32768, 32767).astype(np.int16)
        return DECODERS[self.codec](ENCODERS[self.codec](clipped))
