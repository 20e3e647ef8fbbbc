"""Text mode: each `say` is one user turn through the real AgentSession (`session.run`).

Timing is ignored. Backchannels and noise make no turn. A barge-in cuts the agent's reply
being spoken to the words it would have reached (2.5 words per second) before the line is
added. Keypad steps go to the same handler the worker uses; a hangup ends the call as a
dropped line would, without a goodbye.
"""

from __future__ import annotations

import time
from typing import Any

from livekit.agents.llm import ChatMessage

from agent.call import Call, CallOptions, build_call
from sim.expect import CallOutcome, check
from sim.result import ScenarioResult
from sim.scenario import Scenario, Step
from sim.world import scenario_world

WORDS_PER_SECOND = 2.5
# Text mode ignores timing, so nothing timing-dependent may change the transcript: no filler.
TEXT_CALL_OPTIONS = CallOptions(max_call_s=0, filler=False, keypad=True)


def truncate_words(text: str, barge_in_ms: int) -> str:
    """The part of `text` spoken within `barge_in_ms` at 2.5 words per second."""
    words = text.split()
    keep = int(WORDS_PER_SECOND * barge_in_ms / 1000)
    return " ".join(words[:keep])


def _cut_last_reply(call: Call, barge_in_ms: int) -> int:
    """Edit the chat history so the agent 'said' only what it reached before the barge-in.

    The reply is every assistant message after the last user message (a filler, then the
    answer); words are counted across them in order. Returns the words removed.
    """
    items = call.session.history.items
    last_user = max(
        (i for i, it in enumerate(items) if it.type == "message" and it.role == "user"),
        default=-1,
    )
    budget = int(WORDS_PER_SECOND * barge_in_ms / 1000)
    removed = 0
    for it in items[last_user + 1 :]:
        if not isinstance(it, ChatMessage) or it.role != "assistant":
            continue
        words = (it.text_content or "").split()
        if budget >= len(words):
            budget -= len(words)
            continue
        kept = " ".join(words[:budget])
        removed += len(words) - budget
        budget = 0
        it.content = [kept] if kept else [""]
        it.interrupted = True
    # The agent's own context holds the same message objects in text mode, but keep both in
    # step in case the framework copied them.
    agent_items = {it.id: it for it in call.agent.chat_ctx.items}
    for it in items[last_user + 1 :]:
        twin = agent_items.get(it.id)
        if isinstance(twin, ChatMessage) and isinstance(it, ChatMessage) and twin is not it:
            twin.content = list(it.content)
            twin.interrupted = it.interrupted
    return removed


def agent_lines(call: Call) -> list[str]:
    return [
        it.text_content or ""
        for it in call.session.history.items
        if it.type == "message" and it.role == "assistant" and (it.text_content or "").strip()
    ]


async def run_text(scenario: Scenario, *, preset: str | None = None) -> ScenarioResult:
    """Run one scenario in text mode and check its expectations."""
    t0 = time.perf_counter()
    metrics: dict[str, Any] = {"mode": "text", "turns": 0, "barge_ins": 0, "no_turn_steps": 0}
    async with scenario_world(scenario) as (booking, clock):
        preexisting = frozenset(
            a.id for a in await booking.list_appointments(include_cancelled=True)
        )
        call = build_call(
            booking=booking,
            session_id=f"sim-{scenario.name}",
            clock=clock,
            options=TEXT_CALL_OPTIONS,
        )
        await call.start()
        hung_up = False
        turn_times: list[float] = []
        for step in scenario.steps:
            if step.hangup:
                hung_up = True
                break
            await _step(call, step, metrics, turn_times)
        record = await call.finish("dropped" if hung_up else None)
        holds_left = len(await booking.live_holds())
        outcome = CallOutcome(
            agent_lines=agent_lines(call),
            transferred=call.transferred,
            holds_left=holds_left,
            preexisting_ids=preexisting,
        )
        failures = await check(scenario.expect, booking, outcome)
    metrics.update(
        outcome=record.outcome,
        tool_calls=len(record.tool_calls),
        corrections=len(record.corrections),
        wall_s=round(time.perf_counter() - t0, 3),
    )
    if turn_times:
        metrics["turn_ms_max"] = round(max(turn_times) * 1000, 1)
    return ScenarioResult(
        name=scenario.name,
        passed=not failures,
        failures=failures,
        metrics=metrics,
        transcript=record.transcript,
    )


async def _step(call: Call, step: Step, metrics: dict[str, Any], turn_times: list[float]) -> None:
    if step.dtmf is not None:
        await call.handle_dtmf(step.dtmf)
        return
    if step.silence_ms is not None or step.say is None:
        return
    if not step.makes_turn:
        metrics["no_turn_steps"] += 1
        return
    if step.barge_in_ms is not None:
        metrics["barge_ins"] += 1
        _cut_last_reply(call, step.barge_in_ms)
    t = time.perf_counter()
    await call.session.run(user_input=step.text)
    turn_times.append(time.perf_counter() - t)
    metrics["turns"] += 1
