"""Clinic vocabulary that biases whisper towards the words patients say on these calls."""

from __future__ import annotations

from collections.abc import Sequence

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

# Whisper's prompt window is 224 tokens; a short, sentence-like prompt biases without
# making the model copy it into the transcript.
_MAX_PROMPT_CHARS = 400


def build_prompt(vocabulary: Sequence[str] = (), context: str = "") -> str:
    """Initial prompt: clinic terms first, then the last thing the patient said (continuity)."""
    terms: list[str] = []
    seen: set[str] = set()
    for term in (*DEFAULT_VOCABULARY, *vocabulary):
        key = term.strip().lower()
        if key and key not in seen:
            seen.add(key)
            terms.append(term.strip())
    prompt = "Clinic appointment call: " + ", ".join(terms) + "."
    if context.strip():
        prompt += " " + context.strip()
    return prompt[-_MAX_PROMPT_CHARS:]
