"""Every text scenario (the shared public ones and ours) through the real AgentSession."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import expand_paths, load_scenario
from sim.text_mode import run_text

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / "tests" / "scenarios"
PUBLIC = OURS / "public"  # a copy of the shared scenarios (../shared/scenarios)
# Written for audio mode (timing, noise, barge-ins), but the dialogue in them must hold in
# text mode too; the audio tests run only a few of them, as audio calls are slow.
AUDIO = OURS / "audio"
PATHS = expand_paths([PUBLIC, OURS, AUDIO])


@pytest.mark.parametrize(
    "path", PATHS, ids=[f"{p.parent.name}/{p.stem}" if p.parent == AUDIO else p.stem for p in PATHS]
)
async def test_scenario_passes_in_text_mode(path: Path) -> None:
    result = await run_text(load_scenario(path))
    assert result.passed, "\n".join(
        result.failures + [f"  {e['role']}: {e['text']}" for e in result.transcript]
    )


def test_we_have_at_least_25_own_scenarios() -> None:
    assert len(list(OURS.glob("*.yaml"))) >= 25


def test_the_audio_scenarios_are_run_here_too() -> None:
    audio = list(AUDIO.glob("*.yaml"))
    assert audio and set(audio) <= set(PATHS)
