"""Every text scenario (the shared public ones and ours) through the real AgentSession."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import expand_paths, load_scenario
from sim.text_mode import run_text

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / "tests" / "scenarios"
PUBLIC = OURS / "public"  # a copy of the shared scenarios (../shared/scenarios)
PATHS = expand_paths([PUBLIC, OURS])


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
async def test_scenario_passes_in_text_mode(path: Path) -> None:
    result = await run_text(load_scenario(path))
    assert result.passed, "\n".join(
        result.failures + [f"  {e['role']}: {e['text']}" for e in result.transcript]
    )


def test_we_have_at_least_25_own_scenarios() -> None:
    assert len(list(OURS.glob("*.yaml"))) >= 25
