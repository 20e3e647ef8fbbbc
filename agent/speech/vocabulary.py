"""Clinic vocabulary that biases whisper towards the words patients say on these calls."""

from __future__ import annotations

from collections.abc import Sequence

from .wer import normalize_words

PROVIDERS = ("Doctor Patel", "Doctor Okafor", "Lee Chen")
VISIT_TYPES = ("checkup", "sick visit", "follow-up", "vaccination", "new patient")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
CLINIC_TERMS = ("copay", "insurance")
# Measured on bench.speech (42 piper utterances, whole-utterance decode): providers + visit
# types 5.2 % WER; adding weekdays and months 4.8 % ("thirsty" -> "Thursday").
DEFAULT_VOCABULARY: tuple[str, ...] = PROVIDERS + VISIT_TYPES + CLINIC_TERMS + WEEKDAYS + MONTHS

# Whisper's prompt window is 224 tokens; a short, list-like prompt biases without making the
# model copy it. Terms beyond the budget are dropped from the end (months first).
_MAX_TERMS_CHARS = 450
_MAX_CONTEXT_CHARS = 160


def build_prompt(vocabulary: Sequence[str] = (), context: str = "") -> str:
    """Initial prompt: clinic terms (the caller's first), then what the patient said last."""
    terms: list[str] = []
    seen: set[str] = set()
    used = 0
    for term in (*vocabulary, *DEFAULT_VOCABULARY):
        term = term.strip()
        key = term.lower()
        if not key or key in seen or used + len(term) + 2 > _MAX_TERMS_CHARS:
            continue
        seen.add(key)
        terms.append(term)
        used += len(term) + 2
    prompt = "Clinic appointment call: " + ", ".join(terms) + "."
    if context.strip():
        prompt += " " + context.strip()[-_MAX_CONTEXT_CHARS:]
    return prompt


_MIN_COPIED_WORDS = 3


def copies_context(text: str, context: str) -> bool:
    """Whether `text` is the earlier turns fed back as prompt context, copied word for word.

    Whisper sometimes writes its prompt instead of the audio ("Uh, Kay Wu, born February
    ninth" came out as the patient's previous sentence); a short reply ("Yes.") may repeat
    by chance, so only copies of `_MIN_COPIED_WORDS` words or more count."""
    mine, theirs = normalize_words(text), normalize_words(context)
    n = len(mine)
    if n < _MIN_COPIED_WORDS or n > len(theirs):
        return False
    return any(theirs[i : i + n] == mine for i in range(len(theirs) - n + 1))
