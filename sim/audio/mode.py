"""The "audio" mode of `python -m sim run` (registered with sim.runner on import)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from sim.result import ScenarioResult as SimResult
from sim.scenario import Scenario

from . import timeline as tl
from .patient import PatientOptions
from .runner import RunOptions, ScenarioResult, run_scenario
from .voices import VOICES


def _from_env() -> RunOptions:
    """SIM_PATIENT_VOICE=piper|espeak picks the patient's voice for the whole run."""
    voice = os.environ.get("SIM_PATIENT_VOICE", "piper")
    if voice not in VOICES:
        raise ValueError(f"SIM_PATIENT_VOICE={voice!r}: use one of {', '.join(VOICES)}")
    return RunOptions(patient=PatientOptions(voice=voice))  # type: ignore[arg-type]


_options = _from_env()


def configure(*, plot_dir: Path | None = None) -> None:
    """CLI switches that apply to every audio scenario of the run (`--plot`)."""
    global _options
    _options = replace(_options, plot_dir=plot_dir)


def transcript(result: ScenarioResult) -> list[dict[str, Any]]:
    """What was said, as heard: patient finals from the STT and the agent's heard text."""
    out: list[dict[str, Any]] = []
    for e in result.timeline:
        if e.kind == tl.USER_TRANSCRIPT:
            out.append({"role": "patient", "text": e.data["text"], "track": "stt", "t": e.t})
        elif e.kind == tl.AGENT_TRANSCRIPT:
            out.append({"role": "agent", "text": e.data["text"], "track": "heard", "t": e.t})
    return out


async def run_audio(scenario: Scenario, *, preset: str | None = None) -> SimResult:
    if scenario.path is None:
        raise ValueError(f"{scenario.name}: audio mode needs the scenario's file")
    result = await run_scenario(scenario.path, replace(_options, preset=preset))
    metrics = {"mode": "audio", "preset": preset, **result.metrics.to_json()}
    return SimResult(
        name=result.name,
        passed=bool(result.passed),
        failures=result.failures,
        metrics=metrics,
        transcript=transcript(result),
    )
