"""Deterministic language understanding for patient phone utterances.

`parse(text, now=..., expecting=...)` -> `Utterance`; see README.md for conventions.
"""

from agent.nlu.format import format_day, format_time, spell
from agent.nlu.lexicon import DEFAULT_LEXICON, Lexicon
from agent.nlu.parser import EXPECTING, parse, warm
from agent.nlu.types import Intent, Utterance

__all__ = [
    "DEFAULT_LEXICON",
    "EXPECTING",
    "Intent",
    "Lexicon",
    "Utterance",
    "format_day",
    "format_time",
    "parse",
    "spell",
    "warm",
]
