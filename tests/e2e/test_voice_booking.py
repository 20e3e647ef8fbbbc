"""A patient books a checkup by voice through the real LiveKit server: synthesized speech in,
the agent's audio and captions out, and the appointment in the database at the end.
Measures patient end of speech -> first agent audio per turn (not asserted: it depends on the
machine's load) and keeps the figures in var/artifacts/e2e/latency.json."""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from e2e_patient import (
    SAMPLE_RATE,
    Patient,
    fetch_token,
    latency_report,
    read_wav,
    write_wav,
)
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


def save_latency(artifacts: Path, report: dict[str, Any]) -> dict[str, Any]:
    """Write the figures where `make test` keeps them (pytest shows prints only under -s),
    with the load they were measured under: on a busy machine they grow by seconds."""
    report = {
        **report,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_1_5_15_min": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    path = artifacts / "e2e" / "latency.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return report


def print_latency(report: dict[str, Any]) -> None:
    summary = report["first_agent_audio_ms"]
    answered = [ms for r in report["turns"] if (ms := r["first_agent_audio_ms"]) is not None]
    if answered:
        print(
            "patient end of speech -> agent first audio (ms, real server, "
            f"{summary['turns']} turns): {answered}; median {summary['median']:.0f}, "
            f"max {summary['max']} (load average {report['load_average_1_5_15_min']})"
        )
    for row in report["turns"]:
        print(
            f"  {row['patient'][:40]!r}: final transcript +{row['final_transcript_ms']} ms,"
            f" first audio +{row['first_agent_audio_ms']} ms"
        )
    print("figures kept in var/artifacts/e2e/latency.json")


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
        report = save_latency(artifacts, latency_report(patient.turns, patient.transcript_after))
        print_latency(report)
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
