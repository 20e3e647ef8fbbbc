"""A failed bench call leaves its steps and timeline behind for reading."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import _save_failures


@dataclass
class Call:
    name: str
    passed: bool
    timeline: list[dict[str, Any]] = field(default_factory=list)

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
