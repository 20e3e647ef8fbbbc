"""How the end-to-end test measures patient end of speech -> first agent audio (no servers)."""

from __future__ import annotations

import numpy as np
from e2e_patient import FRAME_SAMPLES, SAMPLE_RATE, Turn, last_voiced_frame, latency_report


def frames_of(pcm: np.ndarray) -> np.ndarray:
    return pcm.reshape(-1, FRAME_SAMPLES)


def test_speech_ends_at_the_last_voiced_frame_not_the_end_of_the_file() -> None:
    t = np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE  # 0.5 s of a loud tone = 50 frames
    speech = (3000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
    rng = np.random.default_rng(1)
    tail = rng.normal(0, 20, SAMPLE_RATE // 5).astype(np.int16)  # 0.2 s of mic-like hiss
    assert last_voiced_frame(frames_of(np.concatenate([speech, tail]))) == 49


def test_a_fading_ending_counts_while_it_is_above_the_threshold() -> None:
    fade = np.repeat([2000, 800, 400, 250, 50, 0], FRAME_SAMPLES).astype(np.int16)
    assert last_voiced_frame(frames_of(fade)) == 2  # 250 is below 300


def test_silence_ends_at_the_last_frame() -> None:
    assert last_voiced_frame(np.zeros((7, FRAME_SAMPLES), dtype=np.int16)) == 6


def test_latency_report_per_turn_and_summary() -> None:
    turns = [
        Turn("Hi.", speech_end=10.0, first_agent_audio=11.5),
        Turn("Yes.", speech_end=20.0, first_agent_audio=22.0),
        Turn("Maria.", speech_end=30.0, first_agent_audio=33.0),
        Turn("Bye.", speech_end=40.0),  # never answered
    ]
    heard = {10.0: 11.0, 20.0: 21.25}
    report = latency_report(turns, heard.get)
    assert [r["first_agent_audio_ms"] for r in report["turns"]] == [1500, 2000, 3000, None]
    assert [r["final_transcript_ms"] for r in report["turns"]] == [1000, 1250, None, None]
    assert report["first_agent_audio_ms"] == {"turns": 3, "median": 2000, "max": 3000}
    assert latency_report([], heard.get)["first_agent_audio_ms"]["median"] is None
