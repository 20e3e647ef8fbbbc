"""Time for the audio simulator.

One call has one clock: seconds since the call started, advancing with wall time. Frames are
paced against absolute deadlines (t0 + k * frame) so sleep jitter does not accumulate, and the
pacer remembers how late each frame went out: that lateness is the capacity signal.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the call started."""
        ...

    async def sleep_until(self, t: float) -> None: ...


class RealClock:
    """Monotonic wall time, zeroed when the call starts."""

    def __init__(self) -> None:
        self._t0 = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._t0

    def restart(self) -> None:
        """Zero the clock (when the call really starts, after the patient's audio is ready)."""
        self._t0 = time.monotonic()

    def wall(self, t: float) -> float:
        """The time.time() value of call time `t` (the framework stamps events with it)."""
        return time.time() - (self.now() - t)

    async def sleep_until(self, t: float) -> None:
        delay = t - self.now()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            await asyncio.sleep(0)


@dataclass
class FramePacer:
    """Releases one frame every `frame_s` of call time, correcting drift.

    `tick()` waits for the next deadline and returns how late it woke (seconds). Late frames
    are sent at once, so the stream catches up instead of slipping.
    """

    clock: Clock
    frame_s: float
    start: float = 0.0
    _k: int = 0
    lateness: list[float] = field(default_factory=list)

    def reset(self, start: float) -> None:
        self.start = start
        self._k = 0

    @property
    def next_deadline(self) -> float:
        return self.start + self._k * self.frame_s

    async def tick(self) -> float:
        deadline = self.next_deadline
        await self.clock.sleep_until(deadline)
        late = max(0.0, self.clock.now() - deadline)
        self.lateness.append(late)
        self._k += 1
        return late
