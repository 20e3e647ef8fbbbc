"""Which common names sound like what whisper wrote: candidates for rescoring a name answer.

Whisper base turns names it has rarely seen into words or fragments that sound the same
("Priya Nair" -> "Pre-In-Air", "Nora Singh" -> "Norse Singh", "Aisha Bello" -> "Ashabello"),
and the right name is then nowhere in its beam. Spelling both through espeak-ng's English
phonemes (the same front end piper speaks with) puts them a few phonemes apart. The heard name
is phonemized as one string and every split of it is matched against common first and last
names by edit distance, so words merged or split by whisper are found too; whisper itself
then judges the candidates against the audio (`name_rescore`).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# Stress, length and palatalisation marks, word gaps: what whisper's spelling cannot show.
_MARKS = str.maketrans("", "", "ˈˌːʲ‍ -'.,")
_phonemizer: Any = None
_phonemizer_lock = threading.Lock()


def name_words(name: str) -> list[str]:
    """The words of a name, a hyphen counting as a gap ("Pre-In-Air" -> 3 words)."""
    return name.replace("-", " ").split()


def sounds(text: str) -> str:
    """`text` as a string of en-us phonemes without stress marks ("Grace Kim" -> "ɡɹeɪskɪm")."""
    global _phonemizer
    with _phonemizer_lock:  # espeak-ng is one C library state per process
        if _phonemizer is None:
            from piper.phonemize_espeak import EspeakPhonemizer

            _phonemizer = EspeakPhonemizer()
        sentences = _phonemizer.phonemize("en-us", text)
    return "".join("".join(s) for s in sentences).translate(_MARKS)


# Phonemes that whisper (and listeners) confuse: vowels among themselves, and consonants that
# differ in voicing or place only. A distance is the mean of three edit distances: on the
# phonemes, on these classes, and on the consonant classes alone, so a near-miss costs a
# third or two ("Kim"/"Ken" 0.67, "Nor"/"Nora" 0.67, "Nor"/"Paul" 1.33).
_VOWELS = "aeiouæɑɐɒɔəɚɛɜɪʊʌ"
_KIN = ("mnŋ", "pb", "tdɾθð", "kɡ", "szʃʒ", "fv", "lɹ", "jw")
_CLASSES = str.maketrans({**{v: "a" for v in _VOWELS}, **{c: g[0] for g in _KIN for c in g}})
_CONSONANTS = str.maketrans({**{v: None for v in _VOWELS}, **{c: g[0] for g in _KIN for c in g}})


def _views(spoken: str) -> tuple[str, str, str]:
    return spoken, spoken.translate(_CLASSES), spoken.translate(_CONSONANTS)


def sound_distance(a: str, b: str) -> float:
    """Edit distance between two phoneme strings, near-misses counted as a fraction."""
    return sum(Levenshtein.distance(x, y) for x, y in zip(_views(a), _views(b), strict=True)) / 3


# Particles the name lists carry as if they were surnames ("El", "Al", "De"): never a whole
# last name on the phone, and short enough to match any stray syllable.
PARTICLES = frozenset(
    "al el de da di du la le van von der den bin ben ibn abu ter dos das del della st".split()
)


@dataclass(frozen=True)
class SoundIndexOptions:
    max_rank: int = 1500  # names rarer than this are never proposed
    per_part: int = 10  # first (last) names kept for each split of what was heard
    max_distance: float = 2.5  # weighted edits allowed for the whole name
    min_part: int = 2  # phonemes on each side of a split
    rank_weight: float = 0.15  # how much commonness orders candidates of similar sound
    off_boundary: float = 0.5  # extra cost of splitting a two-word name elsewhere than its gap


DEFAULT_SOUND_INDEX_OPTIONS = SoundIndexOptions()


@dataclass(frozen=True)
class SoundCandidate:
    name: str  # "Priya Nair"
    distance: float  # weighted phoneme edits from what was heard


class _Pool:
    """First (or last) names as arrays: distances to all of them are one vectorised call."""

    def __init__(self, rows: list[tuple[str, int, str]]) -> None:
        self.names = [n for n, _, _ in rows]
        self.views = list(zip(*(_views(s) for _, _, s in rows), strict=True)) if rows else []
        self.log_rank = np.log(np.array([r for _, r, _ in rows], dtype=np.float64))

    def nearest(self, part: str, options: SoundIndexOptions) -> list[tuple[int, float]]:
        """(index, distance) of the names closest to `part`, commonness breaking near-ties."""
        if not self.names:
            return []
        distance = sum(
            process.cdist([mine], theirs, scorer=Levenshtein.distance, workers=1)[0]
            for mine, theirs in zip(_views(part), self.views, strict=True)
        ) / len(self.views)
        order = distance + options.rank_weight * self.log_rank
        order[distance > options.max_distance] = np.inf
        k = min(options.per_part, len(order))
        top = np.argpartition(order, k - 1)[:k]
        return [(int(i), float(distance[i])) for i in top if np.isfinite(order[i])]


class NameSoundIndex:
    """Common first and last names by their sound; `near` finds the closest full names."""

    def __init__(
        self,
        entries: list[tuple[str, int, int, str]],
        options: SoundIndexOptions = DEFAULT_SOUND_INDEX_OPTIONS,
    ) -> None:
        """`entries`: (name, first_rank, last_rank, sounds) rows of the name lexicon."""
        self._opts = options
        limit = options.max_rank
        # ASCII only: "López" and "Lopez" sound alike, and the record wants the plain spelling
        usable = [(n, f, la, s) for n, f, la, s in entries if s and n.isascii()]
        self._first = _Pool([(n, f, s) for n, f, _, s in usable if 0 < f <= limit])
        self._last = _Pool(
            [(n, la, s) for n, _, la, s in usable if 0 < la <= limit and n not in PARTICLES]
        )

    def near(self, heard: str, limit: int = 6) -> list[SoundCandidate]:
        """Full names ("First Last") that sound closest to `heard`, nearest first."""
        words = name_words(heard)
        if not 1 <= len(words) <= 3:
            return []
        opts = self._opts
        spoken = sounds(heard)
        gap = len(sounds(words[0])) if len(words) == 2 else -1
        best: dict[tuple[int, int], float] = {}
        for cut in range(opts.min_part, len(spoken) - opts.min_part + 1):
            split_cost = opts.off_boundary if gap > 0 and cut != gap else 0.0
            firsts = self._first.nearest(spoken[:cut], opts)
            lasts = self._last.nearest(spoken[cut:], opts) if firsts else []
            for first, d_first in firsts:
                for last, d_last in lasts:
                    cost = d_first + d_last + split_cost
                    if cost <= opts.max_distance and cost < best.get((first, last), np.inf):
                        best[(first, last)] = cost

        def order(item: tuple[tuple[int, int], float]) -> float:
            (first, last), cost = item
            commonness = self._first.log_rank[first] + self._last.log_rank[last]
            return cost + opts.rank_weight * float(commonness)

        heard_key = " ".join(words).lower()
        out: list[SoundCandidate] = []
        for (first, last), cost in sorted(best.items(), key=order):
            name = f"{self._first.names[first].title()} {self._last.names[last].title()}"
            if name.lower() != heard_key:
                out.append(SoundCandidate(name, cost))
        return out[:limit]


@functools.cache
def get_sound_index() -> NameSoundIndex:
    """The process-wide index over the name lexicon (built on first use, ~0.1 s)."""
    from .name_lexicon import get_lexicon

    return NameSoundIndex(get_lexicon().rows())
