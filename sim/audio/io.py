"""In-process audio I/O for an AgentSession: no room, no server.

`PatientAudioInput` is the session's microphone: the virtual patient pushes 16 kHz mono frames
into it at real-time pace. `SpeakerOutput` is the patient's loudspeaker: it "plays" the agent's
audio at 1x speed on the call clock, honours pause/resume/clear_buffer, reports playback to the
framework like the room output does, and records on a `Timeline` exactly when agent audio was
audible, paused, resumed and cut. `HeardTextOutput` sits behind the framework's
`TranscriptSynchronizer` and records what of each reply was actually heard.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable

import numpy as np
from livekit import rtc
from livekit.agents.voice import io

from . import timeline as tl
from .clock import Clock

_CLOSED = object()


class PatientAudioInput(io.AudioInput):
    """A queue of frames the patient writes and the session reads."""

    def __init__(self) -> None:
        super().__init__(label="sim-patient-mic")
        self._queue: asyncio.Queue[rtc.AudioFrame | object] = asyncio.Queue()
        self._closed = False

    def push(self, frame: rtc.AudioFrame) -> None:
        if not self._closed:
            self._queue.put_nowait(frame)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(_CLOSED)

    @property
    def backlog(self) -> int:
        """Frames written but not yet read by the session (a slow reader shows here)."""
        return self._queue.qsize()

    async def __anext__(self) -> rtc.AudioFrame:
        item = await self._queue.get()
        if item is _CLOSED:
            raise StopAsyncIteration
        assert isinstance(item, rtc.AudioFrame)
        return item


class SpeakerOutput(io.AudioOutput):
    """Plays agent audio at real-time pace, one `tick_s` block at a time.

    A segment runs from the first captured frame to flush() (finished when the buffer drains)
    or clear_buffer() (finished at once, interrupted). Pause stops the playhead where it is;
    resume continues from there.
    """

    def __init__(
        self,
        clock: Clock,
        timeline: tl.Timeline,
        *,
        tick_s: float = 0.02,
        on_audio: Callable[[np.ndarray, int], None] | None = None,
    ) -> None:
        super().__init__(
            label="sim-speaker",
            capabilities=io.AudioOutputCapabilities(pause=True),
            next_in_chain=None,
            sample_rate=None,
        )
        self._clock = clock
        self._tl = timeline
        self._tick_s = tick_s
        self._on_audio = on_audio
        self._buf: deque[np.ndarray] = deque()
        self._buf_samples = 0
        self._sr = 0
        self._seg_open = False  # a segment has audio not yet reported finished
        self._flushed = False
        self._started = False
        self._paused = False
        self._stalled = False
        self._pushed_s = 0.0
        self._played_s = 0.0
        self._seg_index = 0
        # the block being played right now: (samples, start time, segment); a pause or clear
        # settles it at the exact sample the playhead reached
        self._inflight: tuple[np.ndarray, float, int] | None = None
        self._restart = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    # -- state the patient reads -------------------------------------------------------
    @property
    def audible(self) -> bool:
        return self._seg_open and self._started and not self._paused and not self._stalled

    @property
    def busy(self) -> bool:
        """A segment is in progress (playing, paused or waiting for more audio)."""
        return self._seg_open

    @property
    def paused(self) -> bool:
        return self._paused

    # -- io.AudioOutput ----------------------------------------------------------------
    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if self._task is None:
            self._task = asyncio.create_task(self._playout(), name="sim-speaker-playout")
        if not self._seg_open:
            self._seg_open = True
            self._flushed = False
            self._started = False
            self._stalled = False
            self._pushed_s = 0.0
            self._played_s = 0.0
            self._seg_index += 1
        samples = np.frombuffer(frame.data, dtype=np.int16)
        if frame.num_channels > 1:
            samples = samples.reshape(-1, frame.num_channels)[:, 0]
        self._sr = frame.sample_rate
        self._buf.append(samples.copy())
        self._buf_samples += len(samples)
        self._pushed_s += len(samples) / frame.sample_rate
        self._wake.set()

    def flush(self) -> None:
        super().flush()
        if self._seg_open:
            self._flushed = True
            self._wake.set()

    def _settle_inflight(self, *, keep_rest: bool) -> None:
        if self._inflight is None:
            return
        block, start, seg = self._inflight
        self._inflight = None
        if seg != self._seg_index or not self._seg_open or not self._sr:
            return
        n = min(len(block), max(0, round((self._clock.now() - start) * self._sr)))
        self._played_s += n / self._sr
        if self._on_audio is not None and n:
            self._on_audio(block[:n], self._sr)
        if keep_rest and n < len(block):
            self._buf.appendleft(block[n:])
            self._buf_samples += len(block) - n

    def clear_buffer(self) -> None:
        if not self._seg_open:
            return
        self._settle_inflight(keep_rest=False)
        self._restart = True
        self._buf.clear()
        self._buf_samples = 0
        self._tl.add(
            self._clock.now(),
            tl.AGENT_AUDIO_CLEAR,
            segment=self._seg_index,
            position=round(self._played_s, 3),
            pushed=round(self._pushed_s, 3),
        )
        self._finish(interrupted=True)

    def pause(self) -> None:
        super().pause()
        if self._paused:
            return
        self._paused = True
        self._settle_inflight(keep_rest=True)
        self._restart = True
        if self._seg_open:
            self._tl.add(
                self._clock.now(),
                tl.AGENT_AUDIO_PAUSE,
                segment=self._seg_index,
                position=round(self._played_s, 3),
            )

    def resume(self) -> None:
        super().resume()
        if not self._paused:
            return
        self._paused = False
        if self._seg_open:
            self._tl.add(
                self._clock.now(),
                tl.AGENT_AUDIO_RESUME,
                segment=self._seg_index,
                position=round(self._played_s, 3),
            )
        self._wake.set()

    async def aclose(self) -> None:
        self._closed = True
        if self._seg_open:
            self.clear_buffer()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- playout -----------------------------------------------------------------------
    def _finish(self, *, interrupted: bool) -> None:
        position = self._played_s
        self._seg_open = False
        self._started = False
        self._stalled = False
        self._flushed = False
        self.on_playback_finished(playback_position=position, interrupted=interrupted)

    def _take(self, n: int) -> np.ndarray:
        parts: list[np.ndarray] = []
        while n > 0 and self._buf:
            head = self._buf[0]
            if len(head) <= n:
                parts.append(self._buf.popleft())
                n -= len(head)
            else:
                parts.append(head[:n])
                self._buf[0] = head[n:]
                n = 0
        out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
        self._buf_samples -= len(out)
        return out

    async def _playout(self) -> None:
        next_t: float | None = None  # playhead deadline while audio flows without a break
        while not self._closed:
            can_play = self._seg_open and not self._paused and self._buf_samples > 0
            if not can_play:
                if self._seg_open and self._flushed and self._buf_samples == 0:
                    self._tl.add(
                        self._clock.now(),
                        tl.AGENT_AUDIO_END,
                        segment=self._seg_index,
                        position=round(self._played_s, 3),
                    )
                    self._finish(interrupted=False)
                    next_t = None
                    continue
                if (
                    self._seg_open
                    and self._started
                    and not self._paused
                    and not self._stalled
                    and self._buf_samples == 0
                ):
                    self._stalled = True
                    self._tl.add(self._clock.now(), tl.AGENT_AUDIO_STALL, segment=self._seg_index)
                next_t = None
                self._wake.clear()
                await self._wake.wait()
                continue

            now = self._clock.now()
            if self._restart:
                self._restart = False
                next_t = None
            if next_t is None or next_t < now - self._tick_s:
                next_t = now  # (re)start the playhead; a long stall is not caught up
            if not self._started:
                self._started = True
                self._tl.add(now, tl.AGENT_AUDIO_START, segment=self._seg_index)
                self.on_playback_started(created_at=time.time())
            elif self._stalled:
                self._stalled = False
                self._tl.add(now, tl.AGENT_AUDIO_UNSTALL, segment=self._seg_index)

            n = max(1, round(self._tick_s * self._sr))
            block = self._take(n)
            token = (block, now, self._seg_index)
            self._inflight = token
            next_t += len(block) / self._sr
            await self._clock.sleep_until(next_t)
            # a pause or clear during the sleep has already settled this block
            if self._inflight is token:
                self._inflight = None
                self._played_s += len(block) / self._sr
                if self._on_audio is not None:
                    self._on_audio(block, self._sr)


class HeardTextOutput(io.TextOutput):
    """End of the transcript chain: records each reply's text as the synchronizer releases it
    (paced with playback, cut at the interruption)."""

    def __init__(self, clock: Clock, timeline: tl.Timeline) -> None:
        super().__init__(label="sim-heard-text", next_in_chain=None)
        self._clock = clock
        self._tl = timeline
        self._current: list[str] = []
        self.segments: list[str] = []

    async def capture_text(self, text: str) -> None:
        self._current.append(text)

    def flush(self) -> None:
        text = "".join(self._current).strip()
        self._current = []
        if text:
            self.segments.append(text)
            self._tl.add(self._clock.now(), tl.AGENT_TRANSCRIPT, text=text)
