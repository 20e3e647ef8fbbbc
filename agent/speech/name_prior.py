"""Pick among whisper's n-best decodes of a name answer with a prior on how common names are.

Whisper base often ranks a near-miss first ("Marita Lopez" over "Maria Lopez", "Grace Ken" over
"Grace Kim") with the right name a close second. Shallow fusion: score = the hypothesis' total
log-probability + `weight` x log P(name), where P(name) ~ 1 / rank of the first and last name in
the lexicon (Zipf). A clearly heard rare name still wins ("Marta Rossi" leads "Martha" by 2.8
nats); only near-ties move. Names bench (68 piper lines, beam 5, 5 hypotheses): best-first 48
right, with the prior 53 (weights 0.3 and 0.4 equal; 0.6+ starts picking wrong common names).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from .name_lexicon import MAX_RANK, NameLexicon
from .name_sounds import name_words


class NameFinder(Protocol):
    """The patient's name in an answer ("Grace Kim, born July ninth" -> "Grace Kim"), or None."""

    def __call__(self, text: str) -> str | None: ...


@dataclass(frozen=True)
class Hypothesis:
    text: str
    logprob: float  # total over the hypothesis' tokens


@dataclass(frozen=True)
class NamePriorOptions:
    weight: float = 0.3
    unknown_rank: int = 20000  # a word in no country's top list
    # A last name used as a first name (or the reverse) counts as this many times rarer, and
    # never as common as a name the lexicon lists in that place (its table stops at
    # `listed_rank`), nor rarer than an unknown word. At 5, "Little" (395th surname, 8075th US
    # first name) was a 1975th first name and "Little Martin" beat "Leo Martin" (public
    # side-question-then-back in audio); bench.names: 125 of 180 right at 50, 126 at 5.
    wrong_position_factor: int = 50
    listed_rank: int = MAX_RANK
    # A birth year that would make the patient over 100 (or not born yet) costs this much:
    # "January second, nineteen ninety" came out "1919" with "1990" next in the beam.
    implausible_year_penalty: float = 4.0
    max_age: int = 100
    this_year: int | None = None  # None: the calendar's (tests pin it)


DEFAULT_NAME_PRIOR_OPTIONS = NamePriorOptions()
_YEAR = re.compile(r"(?<![\d-])(?:18|19|20)\d\d(?![\d-])")


class NamePrior:
    def __init__(
        self,
        lexicon: NameLexicon,
        find_name: NameFinder,
        options: NamePriorOptions = DEFAULT_NAME_PRIOR_OPTIONS,
    ) -> None:
        self._lexicon = lexicon
        self._find_name = find_name
        self._opts = options
        self._unknown = -math.log(options.unknown_rank)

    def _word(self, word: str, position: str) -> float:
        first, last = self._lexicon.first_rank(word), self._lexicon.last_rank(word)
        if position == "middle":
            rank = min((r for r in (first, last) if r), default=0)
        else:
            rank = first if position == "first" else last
            if not rank and (first or last):
                opts = self._opts
                rank = max(first, last) * opts.wrong_position_factor
                rank = min(max(rank, opts.listed_rank), opts.unknown_rank)
        return -math.log(rank) if rank else self._unknown

    def is_known(self, word: str, position: str, max_rank: int) -> bool:
        """`word` is among the `max_rank` commonest names in its place ("first" or "last")."""
        lexicon = self._lexicon
        rank = lexicon.first_rank(word) if position == "first" else lexicon.last_rank(word)
        return 0 < rank <= max_rank

    def is_common(self, name: str, max_rank: int) -> bool:
        """A first and a last name, each among the `max_rank` most common in its place."""
        words = name_words(name)
        return (
            len(words) == 2
            and self.is_known(words[0], "first", max_rank)
            and self.is_known(words[1], "last", max_rank)
        )

    def log_prior(self, text: str) -> float:
        """log P(the name in `text`); an answer with no name in it scores as two unknown words."""
        return self.name_log_prior(self._find_name(text))

    def name_log_prior(self, name: str | None) -> float:
        """log P(`name`); no name scores as two unknown words."""
        words = name_words(name) if name else []
        if not words:
            return 2 * self._unknown
        if len(words) == 1:
            return max(self._word(words[0], "first"), self._word(words[0], "last")) + self._unknown
        middle = sum(self._word(w, "middle") for w in words[1:-1])
        return self._word(words[0], "first") + middle + self._word(words[-1], "last")

    def spelling_key(self, name: str) -> tuple[float, float]:
        """How usual a spelling of a name is here, for choosing among names that sound the
        same ("Nora"/"Norah"): US births of the first name first, then the name's prior."""
        words = name_words(name)
        births = self._lexicon.us_births(words[0]) if words else 0
        return math.log1p(births), self.name_log_prior(name)

    def year_penalty(self, text: str) -> float:
        """Cost of a birth year no patient has (over `max_age`, or in the future)."""
        this_year = self._opts.this_year or date.today().year
        for match in _YEAR.finditer(text):
            year = int(match.group(0))
            if year > this_year or this_year - year > self._opts.max_age:
                return self._opts.implausible_year_penalty
        return 0.0

    def choose(self, hypotheses: Sequence[Hypothesis], score: object = None) -> Hypothesis:
        """The beam's hypothesis to keep, for an answer that needs no name rescoring (a
        `Chooser`: it scores no other texts)."""
        if not hypotheses:
            return Hypothesis("", -10.0)
        return hypotheses[self.pick(hypotheses)]

    def pick(self, hypotheses: Sequence[Hypothesis]) -> int:
        """Index of the hypothesis to keep."""
        if len(hypotheses) < 2:
            return 0
        scores = [
            h.logprob + self._opts.weight * self.log_prior(h.text) - self.year_penalty(h.text)
            for h in hypotheses
        ]
        return max(range(len(scores)), key=scores.__getitem__)
