"""Re-decide a name answer: whisper judges names that sound like what it wrote, a prior on how
common names are breaks near-ties.

Whisper's beam only holds spellings whisper likes; for a name it has rarely seen ("Nair",
"Kim" said quickly) the right one is often absent. `NameRescorer` takes the beam's names,
adds common names that sound alike (`name_sounds`) and, when the chooser is handed whisper's
decoder, the names whisper's own search over the lexicon finds (`name_search`: "Preion air"
sounds like no name but steps to "Priya Nair"), asks whisper how well each full answer fits
the audio (teacher-forced log-probability, ~25 ms per candidate on 2 cores), and picks the
best score + `prior_weight` x log P(name). A clearly heard rare name keeps its lead over
common look-alikes; a name whisper itself barely preferred gives way to a common one.
`python -m bench.names` (180 piper lines, 2026-12-03): beam + prior 99 right, beam + sound-alikes
114 (rescoring p50 / p90 159 / 210 ms), with the search 126 (~180-270 / 560-760 ms: it runs only
where a heard word is not a top-1000 name in its place, ~5 decoder steps of 30-70 ms); with
lexicon v4 and `prior_weight` 1.3, 128 (188 / 615 ms).

Tried without gain (2026-12-03, the 180 lines in simulator conditions, 124 right): fits
averaged over the audio shifted by 5, 10 and 15 ms, 124 (a candidate's fit moves by tenths of
a nat; what the shifts change is the beam, so the candidates); fits of the answers cut just
after the name, 118, or a word after it, 122 (the words after a name show whether its length
matches the audio); fits with the end-of-text token, 124.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .name_prior import Hypothesis, NameFinder, NamePrior
from .name_search import NameSearch, TokenStepper
from .name_sounds import NameSoundIndex, name_words, sounds


class TextScorer(Protocol):
    """Total log-probability of each text as a transcript of the audio being decoded."""

    def __call__(self, texts: Sequence[str], /) -> list[float]: ...


@dataclass(frozen=True)
class NameRescoreOptions:
    # bench.names (180 lines, lexicon v4): 0.8 -> 121 right, 1.0 -> 125, 1.2-1.4 -> 128, 1.6 ->
    # 126, 2.0 -> 121. At 1.0 "Grace Kim" led "Grace Ken" by 0.2-0.3 nats and lost in one public
    # audio run (backchannels-dont-stop); at 1.3 it leads by 0.4-1.2.
    prior_weight: float = 1.3
    beam_names: int = 3  # distinct names from the beam whose sound-alikes are tried
    best_sound_alikes: int = 8  # sound-alikes tried for the best hypothesis' name
    other_sound_alikes: int = 2  # and for each other name in the beam
    max_candidates: int = 8  # texts scored by whisper (~25 ms each), the beam's own included
    # A name heard as a common first + common last name is kept without rescoring: it is
    # nearly always right (bench.names: 72 of 180 lines skip it, 114 right instead of 113)
    keep_common_rank: int = 100
    # names whisper's own search over the lexicon adds (name_search); bench.names: 3 -> 126/180,
    # 6 -> 123 (the extra ones are wrong and each costs a fit)
    searched_names: int = 3
    # a heard word this common in its place is kept and only the other one is searched
    # (half the decoder steps); "Sing" (1420th) is searched, "Martin" kept
    keep_heard_rank: int = 1000
    # among names spoken alike, keep the spelling commonest here (`_usual_spelling`)
    usual_spelling: bool = True


DEFAULT_NAME_RESCORE_OPTIONS = NameRescoreOptions()


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# "<name>, [born] <month> ...": the shape of an answer to "your name and date of birth?"
_NAME_THEN_DATE = re.compile(
    r"^\s*(?P<heard>[\w'-]+(?: [\w'-]+){0,2}?)\s*,?\s+(?:(?:born|orn|or in|or) )?"
    rf"(?=(?:{_MONTHS})\b)",
    re.IGNORECASE,
)
_NOT_NAME_WORDS = frozenset("my name is i it's its the yes no and it this".split())


def heard_name_span(text: str) -> str | None:
    """What stands where the name should be in a name-and-birth-date answer the name finder
    could not read ("8 a park, January 2, 1990" for "Ada Park, January second ..."), or None."""
    match = _NAME_THEN_DATE.match(text)
    if match is None:
        return None
    heard = match.group("heard")
    if any(w.lower() in _NOT_NAME_WORDS for w in heard.split()):
        return None
    return heard


def _heard_in(text: str, heard: str) -> re.Match[str] | None:
    return re.search(re.escape(heard), text, flags=re.IGNORECASE)


def words_before(text: str, heard: str) -> str | None:
    """What the answer says before the name ("My name is"), or None when it is not found."""
    match = _heard_in(text, heard)
    return None if match is None else text[: match.start()].strip()


def replace_name(text: str, heard: str, name: str) -> str | None:
    """`text` with the name as heard swapped for `name`, or None when it cannot be found."""
    match = _heard_in(text, heard)
    if match is None:
        return None
    return text[: match.start()] + name + text[match.end() :]


class NameRescorer:
    def __init__(
        self,
        prior: NamePrior,
        index: NameSoundIndex,
        find_name: NameFinder,
        options: NameRescoreOptions = DEFAULT_NAME_RESCORE_OPTIONS,
        search: NameSearch | None = None,
    ) -> None:
        self._prior = prior
        self._index = index
        self._find_name = find_name
        self._opts = options
        self._search = search

    def _heard(self, hypotheses: Sequence[Hypothesis]) -> tuple[str, str | None]:
        """The beam's pick and the name in it, or the words written where one should be."""
        base = hypotheses[self._prior.pick(hypotheses)].text
        # no name found: words whisper wrote instead of one ("2 Park", "8 a park") still
        # sound like it ("Sue Park", "Ada Park"), so they are searched the same way
        return base, self._find_name(base) or heard_name_span(base)

    def candidates(self, hypotheses: Sequence[Hypothesis]) -> list[str]:
        """Texts to score: the beam's best, then its other names and their sound-alikes, all
        written into the best hypothesis' sentence (the rest of the answer stays as heard)."""
        if not hypotheses:
            return []
        base, base_name = self._heard(hypotheses)
        texts = [base]
        if not base_name or self._prior.is_common(base_name, self._opts.keep_common_rank):
            return texts
        heard = [base_name]
        heard_keys = {base_name.lower()}
        for hyp in hypotheses:
            name = self._find_name(hyp.text)
            if name and name.lower() not in heard_keys:
                heard.append(name)
                heard_keys.add(name.lower())
        opts = self._opts
        names = list(heard)
        for i, name in enumerate(heard[: opts.beam_names]):
            wanted = opts.best_sound_alikes if i == 0 else opts.other_sound_alikes
            names.extend(c.name for c in self._index.near(name, wanted))
        seen = {base_name.lower()}
        for name in names:
            text = replace_name(base, base_name, name)
            if text is None or name.lower() in seen:
                continue
            seen.add(name.lower())
            texts.append(text)
            if len(texts) >= self._opts.max_candidates:
                break
        return texts

    def searched(self, hypotheses: Sequence[Hypothesis], stepper: TokenStepper) -> list[str]:
        """The heard answer with the names whisper's search over the lexicon finds in place of
        the heard one, likeliest first; a heard word that is a known name in its place is kept
        and only the other one is searched (half the decoder steps)."""
        if self._search is None or not hypotheses:
            return []
        base, heard = self._heard(hypotheses)
        before = words_before(base, heard) if heard else None
        if heard is None or before is None:
            return []
        words = name_words(heard)
        first_ok = len(words) == 2 and self._prior.is_known(words[0], "first", self._keep)
        last_ok = len(words) == 2 and self._prior.is_known(words[-1], "last", self._keep)
        if first_ok and last_ok:
            return []
        if first_ok:
            found = self._search.search(stepper, f"{before} {words[0]}", "last")
            names = [f"{words[0]} {name}" for name, _ in found]
        elif last_ok:
            found = self._search.search(stepper, before, "first", then=words[-1])
            names = [f"{name} {words[-1]}" for name, _ in found]
        else:
            names = [name for name, _ in self._search.search(stepper, before)]
        texts = (replace_name(base, heard, name) for name in names[: self._opts.searched_names])
        return [t for t in texts if t is not None]

    @property
    def _keep(self) -> int:
        return self._opts.keep_heard_rank

    def _name_in(self, text: str) -> str | None:
        """The name the finder reads in `text`, or in the words standing where the name should
        be: "Priya Nair or May 2" (whisper's "or" for "born") has none the finder reads in the
        whole answer, and every candidate would score as two unknown words. "Grace can" stays
        no name either way (the finder rejects "can")."""
        name = self._find_name(text)
        if name is None:
            span = heard_name_span(text)
            name = self._find_name(span) if span else None
        return name

    def _best(self, names: Sequence[str | None], fits: Sequence[float]) -> int:
        weight = self._opts.prior_weight
        priors = [self._prior.name_log_prior(name) for name in names]
        totals = [fit + weight * prior for fit, prior in zip(fits, priors, strict=True)]
        return max(range(len(names)), key=totals.__getitem__)

    def choose(self, hypotheses: Sequence[Hypothesis], score: TextScorer) -> Hypothesis:
        """The answer to keep, with whisper's log-probability of it.

        Whisper's own search runs when `score` can step the decoder and the heard name has a
        word that is not a known name in its place. Running it only when the sound-alikes left
        no known name in front saved little (bench.names p90 516 ms instead of 567) and lost 3
        of 126 right names: a common sound-alike wins some answers wrongly."""
        if not hypotheses:
            return Hypothesis("", -10.0)
        texts = self.candidates(hypotheses)
        if isinstance(score, TokenStepper):
            texts += [t for t in self.searched(hypotheses, score) if t not in texts]
        if len(texts) < 2:
            return hypotheses[self._prior.pick(hypotheses)]
        fits = score(texts)
        names = [self._name_in(t) for t in texts]
        best = self._usual_spelling(names, self._best(names, fits))
        return Hypothesis(texts[best], fits[best])

    def _usual_spelling(self, names: Sequence[str | None], best: int) -> int:
        """The text among those whose name sounds like the best one's that spells it the usual
        way here. Whisper cannot hear a spelling, and its fits of homophones follow its tokens
        rather than the audio: for the public "Nora Singh" line, heard "Nor Sing", "Norah"
        (" Nor" + "ah") fitted 0.3-1.1 nats better than "Nora", which US births favour 5:1.
        Only the winner's homophones are considered, so a sound is never swapped for a
        likelier one (pooling the fits of homophones before choosing did that: "Grace Kenne",
        spoken as "Ken", then beat "Grace Kim")."""
        if not self._opts.usual_spelling:
            return best
        chosen = names[best]
        if not chosen:
            return best
        spoken = sounds(chosen)
        alike = [i for i, name in enumerate(names) if name and sounds(name) == spoken]
        return max(alike, key=lambda i: self._prior.spelling_key(names[i] or ""))
