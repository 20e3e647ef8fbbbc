"""Names whisper hears in the audio, searched over the name lexicon with whisper's own decoder.

The sound-alike search (`name_sounds`) compares espeak phonemes, so it misses names whisper
wrote as other words: "Priya Nair" came out "Preion air", whose nearest common names by
phonemes are "Brian Ell" and "Brayan Orr". Here whisper's decoder is walked through a prefix
tree of the lexicon's first and last names as whisper spells them in tokens: at each step only
tokens that continue some name are allowed, and the `beam` best partial names (by whisper's
log-probability given the audio and the words before the name) go on. It proposes "Priya
Nair" first for that answer, and "Leo Martin" among the first three for "Little Martin";
`name_rescore` then judges its names with the rest.

A step is one call for the whole beam; whisper's stepper (`whisper_decoder.DecoderState`)
keeps each partial name's decoder state, so a step runs one token per partial name: 30-50 ms
on 2 cores for a beam of 5, ~0.1-0.25 s a search (CTranslate2's `generate` redid the whole
prefix and the cross-attention every call: 160-280 ms a step). Beam 3 or a tighter prune
(`prune_nats` 5) found fewer right names on bench.names (124). In simulator conditions (180
lines, 124 right at beam 5), beams 8 and 12 found 124 and 123: a wider beam reaches "Leo" for
"Little Martin" but also "William"; ranking partial names by the name prior too (look-ahead
over each subtree's commonest name) gave 122 at weight 0.5 and 113 at 1.3, the common names it
surfaces then winning on the prior ("John Lee" for "Chidi Obi").
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from .name_sounds import PARTICLES


@runtime_checkable
class TokenStepper(Protocol):
    """Whisper's decoder over one utterance's audio, one token at a time."""

    @property
    def vocabulary(self) -> str:
        """Names the tokenizer: the name trees built for it are reused across utterances."""
        ...

    def tokenize(self, text: str) -> list[int]: ...

    def next_logprobs(self, prefixes: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """Log-probabilities over the vocabulary of the token after each prefix (the tokens
        the transcript starts with); an empty array where the decoder gave none."""
        ...


@dataclass
class _Node:
    children: dict[int, _Node] = field(default_factory=dict)
    name: str | None = None  # set where a name ends


def build_trie(names: Iterable[str], tokenize: Callable[[str], list[int]]) -> _Node:
    """Names as whisper writes them after a space (" Priya" -> [" Pri", "ya"])."""
    root = _Node()
    for name in names:
        node = root
        for token in tokenize(" " + name):
            node = node.children.setdefault(token, _Node())
        node.name = name
    return root


@dataclass(frozen=True)
class NameSearchOptions:
    beam: int = 5  # partial names kept after each step
    max_steps: int = 8  # tokens of first + last name (or + the word after) together
    results: int = 6  # full names returned, most likely first
    # a partial name this far below the best full name found cannot catch up in practice
    prune_nats: float = 8.0


DEFAULT_NAME_SEARCH_OPTIONS = NameSearchOptions()


@dataclass(frozen=True)
class _Partial:
    logprob: float
    tokens: tuple[int, ...]
    node: _Node
    done: tuple[str, ...]  # the names already complete (the first, when in the last)


class NameSearch:
    """First + last names from the lexicon, most likely under whisper first."""

    def __init__(
        self,
        first_names: Sequence[str],
        last_names: Sequence[str],
        options: NameSearchOptions = DEFAULT_NAME_SEARCH_OPTIONS,
    ) -> None:
        self._names = (tuple(first_names), tuple(last_names))
        self._opts = options
        self._tries: dict[str, tuple[_Node, _Node]] = {}
        self._lock = threading.Lock()

    def tries(self, vocabulary: str, tokenize: Callable[[str], list[int]]) -> tuple[_Node, _Node]:
        """The first- and last-name trees for one tokenizer (built once, ~0.3 s; prewarm
        builds them for whisper's)."""
        with self._lock:
            if vocabulary not in self._tries:
                first, last = self._names
                self._tries[vocabulary] = (build_trie(first, tokenize), build_trie(last, tokenize))
            return self._tries[vocabulary]

    def search(
        self, stepper: TokenStepper, before: str = "", parts: str = "first last", then: str = ""
    ) -> list[tuple[str, float]]:
        """(name, log-probability) of the likeliest names after the words `before` them.

        `parts`: which names to search, in order ("first last", "first" or "last"); a name
        heard right in one part is cheaper to keep, writing it into `before` or `then` (the
        word said right after the searched names, scored with them but not returned). Without
        `then`, a first name is ranked alone: "Leigh" and "Lee" led "Leo" for "Little Martin"
        though whisper fits "Leo Martin" 3-4 nats better than either. bench.names stays at 128
        of 180 (two lines that were wrong change to another wrong name) for no measurable time."""
        first_root, last_root = self.tries(stepper.vocabulary, stepper.tokenize)
        roots = [{"first": first_root, "last": last_root}[part] for part in parts.split()]
        searched = len(roots)
        if then := then.strip():
            roots.append(build_trie([then], stepper.tokenize))
        opts = self._opts
        prefix = tuple(stepper.tokenize(" " + before.strip())) if before.strip() else ()
        partials = [_Partial(0.0, prefix, roots[0], ())]
        found: dict[str, float] = {}
        for _ in range(opts.max_steps):
            if not partials:
                break
            logprobs = stepper.next_logprobs([p.tokens for p in partials])
            grown: list[_Partial] = []
            for partial, lp in zip(partials, logprobs, strict=True):
                for token, child in partial.node.children.items():
                    if token >= lp.size:
                        continue
                    score = partial.logprob + float(lp[token])
                    tokens = (*partial.tokens, token)
                    if child.name is not None:
                        done = (*partial.done, child.name)
                        if len(done) < len(roots):
                            grown.append(_Partial(score, tokens, roots[len(done)], done))
                        else:
                            full = " ".join(done[:searched])
                            found[full] = max(score, found.get(full, -np.inf))
                    if child.children:
                        grown.append(_Partial(score, tokens, child, partial.done))
            partials = _keep_best(grown, opts.beam, staged=bool(then))
            if found:
                floor = max(found.values()) - opts.prune_nats
                partials = [p for p in partials if p.logprob > floor]
        ranked = sorted(found.items(), key=lambda item: -item[1])
        return ranked[: opts.results]


def _keep_best(grown: list[_Partial], beam: int, staged: bool) -> list[_Partial]:
    """The `beam` likeliest partials, or with `staged` the `beam` likeliest at each stage (names
    already complete).

    Staged is for a search ending in a word already heard (`then`): a complete first name
    waiting for it is a whole candidate and should not compete with the prefixes of longer
    first names, whose scores sum fewer tokens ("Leo" fell out of the beam for "Little Martin"
    behind " Le", " Li" and their kin, and "Rita Martin" won). An open first + last search is
    left unstaged: it then reached more common names that sound like the heard words ("Brian
    Eyre" for "Pre-In-Air") and the prior picked them over the rarer right name."""
    if not staged:
        return sorted(grown, key=lambda p: -p.logprob)[:beam]
    stages: dict[int, list[_Partial]] = {}
    for partial in sorted(grown, key=lambda p: -p.logprob):
        stage = stages.setdefault(len(partial.done), [])
        if len(stage) < beam:
            stage.append(partial)
    return [p for stage in stages.values() for p in stage]


@functools.cache
def get_name_search() -> NameSearch:
    """The process-wide search over the name lexicon's first and last names."""
    from .name_lexicon import MAX_RANK, get_lexicon

    rows = [(n, f, la) for n, f, la, _ in get_lexicon().rows() if n.isascii()]
    firsts = [n.title() for n, first, _ in rows if 0 < first <= MAX_RANK]
    lasts = [n.title() for n, _, last in rows if 0 < last <= MAX_RANK and n not in PARTICLES]
    return NameSearch(firsts, lasts)
