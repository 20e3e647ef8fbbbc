"""Real phone calls: Debian's sipp dials the gateway with G.711 RTP of a synthesized
patient; the gateway bridges into livekit-server where the worker's agent answers.

Turn timing is a fixed script (sipp cannot wait for the agent), with generous pauses;
outcomes are read from the database and the gateway's log, never from timings.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PhoneStack

from booking import BookingService
from booking.models import CallRecord
from phone.g711 import resample
from phone.options import mask_number
from phone.sippscen import Step, scenario_xml, sipp_argv
from phone.wav import write_g711_wav

pytestmark = [pytest.mark.sip, pytest.mark.slow, pytest.mark.e2e]

PATIENT = {
    "book": "Hi, I'd like to book a checkup with Doctor Patel next Tuesday morning.",
    "time": "Yes, nine in the morning works.",
    "who": "My name is John Smith, and my date of birth is March fifth, 1985.",
    "yes": "Yes, that's correct.",
}
GREETING_MS = 8000  # the gateway answers once the agent is ready; it greets, the patient waits


@pytest.fixture(scope="session")
def patient_wavs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from agent.speech import synthesize_to_pcm

    out = tmp_path_factory.mktemp("patient")
    wavs = {}
    for key, text in PATIENT.items():
        pcm = synthesize_to_pcm(text, voice="piper", sample_rate=16000)
        wavs[key] = write_g711_wav(out / f"{key}.wav", resample(pcm, 16000, 8000), "PCMU")
    return wavs


def place_call(
    stack: PhoneStack,
    steps: Sequence[Step],
    caller: str,
    work: Path,
    *,
    clinic_hangs_up: bool = False,
) -> str:
    """Run one sipp call to completion; returns its Call-ID."""
    scenario = work / "call.xml"
    xml = scenario_xml(steps, caller=caller, work_dir=work, clinic_hangs_up=clinic_hangs_up)
    scenario.write_text(xml)
    sip_port = _free_udp_pair()
    argv = sipp_argv(
        scenario, stack.sip_target, local_port=sip_port, media_port=sip_port + 2, trace_dir=work
    )
    argv += ["-trace_shortmsg", "-shortmessage_file", str(work / "short.log")]
    done = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"sipp failed ({done.returncode}):\n{done.stdout[-2000:]}"
    call_ids = re.findall(r"Call-ID: (\S+)", (work / "sipp_messages.log").read_text())
    assert call_ids, "sipp logged no Call-ID"
    return call_ids[0]


def _free_udp_pair() -> int:
    import socket

    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1]) & ~1
        try:
            socks = []
            for p in (port, port + 2, port + 3):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no free UDP ports")


async def wait_for_call(database_url: str, caller: str, timeout_s: float = 60.0) -> CallRecord:
    """The worker saves the record once the call has ended (after the caller's BYE)."""
    svc = await BookingService.open(database_url, seed=False)
    try:
        for _ in range(int(timeout_s * 2)):
            for record in await svc.list_calls():
                if record.caller == caller and record.ended_at is not None:
                    return record
            await asyncio.sleep(0.5)
    finally:
        await svc.close()
    raise AssertionError(f"no finished call record for caller {mask_number(caller)}")


def gateway_stats(stack: PhoneStack, call_id: str) -> dict[str, int | str]:
    pattern = rf"call {re.escape(call_id)} ended: rtp in (\d+) .*?, out (\d+) "
    pattern += r"\(voiced (\d+)\), dtmf (\S+)"
    for _ in range(40):  # the gateway logs the end after leaving the room
        if m := re.search(pattern, stack.log("phone")):
            break
        time.sleep(0.25)
    assert m, f"the gateway logged no end of call {call_id}"
    return {"in": int(m[1]), "out": int(m[2]), "voiced": int(m[3]), "dtmf": m[4]}


@dataclass(frozen=True)
class PlacedCall:
    caller: str
    call_id: str
    stats: dict[str, int | str]
    record: CallRecord

    def transcript(self) -> str:
        return "\n".join(f"{t.get('t')} {t['role']}: {t['text']}" for t in self.record.transcript)


@pytest.fixture(scope="module")
def booking_call(
    phone_stack: PhoneStack, patient_wavs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> PlacedCall:
    """One scripted booking call; pauses leave room for a slow agent on a busy machine
    (a second "yes" is harmless after the booking and confirms it if the first came early)."""
    caller = "+15557654321"
    steps: list[Step] = [
        ("wait", GREETING_MS),
        ("play", patient_wavs["book"]),
        ("wait", 16000),
        ("play", patient_wavs["time"]),
        ("wait", 14000),
        ("play", patient_wavs["who"]),
        ("wait", 18000),
        ("play", patient_wavs["yes"]),
        ("wait", 12000),
        ("play", patient_wavs["yes"]),
        ("wait", 8000),
    ]
    call_id = place_call(phone_stack, steps, caller, tmp_path_factory.mktemp("sipp"))
    stats = gateway_stats(phone_stack, call_id)
    record = asyncio.run(wait_for_call(phone_stack.database_url, caller))
    return PlacedCall(caller, call_id, stats, record)


def test_agent_answers_the_phone_and_understands_the_request(booking_call: PlacedCall) -> None:
    assert int(booking_call.stats["voiced"]) > 250, booking_call.stats  # > 5 s of agent voice
    assert int(booking_call.stats["in"]) > 500  # the patient's 20 ms packets all arrived
    lines = booking_call.record.transcript
    patient = [t for t in lines if t["role"] in ("user", "patient")]
    assert patient and re.search(r"check-?up", patient[0]["text"], re.I), booking_call.transcript()
    replies = [t["text"] for t in lines if t["role"] == "agent" and t["t"] > patient[0]["t"]]
    # the agent answered the request with Doctor Patel's times on the asked day
    assert any("Patel" in r and "Tuesday" in r for r in replies), booking_call.transcript()


def speech_diagnostics(stack: PhoneStack) -> str:
    """The worker's log lines about dropped speech and skipped turns (for a failure message)."""
    wanted = ("stt final", "skipping user input", "event loop blocked")
    lines = [ln for ln in stack.log("worker").splitlines() if any(w in ln for w in wanted)]
    return "\n".join(ln[:300] for ln in lines[-20:])


def test_phone_call_books_an_appointment(booking_call: PlacedCall, phone_stack: PhoneStack) -> None:
    assert booking_call.record.outcome == "booked", (
        f"{booking_call.transcript()}\n--- worker log ---\n{speech_diagnostics(phone_stack)}"
    )

    async def appointments() -> list[str]:
        svc = await BookingService.open(phone_stack.database_url, seed=False)
        try:
            return [a.patient_name for a in await svc.list_appointments()]
        finally:
            await svc.close()

    assert "John Smith" in asyncio.run(appointments())


def test_caller_number_is_recorded_but_masked_in_logs(
    booking_call: PlacedCall, phone_stack: PhoneStack
) -> None:
    assert booking_call.record.caller == booking_call.caller
    digits = booking_call.caller.lstrip("+")
    assert digits not in phone_stack.log("phone")
    assert digits not in phone_stack.log("worker")
    assert mask_number(booking_call.caller) in phone_stack.log("phone")


def test_dtmf_zero_reaches_staff_as_a_callback_request(
    phone_stack: PhoneStack, patient_wavs: dict[str, Path], tmp_path: Path
) -> None:
    caller = "+15550001111"
    # the caller waits for the hand-off after pressing 0 (on a loaded machine the agent's
    # process can take ~10 s to act on the key)
    steps: list[Step] = [("wait", GREETING_MS), ("dtmf", "0"), ("wait", 20000)]
    call_id = place_call(phone_stack, steps, caller, tmp_path)
    assert gateway_stats(phone_stack, call_id)["dtmf"] == "0"
    record = asyncio.run(wait_for_call(phone_stack.database_url, caller))
    assert any(e.get("type") == "dtmf" or e.get("kind") == "dtmf" for e in record.events), (
        record.events
    )

    async def callbacks() -> list[str | None]:
        svc = await BookingService.open(phone_stack.database_url, seed=False)
        try:
            for _ in range(20):  # the hand-off may land just after the record
                found = [c.caller_phone for c in await svc.list_callback_requests()]
                if caller in found:
                    break
                await asyncio.sleep(0.5)
            return found
        finally:
            await svc.close()

    # no staff number is configured on this machine: the hand-off is a callback request
    assert caller in asyncio.run(callbacks())


def test_silent_caller_is_asked_then_the_clinic_hangs_up(
    phone_stack: PhoneStack, tmp_path: Path
) -> None:
    """Silence timeout end to end: "are you still there?", goodbye, the agent leaves, and
    the gateway sends BYE (sipp's call fails unless that BYE arrives)."""
    caller = "+15550002222"
    call_id = place_call(phone_stack, [("wait", 500)], caller, tmp_path, clinic_hangs_up=True)
    assert re.search(rf"call {re.escape(call_id)}: hanging up", phone_stack.log("phone"))
    record = asyncio.run(wait_for_call(phone_stack.database_url, caller))
    agent_lines = " ".join(t["text"] for t in record.transcript if t["role"] == "agent")
    assert "still there" in agent_lines and "end the call" in agent_lines, record.transcript
    assert record.outcome != "booked"
