"""VirtualPatient timing rules (FORMAT.md) against a real SpeakerOutput, no agent session.

The "agent" here is audio pushed straight into the speaker; the patient's voice is a tone (the
synthesizer seam), so these run in about a second without speech models.
"""

from __future__ import annotations

import asyncio

import numpy as np
from livekit import rtc

from sim.audio import noise as nz
from sim.audio import timeline as tl
from sim.audio.clock import RealClock
from sim.audio.io import PatientAudioInput, SpeakerOutput
from sim.audio.patient import PatientOptions, VirtualPatient
from sim.audio.script import from_dict

SR = 24_000


def tone(text: str, voice: str) -> np.ndarray:
    """0.1 s of tone per word, at the speech level."""
    n = int(nz.SAMPLE_RATE * 0.1 * max(1, len(text.split())))
    x = np.sin(2 * np.pi * 220 * np.arange(n) / nz.SAMPLE_RATE).astype(np.float32)
    return nz.normalize(x)


async def agent_says(out: SpeakerOutput, seconds: float, delay: float = 0.05) -> None:
    await asyncio.sleep(delay)
    n = SR // 20
    frame = rtc.AudioFrame((np.ones(n, dtype=np.int16) * 3000).tobytes(), SR, 1, n)
    for _ in range(round(seconds / 0.05)):
        await out.capture_frame(frame)
    out.flush()


async def drain(
    mic: PatientAudioInput, sink: list[tuple[float, np.ndarray]], clock: RealClock
) -> None:
    async for f in mic:
        sink.append((clock.now(), np.frombuffer(f.data, dtype=np.int16).astype(np.float32) / 32768))


async def run(steps: list[dict], agent_s: float) -> tuple[VirtualPatient, tl.Timeline, list]:
    clock = RealClock()
    timeline = tl.Timeline()
    speaker = SpeakerOutput(clock, timeline)
    mic = PatientAudioInput()
    script = from_dict({"name": "t", "steps": steps})
    patient = VirtualPatient(
        script, mic, speaker, clock, timeline, options=PatientOptions(reply_timeout_s=1), synth=tone
    )
    frames: list[tuple[float, np.ndarray]] = []
    reader = asyncio.create_task(drain(mic, frames, clock))
    agent = asyncio.create_task(agent_says(speaker, agent_s))
    await patient.run()
    await agent
    await reader
    await speaker.aclose()
    return patient, timeline, frames


async def test_barge_in_starts_after_the_agent_is_heard_and_while_it_plays() -> None:
    patient, timeline, _ = await run(
        [{"say": "okay", "kind": "backchannel", "barge_in_ms": 300}, {"hangup": True}], agent_s=1.0
    )
    rec = patient.records[0]
    audio_start = timeline.of(tl.AGENT_AUDIO_START)[0].t
    assert rec.reply_start == audio_start
    assert rec.start is not None and rec.start >= audio_start + 0.3
    assert rec.agent_audible_at_start and not rec.late_barge_in
    # hangup waits for the agent to finish its reply
    assert timeline.of(tl.PATIENT_HANGUP)[0].t >= timeline.of(tl.AGENT_AUDIO_END)[0].t


async def test_late_barge_in_speaks_right_after_the_agent_finishes() -> None:
    patient, timeline, _ = await run(
        [{"say": "the second one", "barge_in_ms": 1500}, {"hangup": True}], agent_s=0.3
    )
    rec = patient.records[0]
    assert rec.late_barge_in
    end = timeline.of(tl.AGENT_AUDIO_END)[0].t
    assert rec.start is not None and rec.start >= end
    assert not rec.agent_audible_at_start


async def test_turn_waits_for_the_agent_then_the_gap() -> None:
    patient, timeline, _ = await run([{"say": "hello there", "gap_ms": 300}], agent_s=0.4)
    rec = patient.records[0]
    end = timeline.of(tl.AGENT_AUDIO_END)[0].t
    assert rec.start is not None and rec.start >= end + 0.3


async def test_pause_is_real_silence_inside_the_utterance() -> None:
    patient, timeline, frames = await run([{"say": "one two [pause 500] three four"}], agent_s=0.2)
    rec = patient.records[0]
    (pause,) = rec.pauses
    assert abs((pause[1] - pause[0]) - 0.5) < 1e-6
    assert rec.start is not None and rec.end is not None
    assert rec.start < pause[0] < pause[1] < rec.end
    # the frames pushed during the pause carry only the line-noise floor, never digital zero
    pushed = np.concatenate([f for _, f in frames])
    t0 = patient.pacer.start
    a = int((pause[0] - t0) * nz.SAMPLE_RATE) + 320
    b = int((pause[1] - t0) * nz.SAMPLE_RATE) - 320
    quiet = pushed[a:b]
    assert 0 < nz.rms(quiet) < nz.db_to_amp(-55)
    speech = pushed[int((rec.start - t0) * nz.SAMPLE_RATE) : a - 320]
    assert nz.rms(speech) > nz.db_to_amp(-30)
    kinds = [e.kind for e in timeline if e.kind.startswith("patient_")]
    assert kinds[:4] == [
        tl.PATIENT_SPEECH_START,
        tl.PATIENT_PAUSE_START,
        tl.PATIENT_PAUSE_END,
        tl.PATIENT_SPEECH_END,
    ]


async def test_dtmf_reaches_the_handler() -> None:
    clock = RealClock()
    timeline = tl.Timeline()
    speaker = SpeakerOutput(clock, timeline)
    mic = PatientAudioInput()
    got: list[str] = []

    async def on_dtmf(d: str) -> None:
        got.append(d)

    script = from_dict({"name": "t", "steps": [{"dtmf": "0"}, {"hangup": True}]})
    patient = VirtualPatient(
        script,
        mic,
        speaker,
        clock,
        timeline,
        on_dtmf=on_dtmf,
        options=PatientOptions(reply_timeout_s=0.3),
        synth=tone,
    )
    reader = asyncio.create_task(drain(mic, [], clock))
    await patient.run()
    await reader
    assert got == ["0"]
    assert timeline.of(tl.PATIENT_DTMF)[0].data["digits"] == "0"
