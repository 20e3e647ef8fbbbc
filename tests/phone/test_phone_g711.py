"""G.711 μ-law/A-law against the reference behaviour, and the telephone-band filter."""

from __future__ import annotations

import numpy as np
import pytest

from phone import g711


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_round_trip_error_is_within_the_law_step(codec: str) -> None:
    x = np.arange(-32768, 32768, 7, dtype=np.int32).astype(np.int16)
    y = g711.decode(g711.encode(x, codec), codec).astype(np.int32)
    err = np.abs(y - x.astype(np.int32))
    loud = np.abs(x.astype(np.int32)) > 256
    # logarithmic quantisation: relative error under ~1/16 for loud samples
    assert (err[loud] / np.abs(x[loud].astype(np.int32))).max() < 0.07
    assert err[~loud].max() <= 16


@pytest.mark.parametrize("codec", ["PCMU", "PCMA"])
def test_every_code_decodes_to_a_value_that_encodes_back(codec: str) -> None:
    codes = np.arange(256, dtype=np.uint8)
    again = g711.ENCODERS[codec](g711.DECODERS[codec](codes))
    same = again == codes
    # μ-law has two zeros (0x7F and 0xFF); every other code is exact
    assert same.sum() == (255 if codec == "PCMU" else 256)


def test_reference_points() -> None:
    silence = np.zeros(1, dtype=np.int16)
    assert g711.encode(silence, "PCMU") == b"\xff"
    assert g711.encode(silence, "PCMA") == b"\xd5"
    assert g711.ulaw_decode(np.array([0x00], np.uint8))[0] == -32124
    assert g711.ulaw_decode(np.array([0x80], np.uint8))[0] == 32124
    assert g711.alaw_decode(np.array([0xAA], np.uint8))[0] == 32256


def test_unknown_codec_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="PCMU or PCMA"):
        g711.encode(np.zeros(4, np.int16), "G729")


def test_telephone_band_removes_energy_above_4_khz_and_keeps_speech_band() -> None:
    rate = 16000
    t = np.arange(rate) / rate
    low = 8000 * np.sin(2 * np.pi * 1000 * t)
    high = 8000 * np.sin(2 * np.pi * 6000 * t)
    pcm = (low + high).astype(np.int16)
    out = g711.telephone_band(pcm, rate).astype(np.float64)
    assert len(out) == len(pcm)
    spec = np.abs(np.fft.rfft(out))
    freqs = np.fft.rfftfreq(len(out), 1 / rate)
    at = lambda f: spec[np.argmin(np.abs(freqs - f))]  # noqa: E731
    assert at(1000) > 100 * at(6000)
    assert at(1000) > 0.8 * np.abs(np.fft.rfft(low))[1000]


def test_stream_filter_keeps_the_voice_band_across_frames() -> None:
    rate = 22050  # piper's rate: not a multiple of 8 kHz
    t = np.arange(rate) / rate
    gains = {}
    for freq in (100, 1000, 3000, 6000):
        x = (8000 * np.sin(2 * np.pi * freq * t)).astype(np.int16)
        stream = g711.TelephoneBandStream(rate)
        y = np.concatenate([stream.process(x[i : i + 441]) for i in range(0, len(x), 441)])
        assert len(y) == len(x)
        gains[freq] = float(np.std(y[2000:]) / np.std(x[2000:]))
    assert gains[1000] > 0.95 and gains[3000] > 0.9  # speech band passes
    assert gains[100] < 0.3 and gains[6000] < 0.02  # hum and the upper band do not
    with pytest.raises(ValueError, match="below"):
        g711.TelephoneBandStream(4000)
