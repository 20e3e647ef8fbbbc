"""Every (configuration, scenario) call of the bench in one pool, `jobs` calls at a time.

One pool for all configurations (instead of one after another) keeps the machine's load the
same for every row, and longest calls first keeps the pool full to the end. A call's CPU
seconds are the process's, shared with whatever ran beside it, so each call is charged its
CPU divided by the average number of calls running during it (an estimate; exact with jobs=1).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.audio.runner import RunOptions, ScenarioResult, run_scenario

from .configs import BenchConfig

# Rough call length for ordering: each step costs an agent reply (~8 patient-word units).
_WORDS_PER_STEP = 8


@dataclass(frozen=True)
class _Span:
    start: float
    end: float


def expected_length(path: Path) -> int:
    """Patient words plus a fixed share per step: longer scenarios make longer calls."""
    raw = yaml.safe_load(path.read_text()) or {}
    steps = raw.get("steps") or []
    words = sum(len(str(s.get("say", "")).split()) for s in steps if isinstance(s, dict))
    return words + _WORDS_PER_STEP * len(steps)


def average_overlap(span: _Span, spans: Sequence[_Span], step_s: float = 0.5) -> float:
    """How many calls (this one included) ran on average during `span`."""
    n = max(1, int((span.end - span.start) / step_s))
    total = 0
    for i in range(n):
        t = span.start + (i + 0.5) * (span.end - span.start) / n
        total += sum(1 for s in spans if s.start <= t < s.end)
    return max(1.0, total / n)


async def run_pool(
    configs: Sequence[BenchConfig],
    paths: Sequence[Path],
    jobs: int,
    plot_dir: Path | None = None,
    on_result: Callable[[str, ScenarioResult], object] | None = None,
) -> dict[str, list[ScenarioResult]]:
    """Results per configuration name, each in the order of `paths`."""
    gate = asyncio.Semaphore(max(1, jobs))
    order = sorted(
        ((cfg, p) for cfg in configs for p in paths), key=lambda job: -expected_length(job[1])
    )
    done: dict[tuple[str, Path], tuple[ScenarioResult, _Span]] = {}

    async def one(cfg: BenchConfig, path: Path) -> None:
        async with gate:
            t0 = time.monotonic()
            result = await run_scenario(path, RunOptions(preset=cfg.preset, plot_dir=plot_dir))
            done[(cfg.name, path)] = (result, _Span(t0, time.monotonic()))
            if on_result is not None:
                on_result(cfg.name, result)

    await asyncio.gather(*(one(cfg, p) for cfg, p in order))
    spans = [span for _, span in done.values()]
    for result, span in done.values():
        result.metrics.cpu_s = round(result.metrics.cpu_s / average_overlap(span, spans), 2)
    return {cfg.name: [done[(cfg.name, p)][0] for p in paths] for cfg in configs}
