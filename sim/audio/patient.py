"""The virtual patient: plays a scenario's steps into the session's microphone in real time.

Two tasks per call. The *mic* pushes one frame every `frame_ms` of call time, mixing the clip
being spoken (utterance or noise burst), the scenario's background noise and a low line-noise
floor. The *script* decides when each clip starts, by FORMAT.md's rules, from what the patient
can hear: the agent's audio on the `SpeakerOutput` and the session's agent state.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from livekit import rtc

from . import noise as nz
from . import timeline as tl
from .clock import Clock, FramePacer
from .io import PatientAudioInput
from .script import Noise, Script, Step
from .voices import VoiceName, synthesize

DtmfHandler = Callable[[str], Awaitable[None] | None]

BABBLE_LINES = (
    "So I told her we would be there by six, but the traffic was terrible again.",
    "Did you see the game last night? They were down by ten and came back.",
    "I think the pharmacy closes early on Sundays, we should call first.",
    "My brother is moving to Denver next month and he needs help packing.",
)


@dataclass(frozen=True)
class PatientOptions:
    voice: VoiceName = "piper"
    frame_ms: int = 20
    floor_dbfs: float = nz.FLOOR_DBFS
    reply_timeout_s: float = 10.0  # the agent never answered: go on anyway
    idle_timeout_s: float = 30.0  # the agent never went quiet: go on anyway
    max_call_s: float = 240.0
    seed: int = 7


class AgentView(Protocol):
    """What the patient can observe of the agent."""

    @property
    def busy(self) -> bool:
        """Agent audio is playing, paused or waiting for more (a segment is open)."""
        ...

    @property
    def audible(self) -> bool: ...


@dataclass
class StepRecord:
    index: int
    action: str
    kind: str
    text: str = ""
    barge_in_ms: int | None = None
    start: float | None = None
    end: float | None = None
    pauses: list[tuple[float, float]] = field(default_factory=list)
    agent_audible_at_start: bool = False
    late_barge_in: bool = False  # the agent finished before barge_in_ms
    reply_start: float | None = None  # the agent reply a barge-in was timed against
    waited_timeout: bool = False  # went on because the agent never answered


@dataclass
class _Clip:
    samples: np.ndarray
    record: StepRecord
    pauses: list[tuple[int, int]]  # sample ranges of [pause N]
    is_noise: bool
    pos: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Background:
    """The scenario's continuous noise, produced `n` samples at a time."""

    def __init__(self, spec: Noise | None, rng: np.random.Generator, voice: VoiceName) -> None:
        self._rng = rng
        self._track: np.ndarray | None = None
        self._pos = 0
        self._gain = 0.0
        self._white = False
        if spec is None:
            return
        speech = nz.db_to_amp(nz.SPEECH_RMS_DBFS)
        snr = spec.snr_db if spec.snr_db is not None else 15.0
        if spec.type == "white":
            self._white = True
            self._gain = speech / nz.db_to_amp(snr)
            return
        if spec.type == "babble":
            talkers = [
                synthesize(t, "espeak" if i % 2 else "piper") for i, t in enumerate(BABBLE_LINES)
            ]
            track = nz.babble(nz.SAMPLE_RATE * 20, talkers, rng)
        else:  # cough / door as background: a burst every few seconds, looped
            track = np.zeros(nz.SAMPLE_RATE * 30, dtype=np.float32)
            t = int(nz.SAMPLE_RATE * rng.uniform(1.0, 3.0))
            while t < len(track) - nz.SAMPLE_RATE:
                b = nz.burst(spec.type, int(rng.uniform(300, 700)), rng)
                track[t : t + len(b)] += b
                t += int(nz.SAMPLE_RATE * rng.uniform(3.0, 7.0))
        self._track = nz.scale_to_snr(track, snr, speech)

    def next(self, n: int) -> np.ndarray:
        if self._white:
            return (self._rng.standard_normal(n) * self._gain).astype(np.float32)
        if self._track is None:
            return np.zeros(n, dtype=np.float32)
        idx = (np.arange(n) + self._pos) % len(self._track)
        self._pos = (self._pos + n) % len(self._track)
        return self._track[idx]


Synth = Callable[[str, VoiceName], np.ndarray]


def render_utterance(
    step: Step, voice: VoiceName, synth: Synth = synthesize
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The step's speech with real silence for each [pause N]; returns sample ranges of pauses."""
    pieces: list[np.ndarray] = []
    pauses: list[tuple[int, int]] = []
    pos = 0
    for part in step.parts():
        if isinstance(part, int):
            n = nz.SAMPLE_RATE * part // 1000
            pieces.append(np.zeros(n, dtype=np.float32))
            pauses.append((pos, pos + n))
        else:
            pieces.append(synth(part, voice))
            n = len(pieces[-1])
        pos += n
    return np.concatenate(pieces), pauses


def render_noise(step: Step, rng: np.random.Generator) -> np.ndarray:
    assert step.noise is not None
    ms = step.noise.ms or 600
    if step.noise.type == "babble":
        talkers = [synthesize(BABBLE_LINES[0], "piper"), synthesize(BABBLE_LINES[1], "espeak")]
        n = nz.SAMPLE_RATE * ms // 1000
        return nz.babble(n, talkers, rng) * nz.db_to_amp(nz.SPEECH_RMS_DBFS - 3)
    return nz.burst(step.noise.type, ms, rng)


class VirtualPatient:
    def __init__(
        self,
        script: Script,
        mic: PatientAudioInput,
        agent: AgentView,
        clock: Clock,
        timeline: tl.Timeline,
        *,
        agent_state: Callable[[], str] = lambda: "listening",
        on_dtmf: DtmfHandler | None = None,
        options: PatientOptions | None = None,
        synth: Synth = synthesize,
    ) -> None:
        self.script = script
        self.opts = options or PatientOptions()
        self._mic = mic
        self._agent = agent
        self._agent_state = agent_state
        self._clock = clock
        self._tl = timeline
        self._on_dtmf = on_dtmf
        self._synth = synth
        self._rng = np.random.default_rng(self.opts.seed)
        self._voice: VoiceName = self.opts.voice
        if script.voice in ("piper", "espeak") and script.voice != "piper":
            self._voice = script.voice  # type: ignore[assignment]
        self._bg: Background | None = None
        self._frame_n = nz.SAMPLE_RATE * self.opts.frame_ms // 1000
        self.pacer = FramePacer(clock, self.opts.frame_ms / 1000)
        self._clip: _Clip | None = None
        self._frame_ev = asyncio.Event()
        self._hung_up = asyncio.Event()
        self.records: list[StepRecord] = []
        self._last_turn_end = 0.0
        self._idle_since: float | None = None
        self.timed_out = False

    # -- rendering (blocking; run in a thread before the call starts) ------------------
    def prepare(self) -> list[tuple[np.ndarray, list[tuple[int, int]]] | None]:
        """Synthesize every utterance and noise burst up front, so the call never waits on TTS."""
        out: list[tuple[np.ndarray, list[tuple[int, int]]] | None] = []
        self._bg = Background(self.script.noise, self._rng, self._voice)
        for step in self.script.steps:
            voice = self._voice
            if step.voice in ("piper", "espeak"):
                voice = step.voice  # type: ignore[assignment]
            if step.action == "say":
                out.append(render_utterance(step, voice, self._synth))
            elif step.action == "noise":
                out.append((render_noise(step, self._rng), []))
            else:
                out.append(None)
        return out

    # -- the mic -----------------------------------------------------------------------
    async def run_mic(self) -> None:
        bg = self._bg or Background(None, self._rng, self._voice)
        self.pacer.reset(self._clock.now())
        while not self._hung_up.is_set():
            await self.pacer.tick()
            # stamp audio with when it really left (a late frame reaches the agent late)
            t = self._clock.now()
            frame = bg.next(self._frame_n) + nz.white(
                self._frame_n, self._rng, self.opts.floor_dbfs
            )
            clip = self._clip
            if clip is not None:
                self._mix_clip(clip, frame, t)
            self._mic.push(
                rtc.AudioFrame(nz.to_int16(frame).tobytes(), nz.SAMPLE_RATE, 1, self._frame_n)
            )
            self._watch_idle()
            self._frame_ev.set()
            self._frame_ev.clear()

    def _mix_clip(self, clip: _Clip, frame: np.ndarray, t: float) -> None:
        sr = nz.SAMPLE_RATE
        rec = clip.record
        if clip.pos == 0:
            rec.start = t
            rec.agent_audible_at_start = self._agent.audible
            self._tl.add(
                t,
                tl.PATIENT_NOISE_START if clip.is_noise else tl.PATIENT_SPEECH_START,
                step=rec.index,
                step_kind=rec.kind,
                text=rec.text,
                barge_in=rec.barge_in_ms is not None,
            )
            for a, b in clip.pauses:
                rec.pauses.append((t + a / sr, t + b / sr))
                self._tl.add(t + a / sr, tl.PATIENT_PAUSE_START, step=rec.index)
                self._tl.add(t + b / sr, tl.PATIENT_PAUSE_END, step=rec.index)
        n = min(len(frame), len(clip.samples) - clip.pos)
        frame[:n] += clip.samples[clip.pos : clip.pos + n]
        clip.pos += n
        if clip.pos >= len(clip.samples):
            end = t + n / sr
            rec.end = end
            self._tl.add(
                end,
                tl.PATIENT_NOISE_END if clip.is_noise else tl.PATIENT_SPEECH_END,
                step=rec.index,
            )
            self._clip = None
            clip.done.set()

    def _watch_idle(self) -> None:
        idle = not self._agent.busy and self._agent_state() in ("listening", "idle")
        if not idle:
            self._idle_since = None
        elif self._idle_since is None:
            self._idle_since = self._clock.now()

    async def _next_frame(self) -> None:
        await self._frame_ev.wait()

    # -- the script --------------------------------------------------------------------
    def _reply_start(self, since: float) -> float | None:
        for e in self._tl.of(tl.AGENT_AUDIO_START):
            if e.t >= since:
                return e.t
        return None

    async def _wait_for_turn(self, gap_ms: int) -> bool:
        """Wait until the agent has answered the last turn and been quiet for gap_ms.
        Returns False if it never answered (timed out)."""
        answered = True
        while self._reply_start(self._last_turn_end) is None:
            if self._clock.now() - self._last_turn_end > self.opts.reply_timeout_s:
                answered = False
                break
            await self._next_frame()
        waited_from = self._clock.now()
        while True:
            idle = self._idle_since
            if idle is not None and self._clock.now() - idle >= gap_ms / 1000:
                return answered
            if self._clock.now() - waited_from > self.opts.idle_timeout_s:
                return False  # the agent never went quiet (e.g. answering a noisy line)
            await self._next_frame()

    async def _wait_for_barge_in(self, rec: StepRecord, barge_in_ms: int) -> None:
        while (start := self._reply_start(self._last_turn_end)) is None:
            if self._clock.now() - self._last_turn_end > self.opts.reply_timeout_s:
                rec.waited_timeout = True
                return
            await self._next_frame()
        rec.reply_start = start
        while self._clock.now() < start + barge_in_ms / 1000:
            if self._idle_since is not None:
                rec.late_barge_in = True  # the agent finished first: speak right away
                return
            await self._next_frame()

    async def _play(
        self, step: Step, rendered: tuple[np.ndarray, list[tuple[int, int]]], rec: StepRecord
    ) -> None:
        samples, pauses = rendered
        clip = _Clip(samples=samples, record=rec, pauses=pauses, is_noise=step.action == "noise")
        self._clip = clip
        await clip.done.wait()

    async def run_script(
        self, rendered: list[tuple[np.ndarray, list[tuple[int, int]]] | None]
    ) -> None:
        self._last_turn_end = self._clock.now()  # the greeting answers "the call started"
        try:
            for step, audio in zip(self.script.steps, rendered, strict=True):
                rec = StepRecord(
                    index=step.index,
                    action=step.action,
                    kind=step.kind,
                    text=step.text,
                    barge_in_ms=step.barge_in_ms,
                )
                self.records.append(rec)
                self._tl.add(self._clock.now(), tl.STEP_START, step=step.index, action=step.action)
                if step.action == "hangup":
                    rec.waited_timeout = not await self._wait_for_turn(step.gap_ms)
                    rec.start = rec.end = self._clock.now()
                    self._tl.add(rec.start, tl.PATIENT_HANGUP, step=step.index)
                    return
                if step.barge_in_ms is not None and step.action in ("say", "noise"):
                    await self._wait_for_barge_in(rec, step.barge_in_ms)
                else:
                    rec.waited_timeout = not await self._wait_for_turn(step.gap_ms)
                if step.action in ("say", "noise"):
                    assert audio is not None
                    await self._play(step, audio, rec)
                elif step.action == "dtmf":
                    rec.start = rec.end = self._clock.now()
                    self._tl.add(rec.start, tl.PATIENT_DTMF, step=step.index, digits=step.dtmf)
                    if self._on_dtmf is not None:
                        res: Any = self._on_dtmf(step.dtmf)
                        if inspect.isawaitable(res):
                            await res
                elif step.action == "silence":
                    rec.start = self._clock.now()
                    await self._clock.sleep_until(rec.start + step.silence_ms / 1000)
                    rec.end = self._clock.now()
                if step.is_turn and rec.end is not None:
                    self._last_turn_end = rec.end
            # no explicit hangup: let the agent answer the last line, then leave
            await self._wait_for_turn(400)
            self._tl.add(self._clock.now(), tl.PATIENT_HANGUP, step=len(self.script.steps))
        finally:
            self._hung_up.set()

    async def run(
        self, rendered: list[tuple[np.ndarray, list[tuple[int, int]]] | None] | None = None
    ) -> list[StepRecord]:
        """Play the whole script (synthesis first, off the event loop); returns step records."""
        if rendered is None:
            rendered = await asyncio.to_thread(self.prepare)
        mic = asyncio.create_task(self.run_mic(), name="sim-patient-mic")
        try:
            await asyncio.wait_for(self.run_script(rendered), timeout=self.opts.max_call_s)
        except TimeoutError:
            self.timed_out = True
            self._tl.add(self._clock.now(), tl.PATIENT_HANGUP, step=-1, reason="max_call_s")
        finally:
            self._hung_up.set()
            await mic
            self._mic.close()
        return self.records
