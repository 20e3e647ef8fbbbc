"""InterruptionController: wires the verification gate into one AgentSession.

What it touches in the framework (livekit-agents 1.8.9):
- `turn_handling` (presets.py): the framework pauses the agent's audio on the first VAD window
  of speech (`min_duration` tiny) and owns the pause/resume/interrupt state machine.
- `agent.stt_node` is wrapped: STT events for speech heard over the agent are held back until
  the gate decides. A real interruption releases them (the framework then interrupts, truncates
  and answers as usual); a backchannel or noise is dropped, so it never becomes a user turn.
- Resume: the framework's own false-interruption resume, fired at once instead of after its
  timeout (`AgentActivity._start_false_interruption_timer(0)`, private, pinned version).
- `turn_detection`: the audio end-of-turn model wrapped with the lexical completeness signal.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import stt

from ..speech.line_gate import GatedVAD, level_dbfs
from .clock import Clock, MonotonicClock
from .completeness import Completeness, expectation_from_prompt, lexical_completeness
from .eot import UnknownHold, wrap_turn_detector
from .gate import CheckAfter, Effect, Forward, Interrupt, OverlapGate, Resume
from .metrics import TurnMetrics
from .presets import (
    FIRST_VAD_WINDOW_S,
    TurnPreset,
    preset_from_env,
    session_kwargs,
    session_vad,
    turn_handling_options,
)

logger = logging.getLogger("agent.turn")

# Interims below this confidence are rough guesses (pocketsphinx reports 0.3): the gate lets
# them pause the agent but waits for a final before calling a short overlap an interruption.
_ROUGH = 0.5
_TRANSCRIPTS = (
    stt.SpeechEventType.INTERIM_TRANSCRIPT,
    stt.SpeechEventType.PREFLIGHT_TRANSCRIPT,
    stt.SpeechEventType.FINAL_TRANSCRIPT,
)
_END = object()


def frame_dbfs(frame: rtc.AudioFrame) -> float:
    """Loudness of one int16 frame in dBFS (digital silence: -120)."""
    return level_dbfs(np.frombuffer(frame.data, dtype=np.int16))


class InterruptionController:
    """Turn-taking policy for one call. Create one per session, `attach` before `start`."""

    def __init__(
        self,
        preset: TurnPreset | None = None,
        *,
        clock: Clock | None = None,
        expectation: Callable[[], str | None] | None = None,
        on_transfer: Callable[[], Any] | None = None,
        on_digit: Callable[[str], Any] | None = None,
    ) -> None:
        self.preset = preset or preset_from_env()
        self._clock = clock or MonotonicClock()
        self._expectation = expectation
        self._on_transfer = on_transfer
        self._on_digit = on_digit
        self._gate: OverlapGate[stt.SpeechEvent] = OverlapGate(self.preset)
        self._metrics = TurnMetrics()
        self._session: Any = None
        self._sink: asyncio.Queue[Any] | None = None
        self._generation = 0
        self._listeners: list[Callable[[str], Any]] = []
        self._user_onset: float | None = None
        self._user_ended: float | None = None
        self._turn_finals = ""
        self._turn_interim = ""
        self._last_agent_text = ""
        # what the agent's last line asked for, read when it was said: by the time the end of
        # the answer is judged, preemptive generation may already have moved the dialogue on
        # (a date of birth judged as an answer to "shall I book it?" waited the long delay)
        self._asked: str | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # region public API

    def session_options(self, turn_detector: Any = None, vad: Any = None) -> dict[str, Any]:
        """Keyword arguments for AgentSession: turn_handling (with our end-of-turn detector),
        aec_warmup_duration, and `vad` (a per-call copy tuned to the preset, behind the line
        gate when the preset has one) when one is given."""
        detector = turn_detector
        if self.preset.lexical_eot:
            hold = UnknownHold(silence_s=self.preset.unknown_hold_s)
            detector = wrap_turn_detector(turn_detector, self.completeness_now, hold)
        options: dict[str, Any] = {
            "turn_handling": turn_handling_options(self.preset, turn_detector=detector),
            **session_kwargs(self.preset),
        }
        if vad is not None:
            tuned = session_vad(vad, self.preset)
            options["vad"] = GatedVAD(tuned) if self.preset.line_gate else tuned
        return options

    def attach(self, session: Any, agent: Any) -> None:
        """Hook into the session's events and the agent's STT node (before session.start)."""
        self._session = session
        session.on("user_state_changed", self._on_user_state)
        session.on("agent_state_changed", self._on_agent_state)
        session.on("speech_created", self._on_speech_created)
        session.on("conversation_item_added", self._on_item_added)
        session.on("agent_false_interruption", self._on_framework_resume)
        session.on("close", self._on_close)
        if self.preset.gate:
            original = agent.stt_node

            def stt_node(audio: AsyncIterable[rtc.AudioFrame], model_settings: Any) -> Any:
                return self._gated_stt(original, audio, model_settings)

            agent.stt_node = stt_node

    def attach_room(self, room: rtc.Room) -> None:
        """SIP keypad presses barge in (room event `sip_dtmf_received`)."""

        def on_dtmf(ev: rtc.SipDTMF) -> None:
            self.on_dtmf(ev.digit)

        room.on("sip_dtmf_received", on_dtmf)

    def on_dtmf(self, digit: str) -> None:
        """A keypad press interrupts at once; '0' asks for staff."""
        now = self._clock.now()
        self._metrics.dtmf += 1
        self._metrics.record("dtmf", now, digit=digit)
        self._interrupt(f"dtmf:{digit}")
        callback: Callable[..., Any] | None = None
        args: tuple[Any, ...] = ()
        if digit == "0" and self._on_transfer is not None:
            callback = self._on_transfer
        elif self._on_digit is not None:
            callback, args = self._on_digit, (digit,)
        if callback is not None:
            result = callback(*args)
            if inspect.isawaitable(result):
                self._spawn(result)

    @property
    def generation(self) -> int:
        """Bumps on every real interruption: work started under an older value is stale."""
        return self._generation

    def is_current(self, token: int) -> bool:
        return token == self._generation

    def add_interrupt_listener(self, callback: Callable[[str], Any]) -> None:
        """callback(reason) on every real interruption or DTMF press."""
        self._listeners.append(callback)

    def completeness_now(self) -> Completeness:
        """Lexical completeness of what the patient has said in this turn so far."""
        if self._gate.holding:
            # speech over the agent is held back: no turn can commit from it, and a short
            # end-of-turn wait lets the framework's resume (which waits for it) come sooner
            return "complete"
        text = f"{self._turn_finals} {self._turn_interim}".strip()
        if self._turn_finals and self._gate.stt_busy(self._clock.now()):
            # words came, and the STT is already on a further utterance: more is coming
            # (only after a final: before it, every turn's own utterance is still open)
            return "incomplete"
        expecting = self._asked
        if expecting is None:
            expecting = expectation_from_prompt(self._last_agent_text)
        return lexical_completeness(text, expecting)

    def metrics(self) -> dict[str, Any]:
        return {"preset": self.preset.name, **self._metrics.as_dict()}

    # endregion

    # region STT gate

    async def _gated_stt(
        self, original: Callable[..., Any], audio: AsyncIterable[rtc.AudioFrame], settings: Any
    ) -> AsyncIterator[stt.SpeechEvent]:
        node = original(self._metered(audio), settings)
        if inspect.isawaitable(node):
            node = await node
        if node is None:
            return
        sink: asyncio.Queue[Any] = asyncio.Queue()
        self._sink = sink

        async def pump() -> None:
            try:
                async for ev in node:
                    self._on_stt_event(ev)
            except Exception as e:  # re-raised in the consumer: the framework retries
                sink.put_nowait(e)
            finally:
                sink.put_nowait(_END)

        task = asyncio.create_task(pump(), name="turn.stt_gate")
        try:
            while True:
                item = await sink.get()
                if item is _END:
                    return
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            task.cancel()
            if self._sink is sink:
                self._sink = None

    async def _metered(self, audio: AsyncIterable[rtc.AudioFrame]) -> AsyncIterator[rtc.AudioFrame]:
        denoiser: Any = None
        async for frame in audio:
            # the framework's flush sentinels travel in the same stream
            if not isinstance(frame, rtc.AudioFrame):
                yield frame
                continue
            if self._gate.open:
                self._gate.on_energy(frame_dbfs(frame))
            if self.preset.noise_suppression and frame.num_channels == 1:
                # rnnoise for the STT only: the VAD keeps the raw line (it must hear onsets)
                if denoiser is None:
                    from agent.speech.noise import NoiseSuppressor

                    denoiser = NoiseSuppressor(sample_rate=frame.sample_rate)
                clean = denoiser.process(np.frombuffer(frame.data, dtype=np.int16))
                if clean.size == 0:
                    continue
                frame = rtc.AudioFrame(clean.tobytes(), frame.sample_rate, 1, clean.size)
            yield frame

    def _on_stt_event(self, ev: stt.SpeechEvent) -> None:
        now = self._clock.now()
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "stt %s id=%s text=%r gate_open=%s",
                ev.type.value,
                ev.request_id,
                ev.alternatives[0].text if ev.alternatives else "",
                self._gate.open,
            )
        if ev.type not in _TRANSCRIPTS:
            if ev.type == stt.SpeechEventType.START_OF_SPEECH and ev.request_id:
                self._gate.on_stt_start(ev.request_id, now, agent_speaking=self._agent_audible())
            elif ev.type == stt.SpeechEventType.END_OF_SPEECH and ev.request_id:
                self._gate.on_stt_end(ev.request_id)
            self._deliver((ev,))
            return
        text = ev.alternatives[0].text if ev.alternatives else ""
        final = ev.type == stt.SpeechEventType.FINAL_TRANSCRIPT
        rough = not final and bool(ev.alternatives) and ev.alternatives[0].confidence < _ROUGH
        self._run(
            self._gate.on_stt(ev, text, final=final, now=now, utterance=ev.request_id, rough=rough)
        )

    def _deliver(self, events: tuple[stt.SpeechEvent, ...]) -> None:
        for ev in events:
            if ev.type in _TRANSCRIPTS and ev.alternatives:
                if ev.type == stt.SpeechEventType.FINAL_TRANSCRIPT:
                    self._turn_finals = f"{self._turn_finals} {ev.alternatives[0].text}".strip()
                    self._turn_interim = ""
                else:
                    self._turn_interim = ev.alternatives[0].text
            if self._sink is not None:
                self._sink.put_nowait(ev)
            else:
                logger.warning("stt event with no STT consumer dropped", extra={"type": ev.type})

    # endregion

    # region effects

    def _run(self, effects: list[Effect[stt.SpeechEvent]]) -> None:
        now = self._clock.now()
        for effect in effects:
            if isinstance(effect, Forward):
                self._deliver(effect.events)
            elif isinstance(effect, Interrupt):
                self._metrics.interruptions += 1
                self._metrics.stop_latencies_ms.append(effect.latency_s * 1000)
                self._metrics.record("interruption", now, after_ms=round(effect.latency_s * 1000))
                self._interrupt(effect.reason)
            elif isinstance(effect, Resume):
                self._metrics.false_interruptions += 1
                if self._user_ended is not None:
                    self._metrics.resume_latencies_ms.append((now - self._user_ended) * 1000)
                self._metrics.record("resume", now, verdict=effect.verdict)
                self._resume_soon()
            elif isinstance(effect, CheckAfter):
                self._call_later(effect.delay_s, self._on_timer)
        for verdict, words in self._gate.verdicts:
            self._metrics.overlaps += 1
            if verdict == "backchannel":
                self._metrics.backchannels += 1
            elif verdict == "noise":
                self._metrics.noise += 1
            self._metrics.record("overlap", now, verdict=verdict, words=words)
        self._gate.verdicts.clear()

    def _on_timer(self) -> None:
        self._run(self._gate.on_timer(self._clock.now()))

    def _interrupt(self, reason: str) -> None:
        self._generation += 1
        session = self._session
        if session is not None:
            try:
                session.interrupt()
            except RuntimeError as e:  # the current speech disallows interruptions
                logger.info("interruption refused by the framework: %s", e)
        for listener in list(self._listeners):
            try:
                result = listener(reason)
                if inspect.isawaitable(result):
                    self._spawn(result)
            except Exception:
                logger.exception("interrupt listener failed")

    def _pause_now(self) -> None:
        """Pause on the VAD's start-of-speech event itself, one inference window before the
        framework's own check (`min_duration`) would; same framework path, so its state
        (paused speech, resume timer) stays consistent."""
        if self.preset.pause_after_s > FIRST_VAD_WINDOW_S or self._session is None:
            return
        activity = getattr(self._session, "_activity", None)
        pause = getattr(activity, "_interrupt_by_audio_activity", None)
        if callable(pause):
            try:
                pause()
            except Exception:  # never let an optimisation break the call
                logger.exception("early pause failed")

    def _resume_soon(self) -> None:
        # after the framework's own end-of-speech handler, which (re)arms its slow resume timer
        try:
            asyncio.get_running_loop().call_soon(self._resume_now)
        except RuntimeError:
            self._resume_now()

    def _resume_now(self) -> None:
        session = self._session
        activity = getattr(session, "_activity", None) if session is not None else None
        if activity is None or getattr(activity, "_paused_speech", None) is None:
            return  # nothing paused (the pause never happened or the speech already ended)
        start_timer = getattr(activity, "_start_false_interruption_timer", None)
        if callable(start_timer):
            start_timer(0.0)
        elif session.output.audio is not None:
            session.output.audio.resume()

    def _call_later(self, delay: float, callback: Callable[[], None]) -> None:
        try:
            asyncio.get_running_loop().call_later(delay, callback)
        except RuntimeError:
            logger.warning("no running loop for a turn timer")

    def _spawn(self, awaitable: Any) -> None:
        async def run() -> None:
            await awaitable

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # endregion

    # region session events

    def _agent_audible(self) -> bool:
        session = self._session
        if session is None:
            return False
        if session.agent_state == "speaking":
            return True
        # paused while it was playing (not a reply paused before its first audio)
        activity = getattr(session, "_activity", None)
        paused = getattr(activity, "_paused_speech", None)
        return paused is not None and getattr(paused, "agent_state", None) == "speaking"

    def _on_user_state(self, ev: Any) -> None:
        now = self._clock.now()
        logger.debug("user %s -> %s agent=%s", ev.old_state, ev.new_state, self._agent_audible())
        if ev.new_state == "speaking":
            self._user_onset = now
            self._user_ended = None
            agent_speaking = self._agent_audible()
            if agent_speaking and self.preset.barge_in:
                self._metrics.record("barge_in_onset", now)
                self._pause_now()
            self._run(self._gate.on_user_speech_start(now, agent_speaking=agent_speaking))
        elif ev.old_state == "speaking":
            self._user_ended = now
            self._run(self._gate.on_user_speech_end(now))

    def _on_agent_state(self, ev: Any) -> None:
        now = self._clock.now()
        if ev.new_state == "speaking":
            # a new reply: the patient's previous turn is over for completeness purposes
            self._turn_finals = ""
            self._turn_interim = ""
            self._note_question()
        if (
            ev.old_state == "speaking"
            and ev.new_state == "listening"
            and self._gate.open
            and self._user_onset is not None
            and self._user_ended is None
        ):
            latency_ms = (now - self._user_onset) * 1000
            self._metrics.pause_latencies_ms.append(latency_ms)
            self._metrics.record("paused", now, after_ms=round(latency_ms))

    def _on_speech_created(self, ev: Any) -> None:
        handle = ev.speech_handle

        def done(h: Any) -> None:
            if self.preset.barge_in:
                self._agent_speech_done(interrupted=bool(h.interrupted))
                return
            # turn_by_turn releases what was said only once the agent has nothing more to say
            # (a filler's end is not the end of the reply); check after the framework settles
            try:
                asyncio.get_running_loop().call_soon(self._release_if_idle, bool(h.interrupted))
            except RuntimeError:
                self._release_if_idle(bool(h.interrupted))

        handle.add_done_callback(done)

    def _release_if_idle(self, interrupted: bool) -> None:
        session = self._session
        current = getattr(session, "current_speech", None) if session is not None else None
        if current is not None and not current.done():
            return  # another speech is playing or queued: its own end will come back here
        self._agent_speech_done(interrupted=interrupted)

    def _agent_speech_done(self, *, interrupted: bool) -> None:
        now = self._clock.now()
        question = self._last_agent_text.rstrip().endswith("?")
        effects = self._gate.on_agent_speech_done(
            now, interrupted=interrupted, ended_with_question=question
        )
        for effect in effects:
            if isinstance(effect, Forward) and effect.events:
                kind = "held_turn" if not self.preset.barge_in else "late_answer"
                if kind == "held_turn":
                    self._metrics.held_turns += 1
                else:
                    self._metrics.late_answers += 1
                self._metrics.record(kind, now)
        self._run(effects)

    def _on_item_added(self, ev: Any) -> None:
        item = ev.item
        role = getattr(item, "role", None)
        if role == "assistant":
            self._last_agent_text = item.text_content or ""
            self._note_question()
        elif role == "user":
            self._turn_finals = ""
            self._turn_interim = ""

    def _note_question(self) -> None:
        self._asked = self._expectation() if self._expectation else None

    def _on_framework_resume(self, ev: Any) -> None:
        self._metrics.record("framework_resume", self._clock.now(), resumed=bool(ev.resumed))

    def _on_close(self, ev: Any) -> None:
        # Counts and latencies only: the events carry the patient's words (a phone number or
        # date of birth said over the agent), and the worker log is not the place for them;
        # they are kept in the call record (metrics["turn"]), behind the staff login.
        summary = {k: v for k, v in self._metrics.as_dict().items() if k != "events"}
        logger.info("turn metrics", extra={"turn_metrics": summary})

    # endregion
