"""Deterministic language understanding for patient phone utterances."""

from agent.nlu.parser import parse
from agent.nlu.types import Intent, Utterance

__all__ = ["Intent", "Utterance", "parse"]
