"""Reply templates from prompts/replies.yaml, filled and rotated deterministically."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

DEFAULT_REPLIES = Path(__file__).resolve().parents[2] / "prompts" / "replies.yaml"
# The lines said most often, synthesised at prewarm so they play without TTS latency.
FREQUENT = (
    "how_can_i_help",
    "anything_else",
    "goodbye",
    "not_understood",
    "filler",
    "transfer",
    "ask_name_and_dob",
    "ask_name",
    "ask_dob",
    "ask_selection",
    "what_to_change",
    "unclear_line",
    "still_there",
)


class RepliesError(ValueError):
    """The replies file is missing a key or has a malformed template."""


class Replies:
    def __init__(self, templates: dict[str, list[str]]) -> None:
        self._templates = templates
        self._turn: dict[str, int] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> Replies:
        path = path or DEFAULT_REPLIES
        raw = yaml.safe_load(path.read_text())
        if not isinstance(raw, dict):
            raise RepliesError(f"{path}: expected a mapping of reply keys")
        templates: dict[str, list[str]] = {}
        for key, value in raw.items():
            variants = value if isinstance(value, list) else [value]
            if not variants or not all(isinstance(v, str) and v.strip() for v in variants):
                raise RepliesError(f"{path}: reply {key!r} must be a non-empty string or list")
            templates[str(key)] = [v.strip() for v in variants]
        return cls(templates)

    def keys(self) -> set[str]:
        return set(self._templates)

    def get(self, key: str, **values: Any) -> str:
        """The next variant of `key`, filled with `values` (missing keys are a bug: raise)."""
        try:
            variants = self._templates[key]
        except KeyError:
            raise RepliesError(f"no reply template {key!r}") from None
        i = self._turn.get(key, 0)
        self._turn[key] = i + 1
        template = variants[i % len(variants)]
        try:
            return template.format(**values)
        except KeyError as e:
            raise RepliesError(f"reply {key!r} needs value {e}") from None

    def fixed_phrases(self, keys: Iterable[str] | None = None) -> list[str]:
        """Sentences that never change (no placeholders), of `keys` or of every template."""
        out: list[str] = []
        chosen = self._templates if keys is None else {k: self._templates[k] for k in keys}
        for variants in chosen.values():
            for template in variants:
                for sentence in re.split(r"(?<=[.?!])\s+", template):
                    if sentence and "{" not in sentence and sentence not in out:
                        out.append(sentence)
        return out
