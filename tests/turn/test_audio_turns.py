"""Turn taking through the audio simulator: real VAD, STT, TTS and AgentSession, in real time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.turn import is_backchannel

pytestmark = pytest.mark.slow

AUDIO = Path(__file__).resolve().parents[1] / "scenarios" / "audio"
OWN = Path(__file__).resolve().parent / "scenarios"
MAX_FRAME_LATE_MS = 300.0


async def run(
    path: Path, monkeypatch: pytest.MonkeyPatch, on_call: Callable[[Any], None] | None = None
) -> tuple[Any, Any]:
    from sim.audio import runner

    built: list[Any] = []
    original = runner._build_call

    def build(booking: Any, opts: Any, session_id: str) -> Any:
        call = original(booking, opts, session_id)
        built.append(call)
        if on_call is not None:
            on_call(call)
        return call

    monkeypatch.setattr(runner, "_build_call", build)
    result = await runner.run_scenario(path, runner.RunOptions(preset="natural"))
    late = result.metrics.frame_late_ms_p99 or 0.0
    if late > MAX_FRAME_LATE_MS:
        # the simulator could not keep real time (CPU starved): timings and even what the
        # VAD heard are not the product's behaviour any more
        pytest.skip(f"machine too busy for real-time audio: p99 frame lateness {late:.0f} ms")
    return result, built[0]


def chat(result: Any, role: str) -> list[dict[str, Any]]:
    return [e.data for e in result.timeline.of("chat_item") if e.data.get("role") == role]


async def test_backchannels_resume_the_agent_and_never_become_turns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, call = await run(AUDIO / "backchannel-mhm-okay.yaml", monkeypatch)
    kinds = [e.kind for e in result.timeline]
    assert "agent_audio_pause" in kinds
    assert "agent_audio_resume" in kinds  # continued where it paused, not restarted
    user_lines = [d["text"] for d in chat(result, "user")]
    assert user_lines, "the opening question must be a turn"
    events = call.turn.metrics()["events"]
    assert not any(is_backchannel(text) for text in user_lines), (user_lines, events)
    misheard = [
        e["words"]
        for e in events
        if e["kind"] == "overlap"
        and e["verdict"] == "interruption"
        and not is_backchannel(e["words"])
    ]
    if misheard:
        # whisper base sometimes writes piper's "mhm" as words ("And May Chen?", the clinic's
        # provider and a month from its prompt): the policy rightly stops for words; how often
        # the STT does this is measured by `make bench` (false stops), not asserted here
        pytest.skip(f"the STT wrote the backchannel as words: {misheard}")
    assert result.metrics.false_stops == 0
    turn = call.turn.metrics()
    assert turn["backchannels"] >= 1 and turn["interruptions"] == 0


async def test_a_real_interruption_stops_truncates_and_is_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, call = await run(AUDIO / "interrupt-early.yaml", monkeypatch)
    clears = result.timeline.of("agent_audio_clear")
    assert clears, "the agent must stop"
    cut = clears[0].data
    assert cut["position"] < cut["pushed"]  # stopped before the end of what was synthesized
    interrupted = [d for d in chat(result, "assistant") if d.get("interrupted")]
    assert interrupted, "the cut reply is marked interrupted in the history"
    assert result.metrics.missed_interruptions == 0
    assert any("friday" in (d["text"] or "").lower() for d in chat(result, "user"))
    assert call.turn.metrics()["interruptions"] >= 1
    assert any(
        "Friday" in line
        for line in result.timeline.of("agent_transcript")
        for line in [line.data.get("text", "")]
    )


async def test_a_keypad_press_stops_the_agent_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    pressed: list[float] = []

    def on_call(call: Any) -> None:
        replies = {"n": 0}

        def on_state(ev: Any) -> None:
            if ev.new_state != "speaking":
                return
            replies["n"] += 1
            if replies["n"] == 2 and not pressed:  # the first reply after the greeting
                pressed.append(1.0)
                loop = asyncio.get_running_loop()
                loop.call_later(0.8, lambda: asyncio.ensure_future(call.handle_dtmf("5")))

        call.session.on("agent_state_changed", on_state)

    result, call = await run(OWN / "dtmf-during-reply.yaml", monkeypatch, on_call)
    assert pressed, "the agent never replied"
    assert result.timeline.of("agent_audio_clear"), "the keypad press must cut the reply"
    assert any(d.get("interrupted") for d in chat(result, "assistant"))
    assert call.turn.metrics()["dtmf"] == 1


async def test_a_pause_after_words_that_may_be_complete_is_not_cut_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "I'd like a checkup on Tuesday [pause 700] no, Thursday morning": the words could end the
    # turn and the audio model leans to "finished"; the hold keeps the agent quiet in the pause
    result, _ = await run(AUDIO / "correction-after-pause.yaml", monkeypatch)
    assert result.metrics.steps_with_pause == 1
    assert result.metrics.cutoffs == 0, [(e.t, e.kind) for e in result.timeline]
    assert result.passed, result.failures


async def test_background_talk_on_the_line_does_not_mute_the_agent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # babble 15 dB under the caller for the whole call: it used to hold the caller "speaking"
    # from the first second, so the greeting never played and the question went unanswered
    result, _ = await run(AUDIO / "babble-line-backchannel.yaml", monkeypatch)
    said = [d["text"] for d in chat(result, "assistant")]
    assert said and said[0].startswith("Thanks for calling"), said
    assert result.passed, (result.failures, said)
