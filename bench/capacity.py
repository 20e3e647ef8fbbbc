"""How many simulated calls run at once, in real time, before audio falls behind.

K calls of one short scenario start together (K = 1, 2, ...); a level passes when, in every
call, 99 % of the patient's frames went out less than 100 ms late. (The worst single frame is
reported too, but is no criterion: one 150 ms stall, e.g. a model's first run, happens even
with one call on a quiet machine.) Stops at the first failing level.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.audio.runner import RunOptions, run_scenario

LATE_LIMIT_MS = 100.0


@dataclass(frozen=True)
class CapacityLevel:
    calls: int
    frame_late_ms_p99: float
    frame_late_ms_max: float
    frames_late_100ms: int
    response_ms_p50: float | None
    cpu_s: float
    wall_s: float

    @property
    def ok(self) -> bool:
        return self.frame_late_ms_p99 <= LATE_LIMIT_MS


async def measure(scenario: Path, preset: str, max_calls: int) -> list[CapacityLevel]:
    levels: list[CapacityLevel] = []
    for k in range(1, max_calls + 1):
        opts = RunOptions(preset=preset)
        cpu0, t0 = time.process_time(), time.monotonic()
        results = await asyncio.gather(*(run_scenario(scenario, opts) for _ in range(k)))
        resp = sorted(x for r in results for x in r.metrics.response_ms)
        level = CapacityLevel(
            calls=k,
            frame_late_ms_p99=round(max(r.metrics.frame_late_ms_p99 or 0.0 for r in results), 1),
            frame_late_ms_max=round(max(r.metrics.frame_late_ms_max for r in results), 1),
            frames_late_100ms=sum(r.metrics.frames_late_100ms for r in results),
            response_ms_p50=round(resp[len(resp) // 2], 1) if resp else None,
            cpu_s=round(time.process_time() - cpu0, 1),
            wall_s=round(time.monotonic() - t0, 1),
        )
        levels.append(level)
        print(
            f"capacity: {k} concurrent call(s): frame lateness p99 {level.frame_late_ms_p99} ms, "
            f"max {level.frame_late_ms_max} ms, "
            f"{level.frames_late_100ms} frames >100 ms late, "
            f"response p50 {level.response_ms_p50} ms",
            flush=True,
        )
        if not level.ok:
            break
    return levels


def summary(levels: list[CapacityLevel]) -> dict[str, Any]:
    ok = [lv.calls for lv in levels if lv.ok]
    return {
        "realtime_calls": max(ok) if ok else 0,
        "limit_ms": LATE_LIMIT_MS,
        "levels": [lv.__dict__ | {"ok": lv.ok} for lv in levels],
    }
