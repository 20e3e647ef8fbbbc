"""Staff hand-off (transfer or callback), keypad date of birth, silence timeout."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import SimpleNamespace

from booking import BookingService
from phone.telephony import SilenceOptions, SilenceWatch, reach_staff


class RecordingLine:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[tuple[str, str]] = []

    async def transfer(self, participant_identity: str, transfer_to: str) -> None:
        self.calls.append((participant_identity, transfer_to))
        if self.fail:
            raise RuntimeError("no SIP service")


async def test_no_staff_number_creates_a_callback_request(booking_service: BookingService) -> None:
    out = await reach_staff(
        book=booking_service, reason="caller pressed 0", caller="+15551234567",
        participant_identity="sip_x", transfer_to=None, line=RecordingLine(),
    )  # fmt: skip
    assert out.how == "callback" and out.detail == "no staff number configured"
    requests = await booking_service.list_callback_requests()
    assert [(r.caller_phone, r.reason) for r in requests] == [("+15551234567", "caller pressed 0")]
    assert out.callback_id == str(requests[0].id)


async def test_configured_number_transfers_over_sip(booking_service: BookingService) -> None:
    line = RecordingLine()
    out = await reach_staff(
        book=booking_service, reason="r", caller="+15551234567",
        participant_identity="sip_x", transfer_to="tel:+15550199", line=line,
    )  # fmt: skip
    assert out.how == "transferred"
    assert line.calls == [("sip_x", "tel:+15550199")]
    assert await booking_service.list_callback_requests() == []


async def test_failed_transfer_falls_back_to_a_callback(booking_service: BookingService) -> None:
    out = await reach_staff(
        book=booking_service, reason="r", caller=None,
        participant_identity="sip_x", transfer_to="tel:+15550199", line=RecordingLine(fail=True),
    )  # fmt: skip
    assert out.how == "callback" and "RuntimeError" in out.detail
    assert len(await booking_service.list_callback_requests()) == 1


@dataclass
class UserState:
    new_state: str


async def test_silence_watch_asks_then_hangs_up_unless_the_caller_speaks() -> None:
    said: list[str] = []
    hung = asyncio.Event()

    async def say(text: str) -> None:
        said.append(text)

    async def hang_up() -> None:
        hung.set()

    handlers: dict[str, object] = {}
    session = SimpleNamespace(on=lambda name, cb: handlers.__setitem__(name, cb))
    watch = SilenceWatch(say, hang_up, SilenceOptions(answer_s=0.2))
    watch.attach(session)
    assert handlers["user_state_changed"] == watch.on_user_state
    watch.on_user_state(UserState("away"))
    await asyncio.sleep(0.05)
    assert said == ["Are you still there?"]
    watch.on_user_state(UserState("speaking"))  # the caller answered in time
    await asyncio.sleep(0.3)
    assert not hung.is_set() and len(said) == 1
    watch.on_user_state(UserState("listening"))
    watch.on_user_state(UserState("away"))
    await asyncio.wait_for(hung.wait(), 2)
    assert said[1:] == ["Are you still there?", SilenceOptions().goodbye]
    assert watch.ended
