"""Pure text helpers: the WER normaliser and the whisper prompt builder (no models)."""

from __future__ import annotations

from agent.speech.vocabulary import build_prompt
from agent.speech.wer import normalize_words, wer, word_errors


def test_normaliser_spells_out_what_whisper_writes_as_digits() -> None:
    said = (
        "My date of birth is March fifth, nineteen eighty four, call five five five, two one two."
    )
    written = "My date of birth is March 5th, 1984, call 555-212."
    assert normalize_words(said) == normalize_words(written)
    assert word_errors("See you at eight forty five.", "See you at 8:45.") == (0, 6)
    assert word_errors("Doctor Okafor, checkup", "Dr. Okafor, check-up") == (0, 3)
    assert normalize_words("Um, the follow-up, OK?") == ["the", "follow", "up", "okay"]


def test_wer_counts_substitutions_insertions_deletions() -> None:
    assert word_errors("book a checkup", "book the checkup please") == (2, 3)
    assert word_errors("next tuesday", "") == (2, 2)
    assert wer([("a b c d", "a b c d"), ("e f", "e g")]) == 1 / 6


def test_prompt_keeps_caller_terms_first_and_fits_the_budget() -> None:
    names = [f"Provider{i}" for i in range(80)]
    prompt = build_prompt(["Maple Street Family Clinic", *names], context="My name is Ana.")
    assert prompt.startswith("Clinic appointment call: Maple Street Family Clinic, Provider0")
    assert prompt.endswith("My name is Ana.")
    assert len(prompt) < 700
    default = build_prompt()
    assert "Okafor" in default and "Thursday" in default and "vaccination" in default
