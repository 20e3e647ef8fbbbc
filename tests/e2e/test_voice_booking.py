"""A patient books a checkup by voice through the real LiveKit server: synthesized speech in,
the agent's audio and captions out, and the appointment in the database at the end.
Prints the measured patient end-of-speech -> first agent audio times (not asserted)."""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from e2e_patient import SAMPLE_RATE, Patient, fetch_token, read_wav, write_wav
from e2e_stack import Stack

from agent.speech import synthesize_to_pcm
from booking import BookingService

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

NAME = "Maria Lopez"
DOB = date(1985, 3, 5)
OPENING = "Hi, I'd like to book a checkup with Doctor Patel next Tuesday morning."
MAX_TURNS = 9

# What the patient says next, by what the agent just said (first match wins).
REPLIES: list[tuple[tuple[str, ...], str]] = [
    (("all set", "see you then", "you're booked"), ""),
    (("shall i book", "read that back", "is that right", "is that correct"), "Yes, please."),
    (
        ("name and date of birth",),
        "My name is Maria Lopez, and my date of birth is March fifth, 1985.",
    ),
    (("spell",), "M A R I A, L O P E Z."),
    (("full name",), "Maria Lopez."),
    (("date of birth",), "March fifth, 1985."),
    (("would that work",), "Yes, that works."),
    (("which works", "which time", "which one", "i have"), "The first one, please."),
    (("what day",), "Next Tuesday morning."),
    (("what kind of visit",), "A checkup."),
    (("anything else",), "No, that's all. Thank you."),
]


def next_line(agent_said: str, last_line: str) -> str | None:
    """The patient's next line; "" when the booking is done; None when stuck."""
    said = agent_said.lower()
    for keys, line in REPLIES:
        if any(k in said for k in keys):
            return line
    if "sorry" in said or "again" in said:
        return last_line
    return None


def speech_wav(artifacts: Path, line: str, index: int) -> Path:
    """The patient's line as a WAV file (piper voice), the way a recording would arrive."""
    pcm = synthesize_to_pcm(line, "piper", sample_rate=SAMPLE_RATE)
    path = artifacts / "e2e" / f"patient-{index:02d}.wav"
    write_wav(path, pcm, SAMPLE_RATE)
    return path


async def count_appointments(database_url: str) -> int:
    svc = await BookingService.open(database_url, seed=False)
    try:
        return len(await svc.find_appointments(NAME, DOB))
    finally:
        await svc.close()


async def test_patient_books_by_voice_through_livekit(stack: Stack, artifacts: Path) -> None:
    before = await count_appointments(stack.database_url)
    grant = await asyncio.to_thread(fetch_token, stack.web_url)
    patient = Patient()
    await patient.join(grant["url"], grant["token"])
    transcript: list[str] = []
    try:
        await patient.wait_agent_quiet(timeout_s=90)  # the greeting
        greeting = patient.agent_text_since(0)
        transcript.append(f"agent: {greeting}")
        line: str | None = OPENING
        for index in range(MAX_TURNS):
            if not line:
                break
            wav = await asyncio.to_thread(speech_wav, artifacts, line, index)
            pcm = await asyncio.to_thread(read_wav, wav)
            await asyncio.sleep(0.4)  # a natural gap before answering
            turn = await patient.say(line, pcm)
            transcript.append(f"patient: {line}")
            await patient.wait_agent_quiet(timeout_s=60)
            said = patient.agent_text_since(turn.speech_end)
            transcript.append(f"agent: {said}")
            line = next_line(said, line)
    finally:
        print("\n".join(["", "conversation through livekit-server:", *transcript]))
        latencies = [t.latency_s for t in patient.turns if t.latency_s is not None]
        if latencies:
            ms = [round(x * 1000) for x in latencies]
            print(
                f"patient end of speech -> agent first audio (ms, real server, {len(ms)} turns): "
                f"{ms}; median {statistics.median(ms):.0f}, max {max(ms)}"
            )
        for turn in patient.turns:
            heard = patient.transcript_after(turn.speech_end)
            if heard is not None and turn.first_agent_audio is not None:
                stt_ms = (heard - turn.speech_end) * 1000
                audio_ms = (turn.first_agent_audio - turn.speech_end) * 1000
                print(
                    f"  {turn.text[:40]!r}: final transcript +{stt_ms:.0f} ms,"
                    f" first audio +{audio_ms:.0f} ms"
                )
        patient_caps = patient.patient_captions()
        print(f"patient captions from the agent's STT: {patient_caps}")
        await patient.leave()

    assert greeting, "the agent's greeting never arrived as a caption"
    assert patient.agent_audio_frames > 0, "no agent audio came through the server"
    assert patient.patient_captions(), "the patient's speech was never transcribed back"
    assert all(t.first_agent_audio is not None for t in patient.turns), "a turn got no answer"
    assert line == "", f"the booking conversation did not complete:\n{transcript}"
    # The worker writes the appointment in its own process; give the commit a moment.
    deadline = time.monotonic() + 10
    after = before
    while time.monotonic() < deadline and after == before:
        after = await count_appointments(stack.database_url)
        await asyncio.sleep(0.5)
    assert after == before + 1, f"expected one new appointment for {NAME}, found {after - before}"


def test_speech_wav_is_real_audio(artifacts: Path) -> None:
    """The synthesized patient lines are speech, not silence (guards the fixture above)."""
    pcm = read_wav(speech_wav(artifacts, "A checkup.", 99))
    assert len(pcm) > SAMPLE_RATE // 4
    assert float(np.sqrt(np.mean(pcm.astype(np.float64) ** 2))) > 500
