"""Scenario files: loading, validation errors that name the problem, path expansion."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, expand_paths, load_all, load_scenario, parse_scenario

PUBLIC = Path(__file__).resolve().parents[1] / "scenarios" / "public"


def test_public_scenarios_load() -> None:
    scenarios = load_all([PUBLIC])
    assert len(scenarios) == 9
    mid = next(s for s in scenarios if s.name == "midsentence-correction")
    assert mid.today == datetime(2026, 3, 2, 9, 0)
    first = mid.steps[0]
    assert first.text == "I need a follow-up visit on Tuesday no wait, Wednesday afternoon"
    assert first.segments == [
        ("I need a follow-up visit on Tuesday", 500),
        ("no wait, Wednesday afternoon", 0),
    ]
    slot = next(s for s in scenarios if s.name == "slot-taken-alternatives")
    assert slot.busy[0].provider == "Ana Patel"
    assert slot.expect.appointment is not None
    assert slot.expect.appointment.fields["provider"] == "Ana Patel"


def test_backchannels_make_no_turn() -> None:
    sc = load_scenario(PUBLIC / "backchannels-dont-stop.yaml")
    assert [s.makes_turn for s in sc.steps] == [True, False, False, True, True, True, False]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": "Bad Name", "steps": [{"say": "hi"}]}, "kebab-case"),
        ({"name": "a", "steps": []}, "steps must be a non-empty list"),
        ({"name": "a", "steps": [{"say": "hi", "kind": "shout"}]}, "steps[0].kind"),
        ({"name": "a", "steps": [{"say": "hi", "dtmf": "0"}]}, "exactly one of"),
        ({"name": "a", "steps": [{"say": "hi"}], "expect": {"apointment": {}}}, "unknown keys"),
        ({"name": "a", "steps": [{"say": "hi"}], "today": "tomorrow"}, "today"),
        (
            {"name": "a", "steps": [{"say": "hi"}], "expect": {"appointment": {"status": "x"}}},
            "status",
        ),
        ({"name": "a", "steps": [{"say": "hi", "barge_in_ms": -5}]}, "barge_in_ms"),
    ],
)
def test_bad_scenarios_are_clear_errors(raw: dict, message: str) -> None:
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_scenario(raw)


def test_noise_only_step_makes_no_turn() -> None:
    sc = parse_scenario(
        {
            "name": "a",
            "steps": [
                {"noise": {"type": "cough", "ms": 500}, "kind": "noise", "barge_in_ms": 1200}
            ],
        }
    )
    assert sc.steps[0].noise == {"type": "cough", "ms": 500} and not sc.steps[0].makes_turn


def test_existing_appointments_extension() -> None:
    sc = parse_scenario(
        {
            "name": "a",
            "steps": [{"say": "cancel"}],
            "existing": [
                {
                    "patient": "Dev Shah",
                    "dob": "1979-11-20",
                    "provider": "Lee Chen",
                    "start": "2026-03-04T11:00",
                    "visit_type": "sick visit",
                }
            ],
        }
    )
    assert sc.existing[0].dob.year == 1979 and sc.existing[0].start.hour == 11


def test_expand_paths_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("name: b\nsteps: [{say: hi}]\n")
    (tmp_path / "a.yaml").write_text("name: a\nsteps: [{say: hi}]\n")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.yaml", "b.yaml"]
    with pytest.raises(ScenarioError, match="no such file"):
        expand_paths([tmp_path / "missing.yaml"])
    (tmp_path / "c.yaml").write_text("name: a\nsteps: [{say: hi}]\n")
    with pytest.raises(ScenarioError, match="duplicate scenario name"):
        load_all([tmp_path])
