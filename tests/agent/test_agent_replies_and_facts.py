"""Reply templates and clinic facts: every key the engine uses exists; facts come from data."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from agent import clinic_facts
from agent.dialogue.replies import DEFAULT_REPLIES, FREQUENT, Replies, RepliesError
from booking import load_clinic

ROOT = Path(__file__).resolve().parents[2]


def test_every_reply_key_used_in_code_exists() -> None:
    sources = [*(ROOT / "agent" / "dialogue").glob("*.py"), ROOT / "agent" / "call.py"]
    used = set()
    for src in sources:
        used |= set(re.findall(r'replies\.get\(\s*"([a-z_]+)"', src.read_text()))
    assert used, "no reply keys found: the pattern is stale"
    missing = used - Replies.load().keys()
    assert not missing, f"{DEFAULT_REPLIES} lacks {sorted(missing)}"


def test_variants_rotate_and_missing_values_raise() -> None:
    r = Replies({"a": ["one {x}", "two {x}"]})
    assert [r.get("a", x=1), r.get("a", x=2), r.get("a", x=3)] == ["one 1", "two 2", "one 3"]
    with pytest.raises(RepliesError):
        r.get("a")
    with pytest.raises(RepliesError):
        r.get("nope")


def test_bad_replies_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("greeting: []\n")
    with pytest.raises(RepliesError, match="greeting"):
        Replies.load(bad)


def test_clinic_facts_come_from_the_clinic_file() -> None:
    clinic = load_clinic()
    assert "$40" in clinic_facts.answer("copay", clinic, visit_type="new patient")
    assert "no copay" in clinic_facts.answer("copay", clinic, visit_type="vaccination")
    general = clinic_facts.answer("copay", clinic)
    assert "$25" in general and "$40" in general
    assert "9 AM" in clinic_facts.answer("hours", clinic, day=date(2026, 3, 7))  # Saturday
    assert "closed" in clinic_facts.answer("hours", clinic, day=date(2026, 3, 8)).lower()
    assert clinic_facts.answer("insurance", clinic, insurer="cigna") == "Yes, we accept Cigna."
    assert "check with your insurer" in clinic_facts.answer("insurance", clinic, insurer="Acme")
    assert clinic.address in clinic_facts.answer("address", clinic)
    assert "don't have" in clinic_facts.answer("weather", clinic)


def test_fixed_phrases_have_no_placeholders() -> None:
    phrases = Replies.load().fixed_phrases(FREQUENT)
    assert "Let me check that." in phrases
    assert "Is there anything else I can help you with?" in phrases
    assert all("{" not in p for p in phrases)
    assert len(phrases) == len(set(phrases))
