"""Cloud profile wiring without network: tool schemas, instructions, state injection.

A tiny recording LLM stands in for the OpenAI model at the one seam that matters here: it
records what the session would send (instructions + tools) and answers with one sentence.
"""

from __future__ import annotations

from typing import Any

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChatContext, ChoiceDelta
from livekit.agents.llm.tool_context import get_fnc_tool_names, is_function_tool
from livekit.agents.llm.utils import build_legacy_openai_schema, build_strict_openai_schema
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS
from livekit.plugins import openai

from agent.call import CallOptions, build_call
from booking import BookingService

TOOLS = {
    "find_availability",
    "hold_slot",
    "confirm_booking",
    "release_hold",
    "lookup_appointments",
    "cancel_appointment",
    "reschedule_appointment",
    "clinic_info",
    "transfer_to_staff",
}


class RecordingLLM(llm.LLM):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[ChatContext, list[Any]]] = []

    def chat(self, *, chat_ctx: ChatContext, tools: Any = None, **_: Any) -> llm.LLMStream:
        self.requests.append((chat_ctx.copy(), list(tools or [])))
        return _OneLine(
            self, chat_ctx=chat_ctx, tools=tools or [], conn_options=DEFAULT_API_CONNECT_OPTIONS
        )


class _OneLine(llm.LLMStream):
    async def _run(self) -> None:
        self._event_ch.send_nowait(
            ChatChunk(id="r", delta=ChoiceDelta(role="assistant", content="Sure."))
        )


def _instructions(ctx: ChatContext) -> str:
    for item in ctx.items:
        if getattr(item, "role", None) in ("system", "developer"):
            return item.text_content or ""  # type: ignore[union-attr]
    return ""


async def test_tools_have_openai_schemas(booking_service: BookingService) -> None:
    call = build_call(
        booking=booking_service,
        session_id="w1",
        llm=RecordingLLM(),
        options=CallOptions(max_call_s=0),
    )
    assert set(get_fnc_tool_names(call.agent.tools)) == TOOLS
    for tool in call.agent.tools:
        assert is_function_tool(tool)
        legacy = build_legacy_openai_schema(tool)["function"]
        assert legacy["description"], legacy["name"]
        build_strict_openai_schema(tool)  # raises if a type cannot be expressed strictly
        if legacy["name"] == "find_availability":
            props = legacy["parameters"]["properties"]
            assert legacy["parameters"]["required"] == ["visit_type"]
            assert {"provider", "day", "part_of_day", "after", "before"} <= set(props)
            assert "YYYY-MM-DD" in props["day"]["description"]


async def test_each_turn_sends_instructions_with_the_live_state(
    booking_service: BookingService,
) -> None:
    model = RecordingLLM()
    call = build_call(
        booking=booking_service, session_id="w2", llm=model, options=CallOptions(max_call_s=0)
    )
    assert call.policy is None  # the offline engine is not in the loop
    await call.start()
    await call.session.run(user_input="Hi there")
    first = _instructions(model.requests[-1][0])
    assert "Maple Street Family Clinic" in first
    assert "Booking: task=book, stage=collecting" in first
    assert {t.info.name for t in model.requests[-1][1]} == TOOLS  # type: ignore[attr-defined]
    # A tool changes the state; the next request carries it.
    await call.ops.find_availability("checkup", "Patel", "2026-03-05", "morning")
    await call.session.run(user_input="the first one")
    second = _instructions(model.requests[-1][0])
    assert "stage=offering" in second and "offered=[1: Thu 2026-03-05" in second
    await call.finish()


def test_an_openai_llm_builds_a_call_without_network(booking_service: BookingService) -> None:
    model = openai.LLM(model="gpt-4.1-mini", api_key="sk-test", base_url="http://127.0.0.1:9")
    call = build_call(
        booking=booking_service, session_id="w3", llm=model, options=CallOptions(max_call_s=0)
    )
    assert call.session.llm is model
    assert "Current call state" in str(call.agent.instructions)
