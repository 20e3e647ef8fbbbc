"""Entry point: turn one transcribed patient utterance into an Utterance."""

from __future__ import annotations

from datetime import datetime

from agent.nlu.types import Intent, Utterance


def parse(text: str, *, now: datetime, expecting: str | None = None) -> Utterance:
    """Placeholder until the real parser lands: recognises yes/no only."""
    words = text.lower().strip(" .!?,").split()
    if words[:1] in (["yes"], ["yeah"], ["correct"]):
        return Utterance(text=text, intents=frozenset({Intent.AFFIRM}))
    if words[:1] in (["no"], ["nope"]):
        return Utterance(text=text, intents=frozenset({Intent.DENY}))
    return Utterance(text=text, intents=frozenset({Intent.UNKNOWN}), confidence=0.0)
