"""Runs scenarios in a mode and reports. Modes register here: {"text": run_text, ...}."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from sim.result import ScenarioResult
from sim.scenario import Scenario, load_all
from sim.text_mode import run_text

ModeRunner = Callable[..., Awaitable[ScenarioResult]]  # (scenario, *, preset) -> result

MODES: dict[str, ModeRunner] = {"text": run_text}


def register_mode(name: str, runner: ModeRunner) -> None:
    """Add a mode (the audio simulator registers "audio")."""
    MODES[name] = runner


def _load_optional_modes() -> None:
    try:
        import sim.audio  # noqa: F401  (registers "audio" when it exists)
    except ImportError:
        pass


async def run_scenarios(
    scenarios: Sequence[Scenario],
    *,
    mode: str = "text",
    preset: str | None = None,
    out: TextIO | None = None,
    show_transcripts: bool = False,
) -> list[ScenarioResult]:
    if mode not in MODES:
        _load_optional_modes()
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; available: {sorted(MODES)}")
    runner = MODES[mode]
    results = []
    for sc in scenarios:
        try:
            result = await runner(sc, preset=preset)
        except Exception as err:  # one broken scenario must not hide the others' results
            result = ScenarioResult(sc.name, False, [f"crashed: {type(err).__name__}: {err}"])
        results.append(result)
        if out is not None:
            status = "PASS" if result.passed else "FAIL"
            line = f"{status} {sc.name}"
            if result.failures:
                line += " — " + "; ".join(result.failures)
            print(line, file=out, flush=True)
            if show_transcripts and (not result.passed or show_transcripts):
                for e in result.transcript:
                    print(f"    {e['role']:>7} [{e['track']}]: {e['text']}", file=out)
    return results


def summary(results: Sequence[ScenarioResult]) -> dict[str, Any]:
    passed = sum(r.passed for r in results)
    return {"passed": passed, "failed": len(results) - passed, "total": len(results)}


def write_json(results: Sequence[ScenarioResult], path: Path, mode: str) -> None:
    doc = {
        "mode": mode,
        "scenarios": [r.to_dict() for r in results],
        "summary": summary(results),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, default=str))


async def run_paths(
    paths: Sequence[str],
    *,
    mode: str,
    preset: str | None,
    json_out: Path | None,
    out: TextIO,
    show_transcripts: bool = False,
) -> int:
    scenarios = load_all(paths)
    results = await run_scenarios(
        scenarios, mode=mode, preset=preset, out=out, show_transcripts=show_transcripts
    )
    s = summary(results)
    print(f"{s['passed']}/{s['total']} passed, {s['failed']} failed", file=out)
    if json_out is not None:
        write_json(results, json_out, mode)
    return 0 if s["failed"] == 0 and s["total"] > 0 else 1
