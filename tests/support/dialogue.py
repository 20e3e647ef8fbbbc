"""A call whose language model is the dialogue engine, for tests that step the engine directly."""

from __future__ import annotations

from collections.abc import Sequence

from agent.call import Call, CallOptions, build_call
from agent.dialogue.engine import DialogueEngine
from booking import BookingService


def dialogue_call(booking: BookingService, session_id: str) -> tuple[Call, DialogueEngine]:
    """A call without a time cap, and its dialogue engine."""
    call = build_call(booking=booking, session_id=session_id, options=CallOptions(max_call_s=0))
    engine = call.session.llm
    assert isinstance(engine, DialogueEngine)
    return call, engine


async def agent_lines(call: Call, lines: Sequence[str]) -> list[str]:
    """Start the call, say `lines` one turn each, finish it: what the agent said, in order."""
    await call.start()
    for line in lines:
        await call.session.run(user_input=line)
    record = await call.finish()
    return [t["text"] for t in record.transcript if t["role"] == "agent"]
