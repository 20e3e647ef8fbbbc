"""Voice habits: a filler while a slow tool runs, the call time cap, unsure transcripts."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from livekit.agents.llm import ChatContext, ChatMessage
from support.dialogue import dialogue_call

from agent.call import CallOptions, build_call
from agent.tools import BookingTools
from booking import BookingService


class SlowTools(BookingTools):
    """The real tools, with the clinic database made slow for one search (one seam)."""

    async def find_availability(self, *args: object, **kwargs: object) -> str:
        await asyncio.sleep(0.8)
        return await super().find_availability(*args, **kwargs)  # type: ignore[arg-type]


async def test_slow_tool_gets_a_filler_line(booking_service: BookingService) -> None:
    call = build_call(booking=booking_service, session_id="v1", options=CallOptions(max_call_s=0))
    slow = SlowTools(booking_service, call.state, "v1")
    call.agent.ops = slow
    call.ops = slow
    await call.start()
    await call.session.run(user_input="A checkup on Thursday morning please")
    said = [
        it.text_content
        for it in call.session.history.items
        if isinstance(it, ChatMessage) and it.role == "assistant"
    ]
    assert "Let me check that." in said
    assert any("Thursday" in (s or "") for s in said)
    await call.finish()


async def test_tool_faster_than_the_delay_gets_no_filler(booking_service: BookingService) -> None:
    opts = CallOptions(max_call_s=0, filler_delay_s=5.0)  # the search takes far less than 5 s
    call = build_call(booking=booking_service, session_id="v2", options=opts)
    await call.start()
    await call.session.run(user_input="A checkup on Thursday morning please")
    said = [it.text_content for it in call.session.history.items if isinstance(it, ChatMessage)]
    assert "Let me check that." not in said
    await call.finish()


async def test_time_cap_closes_politely_and_releases_holds(
    booking_service: BookingService,
) -> None:
    opts = replace(CallOptions(), max_call_s=1.5)
    call = build_call(booking=booking_service, session_id="v3", options=opts)
    await call.start()
    await call.session.run(user_input="Book me a checkup Friday at eleven")
    assert len(await booking_service.live_holds("v3")) == 1
    await asyncio.sleep(2.5)
    assert call.state.closing
    assert await booking_service.live_holds("v3") == []
    record = await call.finish()
    assert "run out of time" in record.transcript[-1]["text"]
    assert any(e["type"] == "time_cap" for e in record.events)


async def test_an_unsure_transcript_is_asked_again(booking_service: BookingService) -> None:
    _call, engine = dialogue_call(booking_service, "v4")
    msg = ChatMessage(role="user", content=["a check on tree stay"], transcript_confidence=0.1)
    calls, sentences = engine.step(ChatContext(items=[msg]))
    assert not calls and "unclear" in sentences[0]
    sure = ChatMessage(role="user", content=["a checkup on Thursday"], transcript_confidence=0.9)
    calls, _ = engine.step(ChatContext(items=[msg, sure]))
    assert calls and calls[0][1].name == "find_availability"


async def test_an_unsure_answer_to_the_birth_date_question_is_asked_with_an_example(
    booking_service: BookingService,
) -> None:
    call, engine = dialogue_call(booking_service, "v6")
    await call.start()
    await call.session.run(user_input="Book me a checkup Friday at eleven")
    await call.session.run(user_input="Tom Weller")
    assert call.state.booking.awaiting == "date_of_birth"
    turn = engine.policy.turn("four snazzles", stt_confidence=0.2)
    with pytest.raises(StopIteration) as done:
        next(turn)  # no tool to call: the reply is the generator's return value
    said = " ".join(done.value.value)
    assert "didn't catch your date of birth" in said and "June 5th, 1980" in said
    assert call.state.booking.dob_failures == 1
    await call.finish()


async def test_a_silent_caller_is_asked_if_still_there(booking_service: BookingService) -> None:
    from livekit.agents.voice.events import UserStateChangedEvent

    call = build_call(booking=booking_service, session_id="v5", options=CallOptions(max_call_s=0))
    await call.start()
    call.session.emit(
        "user_state_changed", UserStateChangedEvent(old_state="listening", new_state="away")
    )
    await asyncio.sleep(0.2)
    record = await call.finish()
    assert "still there" in record.transcript[-1]["text"]
    assert any(e["type"] == "caller_silent" for e in record.events)
