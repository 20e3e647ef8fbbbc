"""The numpy whisper decoder the name search steps: same numbers as CTranslate2's, state kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from agent.speech.whisper_decoder import (
    DecoderState,
    DecoderWeightsError,
    decoder_arrays,
    load_decoder_weights,
)
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


def ctranslate2_total(
    whisper: WhisperEngine, encoded: np.ndarray, start: list[int], text: str
) -> float:
    """CTranslate2's own teacher-forced log-probability of `text` (int8 weights)."""
    import ctranslate2

    tokens = [*whisper.tokenize(" " + text), whisper._tokenizer.eot]
    states = ctranslate2.StorageView.from_array(np.ascontiguousarray(encoded[None]))
    result = whisper._model.model.align(states, start, [tokens], 2 * encoded.shape[0])[0]
    return float(np.log(np.asarray(result.text_token_probs[:-1])).sum())


def test_texts_score_as_ctranslate2_scores_them_whether_stepped_or_whole(
    whisper: WhisperEngine, say: Say
) -> None:
    encoded, start = utterance(whisper, say("Leo Martin, April fourth, nineteen sixty two"))
    state = DecoderState(load_decoder_weights(whisper.model_dir), encoded)
    texts = ["Leo Martin, April 4, 1962", "Peter Mills, May 9, 2001"]
    whole = state.logprob([[*start, *whisper.tokenize(" " + t)] for t in texts], len(start))
    stepped = [stepped_total(state, start, whisper.tokenize(" " + t)) for t in texts]
    theirs = [ctranslate2_total(whisper, encoded, start, t) for t in texts]
    np.testing.assert_allclose(whole, stepped, atol=1e-2)
    # CTranslate2 runs int8 weights, this float32: totals agree to within a nat for a text
    # that fits, and within 10 % for one that does not (-42 here, -45 there)
    np.testing.assert_allclose(whole, theirs, rtol=0.1, atol=1.0)
    assert whole[0] > whole[1] + 10


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


def test_an_empty_prefix_or_text_is_refused(whisper: WhisperEngine, say: Say) -> None:
    encoded, _ = utterance(whisper, say("Yes"))
    state = DecoderState(load_decoder_weights(whisper.model_dir), encoded)
    with pytest.raises(ValueError):
        state.next_logprobs([[]])
    with pytest.raises(ValueError):
        state.logprob([[1, 2]], 2)  # no token to score after the start tokens
    assert state.next_logprobs([]) == []
    assert state.logprob([], 1) == []


def test_a_file_that_is_not_a_whisper_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"\x06\x00\x00\x00\x0b\x00TransformerX" + b"\0" * 16)
    with pytest.raises(DecoderWeightsError):
        load_decoder_weights(tmp_path)


def model_link(whisper: WhisperEngine, where: Path) -> Path:
    """A model directory holding only a link to the real model.bin."""
    (where / "model.bin").symlink_to(whisper.model_dir / "model.bin")
    return where


def test_the_float32_copy_is_written_once_then_mapped_and_matches(
    whisper: WhisperEngine, tmp_path: Path
) -> None:
    model_dir = model_link(whisper, tmp_path)
    written = decoder_arrays(model_dir)
    assert (model_dir / "decoder-float32.npy").stat().st_size > 100_000_000
    mapped = decoder_arrays(model_dir)
    assert written.keys() == mapped.keys()
    name = "decoder/layer_0/ffn/linear_0/weight"
    assert isinstance(mapped[name].base, np.memmap)
    np.testing.assert_array_equal(written[name], mapped[name])
    assert mapped[name].shape == (512, 2048)  # transposed for x @ weight


def test_a_copy_from_another_model_file_is_rewritten(
    whisper: WhisperEngine, tmp_path: Path
) -> None:
    model_dir = model_link(whisper, tmp_path)
    (model_dir / "decoder-float32.json").write_text('{"source": "1:2", "arrays": {}}')
    arrays = decoder_arrays(model_dir)
    assert "decoder/embeddings/weight" in arrays
    assert '"source": "1:2"' not in (model_dir / "decoder-float32.json").read_text()


def test_where_no_copy_can_be_written_the_weights_stay_in_memory(
    whisper: WhisperEngine, tmp_path: Path
) -> None:
    model_dir = model_link(whisper, tmp_path)
    (model_dir / "decoder-float32.npy").mkdir()  # in the way of the copy (tests run as root)
    arrays = decoder_arrays(model_dir)
    assert not isinstance(arrays["decoder/embeddings/weight"].base, np.memmap)
    assert arrays["decoder/embeddings/weight"].shape == (51865, 512)
