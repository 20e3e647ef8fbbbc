"""What a policy turn exchanges with the engine: tool calls out, outcomes in, a reply."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from agent.nlu import Utterance


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolOutcome:
    name: str
    output: str
    is_error: bool = False


TurnGen = Generator[list[ToolCall], list[ToolOutcome], list[str]]


ParseFn = Callable[..., Utterance]


@dataclass
class Reply:
    sentences: list[str] = field(default_factory=list)
    track: str = "booking"

    def add(self, text: str | None) -> None:
        if text:
            self.sentences.append(text)
