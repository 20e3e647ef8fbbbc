"""The offline dialogue engine: a deterministic `llm.LLM` driven by the dialogue policy.

The framework treats it like any LLM: `chat()` gets the chat context and returns a stream.
A new user message starts a policy turn; when the turn needs tools the stream emits
`FunctionToolCall`s, the framework runs the agent's real tools and calls `chat()` again with
their outputs in the context, and the turn goes on. The reply is streamed sentence by
sentence so TTS can start speaking the first one while the rest follows.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChatContext, ChoiceDelta, FunctionToolCall
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions

from agent.dialogue.policy import Policy
from agent.dialogue.turn_types import ToolCall, ToolOutcome, TurnGen

log = logging.getLogger(__name__)

FALLBACK = "Sorry, something went wrong on my side. Could you say that again?"


@dataclass
class _Turn:
    message_id: str
    gen: TurnGen
    pending: list[tuple[str, ToolCall]]  # (call_id, call) awaiting outputs


class DialogueEngine(llm.LLM):
    """One per call: it owns the policy (and through it the call's dialogue state)."""

    def __init__(self, policy: Policy) -> None:
        super().__init__()
        self.policy = policy
        self._turn: _Turn | None = None
        self._last_start: tuple[str, Any] | None = None  # (user message id, state before it)
        self._ids = itertools.count(1)

    @property
    def model(self) -> str:
        return "clinic-dialogue-engine"

    @property
    def provider(self) -> str:
        return "offline"

    def chat(
        self,
        *,
        chat_ctx: ChatContext,
        tools: list[Any] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        extra_kwargs: Any = NOT_GIVEN,
    ) -> DialogueStream:
        return DialogueStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)

    # -- the turn machine ------------------------------------------------------------------
    def step(self, chat_ctx: ChatContext) -> tuple[list[tuple[str, ToolCall]], list[str]]:
        """Advance the conversation: either tool calls to run or reply sentences to speak."""
        items = chat_ctx.items
        user_idx = next(
            (
                i
                for i in range(len(items) - 1, -1, -1)
                if isinstance(items[i], llm.ChatMessage) and _role(items[i]) == "user"
            ),
            None,
        )
        if user_idx is None:
            return [], [self.policy.greeting()]
        msg = items[user_idx]
        assert isinstance(msg, llm.ChatMessage)
        turn = self._turn
        try:
            if turn is not None and turn.message_id == msg.id and turn.pending:
                outputs = {
                    it.call_id: it
                    for it in items[user_idx + 1 :]
                    if it.type == "function_call_output"
                }
                outcomes = []
                for call_id, call in turn.pending:
                    out = outputs.get(call_id)
                    if out is None:
                        outcomes.append(ToolOutcome(call.name, "The tool did not run.", True))
                    else:
                        outcomes.append(ToolOutcome(call.name, out.output, out.is_error))
                calls = turn.gen.send(outcomes)
            else:
                if turn is not None:
                    turn.gen.close()  # an interrupted turn: its state changes stay, reply dropped
                self._roll_back_speculation(items, msg.id)
                text = (msg.text_content or "").strip()
                gen = self.policy.turn(text, stt_confidence=msg.transcript_confidence)
                self._turn = turn = _Turn(msg.id, gen, [])
                calls = next(gen)
        except StopIteration as stop:
            self._turn = None
            sentences: list[str] = stop.value or []
            return [], sentences
        except Exception:
            log.exception("dialogue policy failed")
            self._turn = None
            return [], [FALLBACK]
        turn.pending = [(f"call_{next(self._ids)}", c) for c in calls]
        return turn.pending, []

    def _roll_back_speculation(self, items: list[Any], message_id: str) -> None:
        """Undo a turn that never happened, then remember the state before this one.

        With preemptive generation the framework may run the LLM on a guess of the user's
        words and later throw that attempt away; the thrown-away user message is then absent
        from the context of the next request. Its state changes are undone (its tool calls
        never ran: the framework runs tools only for speech it plays).
        """
        last = self._last_start
        if last is not None and last[0] != message_id:
            if all(getattr(it, "id", None) != last[0] for it in items):
                self.policy.restore(last[1])
                log.debug("rolled back a discarded speculative turn")
        self._last_start = (message_id, self.policy.snapshot())


def _role(item: object) -> str | None:
    return getattr(item, "role", None)


class DialogueStream(llm.LLMStream):
    async def _run(self) -> None:
        engine = self._llm
        assert isinstance(engine, DialogueEngine)
        calls, sentences = engine.step(self._chat_ctx)
        request_id = f"dlg_{id(self):x}"
        if calls:
            self._event_ch.send_nowait(
                ChatChunk(
                    id=request_id,
                    delta=ChoiceDelta(
                        role="assistant",
                        tool_calls=[
                            FunctionToolCall(
                                name=c.name,
                                arguments=json.dumps(c.args),
                                call_id=call_id,
                            )
                            for call_id, c in calls
                        ],
                    ),
                )
            )
            return
        for i, sentence in enumerate(sentences):
            text = sentence if i == len(sentences) - 1 else sentence + " "
            self._event_ch.send_nowait(
                ChatChunk(id=request_id, delta=ChoiceDelta(role="assistant", content=text))
            )
            await asyncio.sleep(0)  # let the TTS node take the first sentence now
