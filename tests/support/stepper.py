"""A fake whisper decoder for name-search tests: one token per character, it heard one line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

VOCAB = 128


def chars(text: str) -> list[int]:
    """A tokenizer with one token per character: names are several tokens long."""
    return [ord(c) for c in text]


class Heard:
    """A decoder that heard `spoken` after the prefix: the next character of it is likely
    (`sure` of the mass), anything else shares the rest. Records the prefixes it stepped."""

    vocabulary = "chars"

    def __init__(self, spoken: str, sure: float = 0.6) -> None:
        self.spoken = chars(spoken)
        self.sure = sure
        self.steps: list[int] = []
        self.prefixes: list[str] = []

    def tokenize(self, text: str) -> list[int]:
        return chars(text)

    def next_logprobs(self, prefixes: Sequence[Sequence[int]]) -> list[np.ndarray]:
        self.steps.append(len(prefixes))
        out = []
        for prefix in prefixes:
            self.prefixes.append("".join(map(chr, prefix)))
            probs = np.full(VOCAB, (1 - self.sure) / (VOCAB - 1))
            n = len(prefix)
            if list(prefix) == self.spoken[:n] and n < len(self.spoken):
                probs[self.spoken[n]] = self.sure
            else:
                probs[:] = 1 / VOCAB
            out.append(np.log(probs))
        return out
