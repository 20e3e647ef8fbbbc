"""One call end to end through the real AgentSession with the offline engine (text only)."""

from __future__ import annotations

import json

from livekit.agents.voice.run_result import RunResult

from agent.call import CallOptions, build_call
from booking import BookingService

# No filler in these tests: on a busy machine a tool may take longer than 0.3 s.
OPTS = CallOptions(max_call_s=0, filler_delay_s=30.0)


async def test_a_turn_runs_the_real_tools_and_streams_a_reply(
    booking_service: BookingService,
) -> None:
    call = build_call(booking=booking_service, session_id="c1", options=OPTS)
    await call.start()
    r: RunResult[None] = await call.session.run(
        user_input="I'd like a checkup with Doctor Patel on Thursday morning"
    )
    r.expect.next_event().is_function_call(name="find_availability")
    r.expect.next_event().is_function_call_output()
    msg = r.expect.next_event().is_message(role="assistant")
    assert "Thursday" in (msg.event().item.text_content or "")
    args = json.loads(r.events[0].item.arguments)  # type: ignore[union-attr]
    assert args == {
        "visit_type": "checkup",
        "provider": "Ana Patel",
        "day": "2026-03-05",
        "part_of_day": "morning",
    }
    await call.finish()


async def test_hangup_mid_hold_releases_and_records_dropped(
    booking_service: BookingService,
) -> None:
    call = build_call(booking=booking_service, session_id="c2", options=OPTS)
    await call.start()
    await call.session.run(user_input="Book me a checkup Friday at eleven")
    assert len(await booking_service.live_holds("c2")) == 1
    record = await call.finish("dropped")
    assert record.outcome == "dropped"
    assert await booking_service.live_holds("c2") == []
    saved = await booking_service.get_call("c2")
    assert saved is not None and saved.outcome == "dropped"
    assert saved.state["booking"]["stage"] == "held"
    assert [t["name"] for t in saved.tool_calls] == ["find_availability", "hold_slot"]
    roles = [t["role"] for t in saved.transcript]
    assert roles == ["agent", "patient", "agent"]
    assert saved.transcript[0]["track"] == "greeting"
    assert await call.finish() is record  # idempotent


async def test_full_booking_is_recorded_as_booked_even_after_a_hangup(
    booking_service: BookingService,
) -> None:
    call = build_call(booking=booking_service, session_id="c3", options=OPTS)
    await call.start()
    for line in (
        "Book a vaccination on Friday at ten",
        "Maria Lopez, March third, nineteen eighty five",
        "yes",
    ):
        await call.session.run(user_input=line)
    record = await call.finish("dropped")
    assert record.outcome == "booked"
    appts = await booking_service.list_appointments()
    assert [(a.patient_name, a.slot.start.hour) for a in appts] == [("Maria Lopez", 10)]


async def test_keypad_zero_transfers_and_says_so(booking_service: BookingService) -> None:
    call = build_call(booking=booking_service, session_id="c4", options=OPTS)
    await call.start()
    await call.session.run(user_input="I need a sick visit tomorrow at nine")
    await call.handle_dtmf("0")
    assert call.transferred
    record = await call.finish()
    assert record.outcome == "transferred"
    assert "staff" in record.transcript[-1]["text"]
    assert await booking_service.live_holds() == []
    assert [e["type"] for e in record.events][:2] == ["dtmf", "transfer"]


async def test_corrections_reach_the_record(booking_service: BookingService) -> None:
    call = build_call(booking=booking_service, session_id="c5", options=OPTS)
    await call.start()
    await call.session.run(user_input="A checkup on Tuesday morning please")
    await call.session.run(user_input="no wait, Wednesday")
    record = await call.finish()
    assert [(c["field"], c["old"], c["new"]) for c in record.corrections] == [
        ("day", "2026-03-03", "2026-03-04")
    ]
    assert record.transcript[-1]["track"] == "correction"
    assert record.outcome == "no_booking"


async def test_a_callback_handoff_is_not_announced_as_a_transfer(
    booking_service: BookingService,
) -> None:
    call = build_call(booking=booking_service, session_id="c6", options=OPTS)
    reasons: list[str] = []

    async def handoff(reason: str) -> str:  # the worker's phone hand-off, at its seam
        reasons.append(reason)
        return "callback"

    call.ops.staff_handoff = handoff
    await call.start()
    await call.session.run(user_input="Can I talk to a real person please?")
    record = await call.finish()
    assert reasons == ["Can I talk to a real person please?"]
    assert "call you back" in record.transcript[-1]["text"]
    assert record.outcome == "transferred" and record.state["transfer_how"] == "callback"


async def test_the_stt_hears_what_the_agent_just_asked_for(
    booking_service: BookingService,
) -> None:
    from collections.abc import Collection
    from types import SimpleNamespace

    from livekit.agents import ConversationItemAddedEvent, llm

    from agent.speech.stt_whisper import WhisperSTT

    asked: list[set[str]] = []

    class HintedSTT(WhisperSTT):  # never decodes here: only the hint is checked
        def expect_answer(self, asked_for: Collection[str]) -> None:
            asked.append(set(asked_for))

    call = build_call(
        booking=booking_service,
        session_id="c-hint",
        options=OPTS,
        engines=SimpleNamespace(stt=HintedSTT()),
        preset="natural",
    )
    question = llm.ChatMessage(role="assistant", content=["May I have your full name?"])
    call.session.emit("conversation_item_added", ConversationItemAddedEvent(item=question))
    answer = llm.ChatMessage(role="user", content=["Maria Lopez"])
    call.session.emit("conversation_item_added", ConversationItemAddedEvent(item=answer))
    assert asked == [{"name"}]
