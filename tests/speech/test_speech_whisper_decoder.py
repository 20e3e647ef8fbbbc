"""The numpy whisper decoder the name search steps: same numbers as CTranslate2's, state kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from agent.speech.whisper_decoder import DecoderState, DecoderWeightsError, load_decoder_weights
from agent.speech.whisper_engine import WhisperEngine

pytestmark = pytest.mark.slow

Say = Callable[..., np.ndarray]


def utterance(whisper: WhisperEngine, pcm: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The encoder output of `pcm` (as the name search gets it) and the start tokens."""
    held: dict[str, object] = {}

    def keep(hyps: Sequence[object], fit: object) -> object:
        held["fit"] = fit
        return hyps[0]

    whisper.transcribe(pcm, "", 5, keep)  # type: ignore[arg-type]
    fit = held["fit"]
    return np.asarray(fit._encoded)[0], list(fit._bare)  # type: ignore[attr-defined]


def stepped_total(state: DecoderState, start: list[int], tokens: list[int]) -> float:
    """log P(tokens) summed one next-token call at a time, as the search walks a name."""
    total = 0.0
    for i, token in enumerate(tokens):
        total += float(state.next_logprobs([[*start, *tokens[:i]]])[0][token])
    return total


def test_a_text_stepped_token_by_token_scores_as_ctranslate2_scores_it(
    whisper: WhisperEngine, say: Say
) -> None:
    pcm = say("Leo Martin, April fourth, nineteen sixty two")
    encoded, start = utterance(whisper, pcm)
    state = DecoderState(load_decoder_weights(whisper.model_dir), encoded)
    text = "Leo Martin, April 4, 1962"
    tokens = whisper.tokenize(" " + text)
    ours = stepped_total(state, start, tokens)
    held: dict[str, float] = {}

    def fit_it(hyps: Sequence[object], fit: Callable[[list[str]], list[float]]) -> object:
        held["fit"] = fit([text])[0]
        return hyps[0]

    whisper.transcribe(pcm, "", 5, fit_it)  # type: ignore[arg-type]
    # CTranslate2 runs int8 weights, this float32: the totals agree to within a nat or so
    assert abs(ours - held["fit"]) < 1.5
    assert ours > stepped_total(state, start, whisper.tokenize(" Peter Mills, May 9, 2001"))


def test_a_prefix_grown_a_token_at_a_time_gives_what_a_fresh_decoder_gives(
    whisper: WhisperEngine, say: Say
) -> None:
    encoded, start = utterance(whisper, say("My name is Grace Kim"))
    weights = load_decoder_weights(whisper.model_dir)
    tokens = [*start, *whisper.tokenize(" My name is Grace")]
    grown = DecoderState(weights, encoded)
    for cut in range(len(start), len(tokens) + 1):
        stepwise = grown.next_logprobs([tokens[:cut]])[0]
    fresh = DecoderState(weights, encoded).next_logprobs([tokens])[0]
    np.testing.assert_allclose(stepwise, fresh, atol=1e-3)
    assert stepwise.shape == (weights.embeddings.shape[0],)
    assert np.isclose(np.exp(stepwise).sum(), 1.0)


def test_prefixes_of_different_lengths_asked_together_and_again_agree(
    whisper: WhisperEngine, say: Say
) -> None:
    encoded, start = utterance(whisper, say("Nora Singh"))
    weights = load_decoder_weights(whisper.model_dir)
    short = [*start, *whisper.tokenize(" Nora")]
    long = [*start, *whisper.tokenize(" Nora Singh")]
    state = DecoderState(weights, encoded)
    together = state.next_logprobs([short, long, short])
    again = state.next_logprobs([long])
    alone = DecoderState(weights, encoded).next_logprobs([short])
    np.testing.assert_allclose(together[0], together[2], atol=1e-3)
    np.testing.assert_allclose(together[1], again[0], atol=1e-3)
    np.testing.assert_allclose(together[0], alone[0], atol=1e-3)
    # what the search relies on: after " Nora" whisper expects " Singh"'s first token
    singh = whisper.tokenize(" Singh")[0]
    assert together[0][singh] > np.sort(together[0])[-5]


def test_an_empty_prefix_is_refused(whisper: WhisperEngine, say: Say) -> None:
    encoded, _ = utterance(whisper, say("Yes"))
    state = DecoderState(load_decoder_weights(whisper.model_dir), encoded)
    with pytest.raises(ValueError):
        state.next_logprobs([[]])
    assert state.next_logprobs([]) == []


def test_a_file_that_is_not_a_whisper_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"\x06\x00\x00\x00\x0b\x00TransformerX" + b"\0" * 16)
    with pytest.raises(DecoderWeightsError):
        load_decoder_weights(tmp_path)
