"""Clinic terms in an utterance: visit type, provider and insurance plan."""

from __future__ import annotations

import re

from agent.nlu.corrections import negated
from agent.nlu.dob import pick
from agent.nlu.lexicon import Lexicon
from agent.nlu.names import title_case

_INSURER_AFTER_TAKE = re.compile(
    r"\b(?:take|accept|have|with|covered by|insured with) (?P<ins>[a-z]+(?: [a-z]+)?)"
)
_NOT_INSURER = frozenset(
    "insurance my it the a an credit cards card cash checks check that this any and or "
    "care medical plan coverage new patients kids children walk ins appointments".split()
)


def find_visit_type(plain: str, lexicon: Lexicon, correction: bool) -> str | None:
    """Canonical visit type: named ones first, else one implied by a symptom."""
    strong = [
        (m.start(), lexicon.canonical(lexicon.visit_types, m.group(0)))
        for m in lexicon.visit_regex.finditer(plain)
        if not negated(plain, m.start(), m.end())
    ]
    if strong:
        kinds = [k for _, k in strong]
        if correction:
            return kinds[-1]
        # A new patient needs the long new-patient visit whatever they come in for.
        return "new patient" if "new patient" in kinds else kinds[0]
    weak = [
        m for m in lexicon.symptom_regex.finditer(plain) if not negated(plain, m.start(), m.end())
    ]
    return "sick visit" if weak else None


def find_provider(plain: str, lexicon: Lexicon, correction: bool) -> str | None:
    """Canonical surname of the provider named ("Doctor Patel", "the nurse practitioner")."""
    hits = [
        m for m in lexicon.provider_regex.finditer(plain) if not negated(plain, m.start(), m.end())
    ]
    hit = pick(hits, correction)
    if hit is None:
        return None
    return lexicon.canonical(lexicon.providers, hit.group(0))


def find_insurer(plain: str, lexicon: Lexicon) -> str | None:
    """A known plan by its canonical name, or the unknown name after "do you take"."""
    m = lexicon.insurer_regex.search(plain)
    if m:
        if m.group(0) == "united" and not re.search(r"\b(?:insurance|take|accept|have)\b", plain):
            return None
        return lexicon.canonical(lexicon.insurers, m.group(0))
    if re.search(r"\b(?:do|does) (?:you|the clinic|y'all) (?:take|accept)\b|\binsurance\b", plain):
        n = _INSURER_AFTER_TAKE.search(plain)
        if n:
            words = [w for w in n.group("ins").split() if w not in _NOT_INSURER]
            if words and words == n.group("ins").split()[: len(words)]:
                return title_case(" ".join(words))
    return None
