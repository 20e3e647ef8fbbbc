"""The offline engine as the framework drives it: tool rounds, streaming, speculative turns."""

from __future__ import annotations

from livekit.agents.llm import ChatContext, ChatMessage, FunctionCall, FunctionCallOutput
from support.dialogue import dialogue_call

from booking import BookingService


def _ctx(*items: object) -> ChatContext:
    return ChatContext(items=list(items))  # type: ignore[arg-type]


def _user(text: str, id: str) -> ChatMessage:
    return ChatMessage(role="user", content=[text], id=id)


async def test_a_discarded_speculative_turn_leaves_no_trace(
    booking_service: BookingService,
) -> None:
    call, engine = dialogue_call(booking_service, "e1")
    # A guess of the words ("Tuesday") is processed first, then thrown away by the framework.
    guess = _user("a checkup on Tuesday morning", "u-guess")
    calls, _ = engine.step(_ctx(guess))
    assert calls and calls[0][1].name == "find_availability"
    assert call.state.booking.day is not None and call.state.booking.day.weekday() == 1
    # The real turn arrives without the guess in the context: the guess is undone.
    final = _user("a checkup on Wednesday morning", "u-final")
    calls, _ = engine.step(_ctx(final))
    assert call.state.booking.day is not None and call.state.booking.day.weekday() == 2
    assert call.state.corrections == []  # not a correction: Tuesday was never heard
    assert call.state.turns == 1
    assert [e.user for e in call.state.memory.exchanges] == []  # the turn is still running
    fc = FunctionCall(call_id=calls[0][0], name=calls[0][1].name, arguments="{}")
    out = FunctionCallOutput(call_id=calls[0][0], name=fc.name, output="ok", is_error=False)
    # (the tool did not really run here, so the offer is empty and the engine asks again)
    _, sentences = engine.step(_ctx(final, fc, out))
    assert sentences
    assert [e.user for e in call.state.memory.exchanges] == ["a checkup on Wednesday morning"]


async def test_a_committed_turn_is_kept(booking_service: BookingService) -> None:
    call, engine = dialogue_call(booking_service, "e2")
    first = _user("I need a follow-up", "u1")
    _, sentences = engine.step(_ctx(first))
    assert sentences  # asks for the day
    assert call.state.booking.visit_type == "follow-up"
    reply = ChatMessage(role="assistant", content=[" ".join(sentences)])
    second = _user("Friday", "u2")
    engine.step(_ctx(first, reply, second))
    assert call.state.booking.visit_type == "follow-up"  # the first turn stayed
    assert call.state.turns == 2


async def test_reply_streams_one_chunk_per_sentence(booking_service: BookingService) -> None:
    _call, engine = dialogue_call(booking_service, "e3")
    stream = engine.chat(chat_ctx=_ctx(_user("what are your hours and where are you", "u1")))
    chunks = [c async for c in stream]
    assert chunks[0].delta is not None and chunks[0].delta.tool_calls  # clinic_info
    await stream.aclose()
    fcs = chunks[0].delta.tool_calls
    items: list[object] = [_user("what are your hours and where are you", "u1")]
    # answer the first tool round, the engine asks for the second topic next
    for _ in range(3):
        last_calls = [c for c in fcs]
        for fc in last_calls:
            items.append(FunctionCall(call_id=fc.call_id, name=fc.name, arguments=fc.arguments))
            items.append(
                FunctionCallOutput(
                    call_id=fc.call_id, name=fc.name, output=f"{fc.name} answer.", is_error=False
                )
            )
        stream = engine.chat(chat_ctx=_ctx(*items))
        chunks = [c async for c in stream]
        await stream.aclose()
        if chunks and chunks[0].delta is not None and chunks[0].delta.tool_calls:
            fcs = chunks[0].delta.tool_calls
            continue
        break
    texts = [c.delta.content for c in chunks if c.delta is not None and c.delta.content]
    assert len(texts) >= 2, texts  # two answers + "anything else", streamed separately
    assert texts[0] == "clinic_info answer. "
