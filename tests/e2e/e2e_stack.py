"""What the session fixture hands to end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scripts.stack import StackConfig


@dataclass(frozen=True)
class Stack:
    config: StackConfig
    database_url: str
    log_dir: Path

    @property
    def web_url(self) -> str:
        return self.config.web_url
