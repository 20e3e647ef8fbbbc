"""Text mode: barge-in truncation, expectation checks that catch failures, CLI and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from sim.__main__ import main
from sim.scenario import parse_scenario
from sim.text_mode import run_text, truncate_words

PUBLIC = Path(__file__).resolve().parents[1] / "scenarios" / "public"


def test_truncate_words_at_two_and_a_half_words_per_second() -> None:
    text = "With Doctor Patel, I have Thursday at 8 AM, 9 AM or 10 AM."
    assert truncate_words(text, 1200) == "With Doctor Patel,"
    assert truncate_words(text, 0) == ""
    assert truncate_words(text, 60_000) == text


async def test_barge_in_cuts_the_reply_the_patient_interrupted() -> None:
    sc = parse_scenario(
        {
            "name": "cut",
            "steps": [
                {"say": "a checkup on Tuesday morning"},
                {"say": "no wait, Wednesday", "kind": "correction", "barge_in_ms": 1200},
            ],
        }
    )
    result = await run_text(sc)
    agent = [e for e in result.transcript if e["role"] == "agent"]
    cut = agent[1]  # the offer for Tuesday, interrupted after three words
    assert cut["interrupted"] and len(cut["text"].split()) == 3
    assert "Wednesday" in agent[2]["text"]
    assert result.metrics["barge_ins"] == 1


async def test_unmet_expectations_fail_with_reasons() -> None:
    sc = parse_scenario(
        {
            "name": "wrong",
            "steps": [{"say": "Book me a checkup Friday at eleven"}, {"hangup": True}],
            "expect": {
                "appointment": {"patient": "Ben Carter", "status": "confirmed"},
                "agent_said_all": ["Tuesday"],
                "agent_never_said": ["Friday"],
                "transferred": True,
                "holds_left": 1,
            },
        }
    )
    result = await run_text(sc)
    assert not result.passed
    text = " | ".join(result.failures)
    for fragment in (
        "exactly one confirmed",
        "'Tuesday' was not said",
        "'Friday' was said",
        "transferred: expected True",
        "holds_left: expected 1, got 0",
    ):
        assert fragment in text


def test_cli_exit_codes_and_json(tmp_path: Path, capsys: object) -> None:
    out = tmp_path / "r.json"
    assert main(["run", str(PUBLIC / "simple-booking.yaml"), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["summary"]["passed"] == 1 and doc["summary"]["failed"] == 0
    assert doc["scenarios"][0]["name"] == "simple-booking"
    assert doc["scenarios"][0]["metrics"]["turns"] == 5
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nsteps: [{say: 'hello'}]\nexpect: {transferred: true}\n")
    assert main(["run", str(bad)]) == 1
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
