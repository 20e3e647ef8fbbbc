"""What a finished call leaves behind: its record (tracks, corrections, the audio recording)
and the clinic's holds while the call is still going, through the real AgentSession."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.call import CallOptions, build_call
from booking import BookingService

OPTS = CallOptions(max_call_s=0, filler_delay_s=30.0)  # no filler: timing must not matter


async def test_side_question_and_correction_reach_the_saved_record(
    booking_service: BookingService,
) -> None:
    call = build_call(booking=booking_service, session_id="rec-side", options=OPTS)
    await call.start()
    for line in ("A checkup on Tuesday morning please", "is there parking?", "no wait, Wednesday"):
        await call.session.run(user_input=line)
    await call.finish()
    saved = await booking_service.get_call("rec-side")
    assert saved is not None
    patient = [(t["track"], t["text"]) for t in saved.transcript if t["role"] == "patient"]
    assert patient == [
        ("booking", "A checkup on Tuesday morning please"),
        ("side", "is there parking?"),
        ("correction", "no wait, Wednesday"),
    ]
    agent = [t for t in saved.transcript if t["role"] == "agent"]
    assert agent[2]["track"] == "side" and "park" in agent[2]["text"].lower()
    assert [(q["topic"], q["answered"]) for q in saved.state["side"]] == [("parking", True)]
    assert saved.corrections == [
        {
            "field": "day",
            "old": "2026-03-03",
            "new": "2026-03-04",
            "utterance": "no wait, Wednesday",
        }
    ]


class FinishedRecording:
    """The framework's recorder as `Call` reads it: an `output_path`, written on close (the
    real one is only complete once the session has closed, so the copy must come after)."""

    def __init__(self, path: Path) -> None:
        self.output_path = path
        self.closed = False

    async def aclose(self) -> None:
        self.output_path.write_bytes(b"OggS audio")
        self.closed = True


async def _recorded_call(
    booking: BookingService, tmp_path: Path, *, record_audio: bool
) -> tuple[FinishedRecording, str | None]:
    # The framework records only inside a LiveKit job with room audio, which this machine's
    # tests have not got: the recorder is put where the session keeps it, after start().
    call = build_call(
        booking=booking,
        session_id="rec-audio",
        options=CallOptions(max_call_s=0, filler=False, record_audio=record_audio),
    )
    await call.start()
    recorder = FinishedRecording(tmp_path / "job-session" / "audio.ogg")
    recorder.output_path.parent.mkdir()
    call.session._recorder_io = recorder  # type: ignore[assignment]
    await call.session.run(user_input="what are your hours?")
    record = await call.finish()
    return recorder, record.recording_path


def _contents(path: str) -> bytes:
    return Path(path).read_bytes()


async def test_the_recording_is_kept_under_var_recordings(
    booking_service: BookingService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default folder is var/recordings under the project
    recorder, path = await _recorded_call(booking_service, tmp_path, record_audio=True)
    assert recorder.closed
    assert path == str(Path("var/recordings/rec-audio.ogg"))
    assert _contents(path) == b"OggS audio"  # the whole file, copied after closing
    saved = await booking_service.get_call("rec-audio")
    assert saved is not None and saved.recording_path == path


async def test_no_recording_is_kept_when_the_clinic_turns_it_off(
    booking_service: BookingService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, path = await _recorded_call(booking_service, tmp_path, record_audio=False)
    assert path is None
    assert not (tmp_path / "var").exists()


async def test_holds_follow_the_call_before_it_ends(booking_service: BookingService) -> None:
    call = build_call(booking=booking_service, session_id="rec-holds", options=OPTS)
    await call.start()
    await call.session.run(user_input="Book a checkup Thursday at ten")
    held = await booking_service.live_holds("rec-holds")
    assert [h.slot.start.strftime("%a %H:%M") for h in held] == ["Thu 10:00"]
    # A new day replaces the hold: the old one goes now, not when the call ends.
    await call.session.run(user_input="Actually, can we do Friday at ten instead?")
    held = await booking_service.live_holds("rec-holds")
    assert [h.slot.start.strftime("%a %H:%M") for h in held] == ["Fri 10:00"]
    await call.session.run(user_input="Jane Doe, January second, nineteen ninety")
    await call.session.run(user_input="No, actually I changed my mind, I don't want it")
    assert await booking_service.live_holds("rec-holds") == []  # released mid-call
    assert not call.finished
    record = await call.finish()
    assert not any(e["type"] == "holds_released" for e in record.events)  # none were left
