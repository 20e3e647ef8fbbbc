"""A failed bench call, or one that stopped on a backchannel or cut the patient off, leaves its
steps and timeline behind for reading."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import _save_failures, missed_targets
from sim.audio.metrics import CallMetrics


@dataclass
class Call:
    name: str
    passed: bool
    timeline: list[dict[str, Any]] = field(default_factory=list)
    metrics: CallMetrics = field(default_factory=CallMetrics)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "timeline": self.timeline}


def test_only_failed_calls_are_saved_with_their_timeline(tmp_path: Path) -> None:
    lost_turn = [{"t": 1.0, "kind": "user_transcript", "text": "March 3, 1985."}]
    calls = [Call("simple-booking", False, lost_turn), Call("ask-for-a-person", True)]
    _save_failures(tmp_path, "natural · public", calls)  # type: ignore[arg-type]
    saved = sorted(p.name for p in (tmp_path / "failed").iterdir())
    assert saved == ["natural-public-simple-booking.json"]
    doc = json.loads((tmp_path / "failed" / saved[0]).read_text())
    assert doc["timeline"] == lost_turn
    assert not (tmp_path / "flagged").exists()


def test_a_passed_call_with_a_false_stop_or_cut_off_is_flagged(tmp_path: Path) -> None:
    stopped = Call("dense-backchannels", True, metrics=CallMetrics(false_stops=1))
    cut = Call("slow-speaker-pauses", True, metrics=CallMetrics(cutoffs=1, steps_with_pause=1))
    clean = Call("dense-interruptions", True, metrics=CallMetrics(overlaps_turn=3))
    _save_failures(tmp_path, "natural", [stopped, cut, clean])  # type: ignore[list-item]
    flagged = sorted(p.name for p in (tmp_path / "flagged").iterdir())
    assert flagged == ["natural-dense-backchannels.json", "natural-slow-speaker-pauses.json"]
    doc = json.loads((tmp_path / "flagged" / flagged[0]).read_text())
    assert doc["missed"] == ["false-stop"]
    assert missed_targets(cut) == ["cut-off"]  # type: ignore[arg-type]
    assert missed_targets(clean) == []  # type: ignore[arg-type]
