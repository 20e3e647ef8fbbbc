"""Everything one call needs, built in one place for the worker, the text sim and the audio sim.

`build_call(...)` wires the dialogue state, the booking tools, the agent, the LLM (offline
dialogue engine unless one is given) and the `AgentSession`; `Call.start()` starts the
session and greets; `Call.finish()` releases holds, closes the session and saves the call
record. The keypad handler lives here too, so every front end treats "0" the same way.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livekit.agents import AgentSession
from livekit.agents import llm as lk_llm

from agent.booking_agent import BookingAgent
from agent.dialogue.engine import DialogueEngine
from agent.dialogue.policy import Policy
from agent.dialogue.replies import Replies
from agent.dialogue.words import transfer_reply
from agent.keypad import DobKeypad
from agent.nlu import parse
from agent.prompts import load_template
from agent.record import CallRecorder
from agent.state import DialogueState, Stage, Task
from agent.tools import BookingTools, ToolsOptions
from booking.clock import Clock
from booking.models import CallRecord

if TYPE_CHECKING:
    from booking import BookingService

log = logging.getLogger(__name__)

OUTCOMES = ("booked", "no_booking", "transferred", "dropped")


@dataclass(frozen=True)
class CallOptions:
    """One table of defaults for a call."""

    max_call_s: float = 600.0  # polite close after this (0 = no cap)
    greet: bool = True  # the agent speaks first
    filler_delay_s: float = 0.3  # "Let me check that." when a tool is slower than this
    filler: bool = True  # text sims turn it off: timing must not change what was "said"
    record_audio: bool = False  # the worker turns it on when the clinic records calls
    recordings_dir: Path = Path("var/recordings")
    max_tool_steps: int = 8  # tool rounds per turn (search, then hold, ...)
    keypad: bool = False  # the caller can type digits (phone line; sims): DOB by keypad
    replies_path: Path | None = None
    instructions_path: Path | None = None


DEFAULT_CALL_OPTIONS = CallOptions()


class Call:
    def __init__(
        self,
        *,
        session: AgentSession,
        agent: BookingAgent,
        state: DialogueState,
        ops: BookingTools,
        booking: BookingService,
        session_id: str,
        room_name: str,
        caller: str | None,
        policy: Policy | None,
        replies: Replies,
        clock: Clock,
        options: CallOptions,
        turn: Any = None,
    ) -> None:
        self.session = session
        self.agent = agent
        self.state = state
        self.ops = ops
        self.booking = booking
        self.session_id = session_id
        self.room_name = room_name
        self.caller = caller
        self.policy = policy
        self.replies = replies
        self.clock = clock
        self.options = options
        self.turn = turn  # agent.turn.InterruptionController (audio calls) or None
        self._keypad = DobKeypad(lambda: self.clock.now().date())
        self.state.keypad_available = options.keypad
        self.started_at = clock.now()
        self.recorder = CallRecorder(session, started_at=self.started_at)
        self.record: CallRecord | None = None
        self._started = False
        self._finish_lock = asyncio.Lock()
        self._cap_task: asyncio.Task[None] | None = None

    @property
    def transferred(self) -> bool:
        return self.state.transferred

    @property
    def finished(self) -> bool:
        return self.record is not None

    async def start(self, **session_start_kwargs: Any) -> None:
        """Start the session (kwargs go to `AgentSession.start`) and speak the greeting."""
        await self.session.start(self.agent, **session_start_kwargs)
        self._started = True
        self.session.on("user_state_changed", self._on_user_state)
        if self.options.max_call_s > 0:
            self._cap_task = asyncio.create_task(self._time_cap(), name="call-time-cap")
        if self.options.greet:
            greeting = self.replies.get("greeting", clinic=self.booking.clinic.name)
            await self.session.say(greeting)

    def _on_user_state(self, ev: Any) -> None:
        # The framework marks the caller "away" after a long silence: check they're there.
        if ev.new_state == "away" and not (self.state.closing or self.state.transferred):
            self.recorder.event("caller_silent")
            self.session.say(self.replies.get("still_there"))

    async def handle_dtmf(self, digits: str) -> None:
        """Keypad input (SIP DTMF or the sim's `dtmf` step): "0" reaches a person."""
        self.recorder.event("dtmf", digits=digits)
        if self.turn is not None:
            for d in digits:
                self.turn.on_dtmf(d)  # stops the agent's audio at once
        if self.state.keypad_dob:
            await self._keypad_dob(digits)
            return
        if "0" in digits and not self.state.transferred:
            await self.transfer("caller pressed 0")

    async def _keypad_dob(self, digits: str) -> None:
        """Digits typed after the keypad prompt: a date of birth as MMDDYYYY."""
        for key in digits:
            result = self._keypad.feed(key)
            if result is None:
                continue
            if result.value is not None:
                self.state.keypad_dob = False
                d = result.value
                # The typed date goes in as the patient's words, through the same dialogue.
                await self.session.generate_reply(
                    user_input=f"My date of birth is {d:%B} {d.day}, {d.year}"
                )
            elif result.problem:
                await self.session.say(result.problem)

    async def transfer(self, reason: str) -> None:
        await self.ops.transfer_to_staff(reason)
        self.recorder.event("transfer", reason=reason)
        if self._started:
            await self.session.interrupt(force=True)
            await self.session.say(self.replies.get(transfer_reply(self.state.transfer_how)))

    async def _time_cap(self) -> None:
        await asyncio.sleep(self.options.max_call_s)
        self.state.closing = True
        self.state.time_up = True
        self.recorder.event("time_cap", after_s=self.options.max_call_s)
        await self.ops.release_all()
        await self.session.interrupt(force=True)
        await self.session.say(self.replies.get("time_cap"))
        self.session.shutdown(drain=True)

    def _outcome(self, requested: str | None) -> str:
        b = self.state.booking
        done = b.stage is Stage.CONFIRMED and b.appointment_id is not None
        if self.state.transferred:
            return "transferred"
        if done and b.task in (Task.BOOK, Task.RESCHEDULE) and not b.cancelled:
            return "booked"
        if requested == "dropped":
            # A hangup after the business was done is a normal end, not a dropped call.
            return "no_booking" if done else "dropped"
        return requested or "no_booking"

    async def finish(self, outcome: str | None = None) -> CallRecord:
        """End the call: release holds, close the session, save and return the call record.

        `outcome=None` infers booked / transferred / no_booking; "dropped" (a hangup) is kept
        only when the caller left mid-way. Calling it again returns the same record.
        """
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {OUTCOMES}")
        async with self._finish_lock:
            if self.record is not None:
                return self.record
            if self._cap_task is not None:
                self._cap_task.cancel()
            try:
                released = await self.ops.release_all()
            except Exception:
                log.exception("releasing holds failed for %s", self.session_id)
                released = 0
            if released:
                self.recorder.event("holds_released", count=released)
            if self._started:
                try:
                    await self.session.aclose()
                except Exception:
                    log.exception("closing session %s failed", self.session_id)
            turn_metrics: dict[str, Any] | None = None
            if self.turn is not None:
                try:
                    turn_metrics = self.turn.metrics()
                except Exception:
                    log.exception("turn metrics failed for %s", self.session_id)
            record = self.recorder.build(
                call_id=self.session_id,
                room=self.room_name,
                caller=self.caller,
                session=self.session,
                state=self.state,
                turn_tracks=self.policy.turn_tracks if self.policy else [],
                outcome=self._outcome(outcome),
                ended_at=self.clock.now(),
                recording_path=self._keep_recording(),
                turn_metrics=turn_metrics,
            )
            try:
                await self.booking.save_call(record)
            except Exception:
                log.exception("saving call record %s failed", self.session_id)
            self.record = record
            return record

    def _keep_recording(self) -> str | None:
        """Move the session recorder's file under var/recordings/ (worker only)."""
        recorder = getattr(self.session, "_recorder_io", None)
        path = getattr(recorder, "output_path", None) if recorder else None
        if not self.options.record_audio or path is None or not Path(path).exists():
            return None
        dest_dir = self.options.recordings_dir
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / f"{self.session_id}{Path(path).suffix or '.ogg'}"
        shutil.copyfile(path, dest)
        return str(dest)


def build_call(
    *,
    booking: BookingService,
    session_id: str | None = None,
    room_name: str | None = None,
    caller: str | None = None,
    engines: Any = None,
    turn_handling: dict[str, Any] | None = None,
    llm: lk_llm.LLM | None = None,
    clock: Clock | None = None,
    options: CallOptions | None = None,
    session_kwargs: dict[str, Any] | None = None,
    preset: str | None = None,
) -> Call:
    """Build (not start) one call. `engines` is `agent.speech.Engines` or None (text only).

    With engines (audio), the turn team's `InterruptionController` owns turn taking: `preset`
    names a turn preset (None: `TURN_PRESET` from the environment); `turn_handling` entries
    override the preset's. Text-only calls have no audio to gate and get no controller.
    """
    options = options or DEFAULT_CALL_OPTIONS
    session_id = session_id or f"call-{uuid.uuid4().hex[:12]}"
    clock = clock or booking.clock
    state = DialogueState()
    ops = BookingTools(booking, state, session_id, ToolsOptions())
    replies = Replies.load(options.replies_path)
    if llm is None and engines is not None:
        llm = getattr(engines, "llm", None)
    policy: Policy | None = None
    if llm is None:
        policy = Policy(state, booking.clinic, clock.now, replies, parse)
        llm = DialogueEngine(policy)
    offline = policy is not None
    # Preemptive generation stays as the preset / framework sets it: the engine undoes a
    # speculative turn the framework throws away (DialogueEngine._roll_back_speculation).
    agent = BookingAgent(
        ops=ops,
        state=state,
        instructions_template=load_template(options.instructions_path),
        now=clock.now,
        filler=replies.get("filler") if options.filler else None,
        filler_delay_s=options.filler_delay_s,
        inject_state=not offline,
    )
    kwargs: dict[str, Any] = {"llm": llm, "max_tool_steps": options.max_tool_steps}
    if engines is not None:
        for name in ("stt", "tts", "vad"):
            value = getattr(engines, name, None)
            if value is not None:
                kwargs[name] = value
    handling: dict[str, Any] = dict(turn_handling or {})
    detector = getattr(engines, "turn_detector", None) if engines is not None else None
    turn = _turn_controller(preset, state) if engines is not None else None
    if turn is not None:
        opts = turn.session_options(turn_detector=detector, vad=getattr(engines, "vad", None))
        handling = {**opts.pop("turn_handling"), **handling}
        kwargs.update(opts)  # aec_warmup_duration, the preset's VAD copy
    elif detector is not None and "turn_detection" not in handling:
        handling["turn_detection"] = detector
    if handling:
        kwargs["turn_handling"] = handling
    kwargs.update(session_kwargs or {})
    session: AgentSession = AgentSession(**kwargs)
    if turn is not None:
        turn.attach(session, agent)
    if hasattr(kwargs.get("stt"), "expect_answer"):
        _hint_answers(session, kwargs["stt"])
    return Call(
        session=session,
        agent=agent,
        state=state,
        ops=ops,
        booking=booking,
        session_id=session_id,
        room_name=room_name or session_id,
        caller=caller,
        policy=policy,
        replies=replies,
        clock=clock,
        options=options,
        turn=turn,
    )


def _hint_answers(session: AgentSession, stt: Any) -> None:
    """Tell the STT what the agent just asked for, and how to find a name in an answer: it
    decodes an answer with a name in it more carefully (names are where a small offline model
    fails most)."""
    from agent.nlu.names import name_in_answer
    from agent.turn import expectations_from_prompt

    if hasattr(stt, "use_name_finder"):
        stt.use_name_finder(name_in_answer)

    def on_item(ev: Any) -> None:
        if getattr(ev.item, "role", None) == "assistant":
            stt.expect_answer(expectations_from_prompt(ev.item.text_content or ""))

    session.on("conversation_item_added", on_item)


def _turn_controller(preset: str | None, state: DialogueState) -> Any:
    """The turn team's controller for this call, or None when agent.turn is absent."""
    try:
        from agent.turn import InterruptionController, get_preset, preset_from_env
    except ImportError:
        log.warning("agent.turn unavailable: framework turn handling")
        return None
    chosen = get_preset(preset) if preset else preset_from_env()
    return InterruptionController(chosen, expectation=lambda: state.expecting)


def new_session_id(prefix: str = "call") -> str:
    return f"{prefix}-{datetime.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
