"""Shared helpers for the NLU tests: a fixed clinic clock and a strict field checker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from agent.nlu import Intent, Utterance, parse

# Monday 2 March 2026, 9:00: the `today` of every shared scenario.
MONDAY = datetime(2026, 3, 2, 9, 0)

_SLOT_DEFAULTS: dict[str, Any] = {
    "visit_type": None,
    "provider": None,
    "day": None,
    "part_of_day": None,
    "time": None,
    "time_relation": None,
    "name": None,
    "date_of_birth": None,
    "phone": None,
    "correction": False,
    "selection": None,
    "topic": None,
    "problems": (),
    "insurer": None,
    "suspicious": False,
    "week": None,
}


def check_utterance(u: Utterance, intents: set[Intent], **expected: Any) -> None:
    """Intents must match exactly; named fields must equal; every other slot stays empty."""
    assert set(u.intents) == intents, (
        f"{u.text!r}: intents {sorted(u.intents)} != {sorted(intents)}"
    )
    for field, default in _SLOT_DEFAULTS.items():
        want = expected.get(field, default)
        got = getattr(u, field)
        assert got == want, f"{u.text!r}: {field}={got!r}, expected {want!r}"
    unknown = set(expected) - set(_SLOT_DEFAULTS)
    assert not unknown, f"unknown fields in test table: {unknown}"


@pytest.fixture
def expect() -> Callable[..., Utterance]:
    """expect(text, intents, now=..., expecting=..., **fields) -> the parsed Utterance."""

    def run(
        text: str,
        intents: set[Intent],
        *,
        now: datetime = MONDAY,
        expecting: str | None = None,
        **fields: Any,
    ) -> Utterance:
        u = parse(text, now=now, expecting=expecting, strict=True)
        check_utterance(u, intents, **fields)
        return u

    return run
