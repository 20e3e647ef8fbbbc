"""A call whose language model is the dialogue engine, for tests that step the engine directly."""

from __future__ import annotations

from agent.call import Call, CallOptions, build_call
from agent.dialogue.engine import DialogueEngine
from booking import BookingService


def dialogue_call(booking: BookingService, session_id: str) -> tuple[Call, DialogueEngine]:
    """A call without a time cap, and its dialogue engine."""
    call = build_call(booking=booking, session_id=session_id, options=CallOptions(max_call_s=0))
    engine = call.session.llm
    assert isinstance(engine, DialogueEngine)
    return call, engine
