"""Noise generation and mixing: levels and SNR are what the scenario asks for."""

from __future__ import annotations

import numpy as np
import pytest

from sim.audio import noise as nz
from sim.audio.patient import Background
from sim.audio.script import Noise, ScriptError, from_dict


def test_scale_to_snr_hits_the_requested_ratio() -> None:
    rng = np.random.default_rng(1)
    speech_rms = nz.db_to_amp(nz.SPEECH_RMS_DBFS)
    for snr in (5.0, 12.0, 20.0):
        scaled = nz.scale_to_snr(rng.standard_normal(16000).astype(np.float32), snr, speech_rms)
        measured = 20 * np.log10(speech_rms / nz.rms(scaled))
        assert abs(measured - snr) < 0.01


def test_normalize_sets_the_active_speech_level_not_the_gaps() -> None:
    x = np.concatenate([np.zeros(8000), 0.3 * np.sin(np.arange(8000) / 5)]).astype(np.float32)
    y = nz.normalize(x)
    assert abs(20 * np.log10(nz.active_rms(y)) - nz.SPEECH_RMS_DBFS) < 0.1


def test_white_background_sits_at_its_snr_below_speech() -> None:
    rng = np.random.default_rng(2)
    bg = Background(Noise(type="white", snr_db=20), rng, "piper")
    x = np.concatenate([bg.next(320) for _ in range(200)])
    level = 20 * np.log10(nz.rms(x))
    assert abs(level - (nz.SPEECH_RMS_DBFS - 20)) < 0.3


def test_babble_is_the_sum_of_talkers_at_unit_rms() -> None:
    rng = np.random.default_rng(3)
    talkers = [rng.standard_normal(4000).astype(np.float32) for _ in range(2)]
    b = nz.babble(32000, talkers, rng)
    assert len(b) == 32000
    assert abs(nz.rms(b) - 1.0) < 1e-3


def test_cough_and_door_are_voiced_bursts_of_the_asked_length() -> None:
    rng = np.random.default_rng(4)
    for kind, ms in (("cough", 450), ("door", 900)):
        x = nz.burst(kind, ms, rng)
        assert len(x) == nz.SAMPLE_RATE * ms // 1000
        assert np.max(np.abs(x)) <= 1.0
        # voiced: most energy below 2 kHz (a pitched source through resonances), unlike white
        spec = np.abs(np.fft.rfft(x)) ** 2
        freqs = np.fft.rfftfreq(len(x), 1 / nz.SAMPLE_RATE)
        assert spec[freqs < 2000].sum() / spec.sum() > 0.6


def test_noise_floor_is_low_but_not_digital_silence() -> None:
    x = nz.white(16000, np.random.default_rng(5))
    assert 0 < nz.rms(x)
    assert abs(20 * np.log10(nz.rms(x)) - nz.FLOOR_DBFS) < 0.5


def test_bad_noise_spec_is_a_clear_error() -> None:
    with pytest.raises(ScriptError, match="unknown noise type"):
        from_dict({"name": "x", "steps": [{"noise": {"type": "siren"}, "kind": "noise"}]})
    with pytest.raises(ScriptError, match="snr_db"):
        from_dict({"name": "x", "noise": {"type": "babble"}, "steps": [{"say": "hi"}]})
    with pytest.raises(ScriptError, match="dtmf"):
        from_dict({"name": "x", "steps": [{"dtmf": "12a"}]})
