"""The controller's wiring, against a hand-written stand-in for the AgentSession seam."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import stt
from livekit.agents.cli.log import JsonFormatter
from livekit.agents.language import LanguageCode

from agent.turn import PRESETS, InterruptionController
from agent.turn.clock import ManualClock


class FakeActivity:
    def __init__(self) -> None:
        self._paused_speech: Any = None
        self.resume_timers: list[float] = []

        self.pauses = 0

    def _start_false_interruption_timer(self, timeout: float) -> None:
        self.resume_timers.append(timeout)

    def _interrupt_by_audio_activity(self) -> None:
        self.pauses += 1


class FakeSession(rtc.EventEmitter[str]):
    def __init__(self) -> None:
        super().__init__()
        self.agent_state = "listening"
        self.interrupts = 0
        self._activity = FakeActivity()
        self.output = SimpleNamespace(audio=None)
        self.current_speech: Any = None

    def interrupt(self) -> None:
        self.interrupts += 1

    def set_agent(self, state: str) -> None:
        old, self.agent_state = self.agent_state, state
        self.emit("agent_state_changed", SimpleNamespace(old_state=old, new_state=state))

    def set_user(self, old: str, new: str) -> None:
        self.emit("user_state_changed", SimpleNamespace(old_state=old, new_state=new))


class FakeAgent:
    """Its stt_node plays back events pushed into a queue (None ends the stream)."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[stt.SpeechEvent | None] = asyncio.Queue()

    async def stt_node(self, audio: Any, model_settings: Any) -> AsyncIterator[stt.SpeechEvent]:
        while (ev := await self.queue.get()) is not None:
            yield ev


def transcript(text: str, final: bool, confidence: float = 0.9) -> stt.SpeechEvent:
    kind = stt.SpeechEventType.FINAL_TRANSCRIPT if final else stt.SpeechEventType.INTERIM_TRANSCRIPT
    data = stt.SpeechData(language=LanguageCode("en"), text=text, confidence=confidence)
    return stt.SpeechEvent(type=kind, alternatives=[data])


async def no_audio() -> AsyncIterator[rtc.AudioFrame]:
    await asyncio.sleep(3600)
    yield rtc.AudioFrame.create(16000, 1, 160)


class Harness:
    def __init__(self, preset: str = "natural") -> None:
        self.clock = ManualClock(100.0)
        self.session = FakeSession()
        self.agent = FakeAgent()
        self.transfers = 0
        self.awaiting: str | None = None  # the dialogue state's "what did the agent ask"
        self.ctrl = InterruptionController(
            PRESETS[preset],
            clock=self.clock,
            on_transfer=self._transfer,
            expectation=lambda: self.awaiting,
        )
        self.ctrl.attach(self.session, self.agent)
        self.received: list[str] = []
        self._consumer = asyncio.create_task(self._consume())

    def _transfer(self) -> None:
        self.transfers += 1

    async def _consume(self) -> None:
        async for ev in self.agent.stt_node(no_audio(), None):
            self.received.append(ev.alternatives[0].text if ev.alternatives else ev.type.value)

    async def say(self, text: str, *, final: bool, confidence: float = 0.9) -> None:
        await self.agent.queue.put(transcript(text, final, confidence))
        for _ in range(5):
            await asyncio.sleep(0)

    async def close(self) -> None:
        await self.agent.queue.put(None)
        await asyncio.wait_for(self._consumer, 1.0)


async def test_backchannel_over_the_agent_is_dropped_and_the_agent_resumes() -> None:
    h = Harness()
    h.session.set_agent("speaking")
    h.session.set_user("listening", "speaking")
    # the framework paused on the first window
    h.session._activity._paused_speech = SimpleNamespace(agent_state="speaking")
    h.session.set_agent("listening")
    h.clock.advance(0.4)
    await h.say("Mhm.", final=True)
    h.session.set_user("speaking", "listening")
    await asyncio.sleep(0)  # the resume runs after the framework's own EOS handler
    assert h.session._activity.resume_timers == [0.0]
    assert h.session._activity.pauses == 1  # paused on the VAD's start-of-speech event
    assert h.session.interrupts == 0
    await h.close()
    assert h.received == []
    m = h.ctrl.metrics()
    assert m["false_interruptions"] == 1 and m["interruptions"] == 0
    assert m["pause_latencies_ms"] == [0.0]


async def test_real_interruption_stops_the_agent_and_reaches_the_framework() -> None:
    h = Harness()
    seen: list[str] = []
    h.ctrl.add_interrupt_listener(seen.append)
    token = h.ctrl.generation
    h.session.set_agent("speaking")
    h.session.set_user("listening", "speaking")
    h.clock.advance(0.3)
    await h.say("no wait", final=False)
    assert h.session.interrupts == 1
    assert not h.ctrl.is_current(token)  # a confirm asked for before this must not run
    assert seen == ["speech"]
    await h.say("No wait, Wednesday.", final=True)
    await h.close()
    assert h.received == ["no wait", "No wait, Wednesday."]
    assert h.ctrl.metrics()["stop_latencies_ms"] == [300.0]


async def test_the_worker_log_gets_counts_not_the_patients_words(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # the worker's level in `make run`
    h = Harness()
    h.session.set_agent("speaking")
    h.session.set_user("listening", "speaking")
    h.clock.advance(0.3)
    await h.say("No, my number is 555 201 7788, born March 2 1984", final=True)
    h.session.set_user("speaking", "listening")
    await h.close()
    h.session.emit("close", SimpleNamespace())
    # as var/log/worker.log gets it: livekit's JSON formatter writes the `extra` fields too
    log = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "turn metrics" in log and '"interruptions": 1' in log
    for said in ("7788", "1984", "my number"):
        assert said not in log
    # the call record (behind the staff login) keeps what was said
    words = [e.get("words", "") for e in h.ctrl.metrics()["events"] if e["kind"] == "overlap"]
    assert any("7788" in w for w in words)


async def test_rough_interim_words_wait_for_the_final_before_stopping_the_agent() -> None:
    h = Harness()
    h.session.set_agent("speaking")
    h.session.set_user("listening", "speaking")
    h.clock.advance(0.3)
    await h.say("i'm a champ but", final=False, confidence=0.3)  # a garbled "mhm"
    assert h.session.interrupts == 0
    h.clock.advance(0.3)
    await h.say("Mhm.", final=True)
    h.session.set_user("speaking", "listening")
    await asyncio.sleep(0)
    await h.close()
    assert h.session.interrupts == 0
    assert h.received == []
    assert h.ctrl.metrics()["false_interruptions"] == 1


async def test_speech_when_the_agent_is_quiet_is_not_touched() -> None:
    h = Harness()
    h.session.set_user("listening", "speaking")
    await h.say("I'd like a checkup", final=True)
    await h.close()
    assert h.received == ["I'd like a checkup"]
    assert h.session.interrupts == 0


async def test_completeness_follows_the_forwarded_words() -> None:
    h = Harness()
    h.session.emit(
        "conversation_item_added",
        SimpleNamespace(item=SimpleNamespace(role="assistant", text_content="Your date of birth?")),
    )
    h.session.set_user("listening", "speaking")
    await h.say("March fifth", final=True)
    assert h.ctrl.completeness_now() == "incomplete"
    await h.say("1980", final=True)
    assert h.ctrl.completeness_now() == "complete"
    h.session.emit(
        "conversation_item_added",
        SimpleNamespace(item=SimpleNamespace(role="user", text_content="March fifth 1980")),
    )
    assert h.ctrl.completeness_now() == "unknown"
    await h.close()


async def test_the_answer_is_judged_against_the_question_asked_not_the_next_one() -> None:
    # preemptive generation consumes the final transcript and moves the dialogue on to
    # "shall I book it?" before the end of the turn is decided; the date of birth must still
    # count as a complete answer to "and your date of birth?" (it waited 2 s when it did not)
    h = Harness()
    h.awaiting = "date_of_birth"
    h.session.set_agent("speaking")
    h.session.emit(
        "conversation_item_added",
        SimpleNamespace(item=SimpleNamespace(role="assistant", text_content="And your birthday")),
    )
    h.session.set_agent("listening")
    h.session.set_user("listening", "speaking")
    await h.say("March 3, 1985.", final=True)
    h.awaiting = "confirmation"
    assert h.ctrl.completeness_now() == "complete"
    await h.close()


async def test_dtmf_interrupts_and_zero_escalates() -> None:
    h = Harness("turn_by_turn")
    h.session.set_agent("speaking")
    h.ctrl.on_dtmf("5")
    assert h.session.interrupts == 1 and h.transfers == 0
    h.ctrl.on_dtmf("0")
    assert h.session.interrupts == 2 and h.transfers == 1
    assert h.ctrl.metrics()["dtmf"] == 2
    await h.close()


async def test_an_open_stt_utterance_means_the_turn_is_not_over() -> None:
    h = Harness()
    h.session.set_user("listening", "speaking")
    first = stt.SpeechEvent(type=stt.SpeechEventType.START_OF_SPEECH, request_id="u8")
    await h.agent.queue.put(first)
    assert h.ctrl.completeness_now() == "unknown"  # its own utterance is open: that's normal
    answer = transcript("Tuesday at 3 pm", final=True)
    answer.request_id = "u8"
    await h.agent.queue.put(answer)
    for _ in range(5):
        await asyncio.sleep(0)
    assert h.ctrl.completeness_now() == "complete"
    start = stt.SpeechEvent(type=stt.SpeechEventType.START_OF_SPEECH, request_id="u9")
    await h.agent.queue.put(start)
    for _ in range(5):
        await asyncio.sleep(0)
    assert h.ctrl.completeness_now() == "incomplete"  # more words are on their way
    more = transcript("with Doctor Patel", final=True)
    more.request_id = "u9"
    await h.agent.queue.put(more)
    for _ in range(5):
        await asyncio.sleep(0)
    assert h.ctrl.completeness_now() == "complete"
    await h.close()


async def test_noisy_preset_denoises_what_the_stt_hears() -> None:
    rng = np.random.default_rng(1)
    frames = [
        rtc.AudioFrame((rng.normal(0, 3000, 320)).astype(np.int16).tobytes(), 16000, 1, 320)
        for _ in range(50)
    ]

    async def line() -> AsyncIterator[rtc.AudioFrame]:
        for f in frames:
            yield f

    async def level(preset: str) -> float:
        ctrl = InterruptionController(PRESETS[preset])
        out = [f async for f in ctrl._metered(line())]
        samples = np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in out[-10:]])
        return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))

    assert await level("noisy") < 0.5 * await level("natural")


class FakeHandle:
    def __init__(self) -> None:
        self.interrupted = False
        self._done = False
        self._callbacks: list[Any] = []

    def add_done_callback(self, cb: Any) -> None:
        self._callbacks.append(cb)

    def done(self) -> bool:
        return self._done

    def finish(self) -> None:
        self._done = True
        for cb in self._callbacks:
            cb(self)


async def test_turn_by_turn_answers_what_was_said_once_the_reply_is_over() -> None:
    h = Harness("turn_by_turn")
    filler, reply = FakeHandle(), FakeHandle()
    for handle in (filler, reply):
        h.session.emit("speech_created", SimpleNamespace(speech_handle=handle))
    h.session.set_agent("speaking")
    h.session.set_user("listening", "speaking")
    await h.say("Wait, Wednesday instead.", final=True)
    h.session.set_user("speaking", "listening")
    assert h.received == [] and h.session.interrupts == 0  # the agent goes on
    h.session.current_speech = reply  # the filler ends, the real reply is next
    filler.finish()
    await asyncio.sleep(0)
    assert h.received == []
    h.session.current_speech = None
    reply.finish()
    for _ in range(5):
        await asyncio.sleep(0)
    assert h.received == ["Wait, Wednesday instead."]
    assert h.ctrl.metrics()["held_turns"] == 1
    await h.close()
