"""Whisper's text decoder in numpy, with state kept between steps, for the name search.

CTranslate2's whisper has no incremental decoding call: every `generate` recomputes the
cross-attention keys and values over the whole utterance for each row of the batch and steps
through the forced prefix again, so one step of the name search (a beam of 5 partial names)
cost 160-280 ms on 2 cores and a search 0.4-1.7 s. Here the cross-attention keys and values
are computed once per utterance (shared by every prefix) and each prefix keeps its
self-attention keys and values, so a step only runs the one new token of each prefix: the
prefixes' rows go through each layer as one matrix, and the output projection (the vocabulary,
the largest matrix) is read once per step.

Weights are read from the CTranslate2 `model.bin` the STT already loads (float16 there,
float32 here: ~220 MB for whisper base, written once beside it and memory-mapped). The
numbers follow whisper's decoder: pre-norm blocks, exact GELU, learned positions, the token
embedding as the output projection.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .models import atomic_output

logger = logging.getLogger("agent.speech")
_CACHE_FILE = "decoder-float32.npy"  # next to model.bin
_INDEX_FILE = "decoder-float32.json"
_FLOAT32, _FLOAT16 = 0, 4  # CTranslate2's DataType codes for the arrays read here
_LN_EPS = 1e-5
_VOCAB_BLOCK = 32  # rows projected onto the vocabulary at a time (6.6 MB of logits)


class DecoderWeightsError(RuntimeError):
    """The model file is not a CTranslate2 whisper model this reader understands."""


@dataclass(frozen=True)
class _Layer:
    self_ln: tuple[np.ndarray, np.ndarray]
    self_qkv: tuple[np.ndarray, np.ndarray]  # fused q, k, v: (512, 1536) transposed, bias
    self_out: tuple[np.ndarray, np.ndarray]
    cross_ln: tuple[np.ndarray, np.ndarray]
    cross_q: tuple[np.ndarray, np.ndarray]
    cross_kv: tuple[np.ndarray, np.ndarray]
    cross_out: tuple[np.ndarray, np.ndarray]
    ffn_ln: tuple[np.ndarray, np.ndarray]
    ffn_in: tuple[np.ndarray, np.ndarray]
    ffn_out: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class DecoderWeights:
    embeddings: np.ndarray  # (vocabulary, width), also the output projection
    positions: np.ndarray  # (max positions, width)
    layers: tuple[_Layer, ...]
    final_ln: tuple[np.ndarray, np.ndarray]
    heads: int

    @property
    def width(self) -> int:
        return int(self.embeddings.shape[1])


def _read_variables(path: Path, wanted: str) -> dict[str, np.ndarray]:
    """The arrays in a CTranslate2 `model.bin` whose names start with `wanted`."""
    data = path.read_bytes()
    pos = 0

    def take(fmt: str) -> tuple[int, ...]:
        nonlocal pos
        values = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return values

    def text() -> str:
        nonlocal pos
        (size,) = take("<H")
        value = data[pos : pos + size].rstrip(b"\0").decode()
        pos += size
        return value

    (version,) = take("<I")
    if version < 5 or text() != "WhisperSpec":
        raise DecoderWeightsError(f"{path}: not a CTranslate2 whisper model (v{version})")
    take("<I")  # spec revision
    (count,) = take("<I")
    out: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = text()
        (rank,) = take("<B")
        dims = take("<" + "I" * rank)
        dtype, size = take("<BI")
        if name.startswith(wanted) and rank > 0:
            if dtype not in (_FLOAT32, _FLOAT16):
                raise DecoderWeightsError(f"{path}: {name} has data type {dtype}")
            kind = np.float16 if dtype == _FLOAT16 else np.float32
            array = np.frombuffer(
                data, dtype=kind, count=size // np.dtype(kind).itemsize, offset=pos
            )
            out[name] = array.reshape(dims).astype(np.float32)
        pos += size
    return out


def _prepared(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Linear weights transposed for `x @ weight`, every array C-contiguous float32."""
    return {
        name: np.ascontiguousarray(
            array.T if name.endswith("/weight") and "/layer_" in name else array
        )
        for name, array in variables.items()
    }


def decoder_arrays(model_dir: Path) -> dict[str, np.ndarray]:
    """The decoder's arrays, memory-mapped from a float32 copy next to the model (written on
    first use, ~3 s), so the worker's processes share one copy in the page cache instead of
    holding ~220 MB each. Where the directory is read-only they stay in memory."""
    source = model_dir / "model.bin"
    made = source.stat()
    stamp = f"{made.st_size}:{made.st_mtime_ns}"
    flat_path, index_path = model_dir / _CACHE_FILE, model_dir / _INDEX_FILE
    try:
        return _mapped(flat_path, index_path, stamp)
    except (OSError, ValueError, KeyError):
        pass
    arrays = _prepared(_read_variables(source, "decoder/"))
    index: dict[str, object] = {"source": stamp, "arrays": {}}
    offset = 0
    for name, array in arrays.items():
        index["arrays"][name] = [offset, list(array.shape)]  # type: ignore[index]
        offset += array.size
    try:
        with atomic_output(flat_path) as out:
            np.save(out, np.concatenate([a.ravel() for a in arrays.values()]))
        with atomic_output(index_path) as out:
            out.write(json.dumps(index).encode())
        return _mapped(flat_path, index_path, stamp)
    except OSError as exc:
        logger.warning("decoder weights kept in memory: cannot write %s (%s)", flat_path, exc)
        return arrays


def _mapped(flat_path: Path, index_path: Path, stamp: str) -> dict[str, np.ndarray]:
    index = json.loads(index_path.read_text())
    if index["source"] != stamp:
        raise ValueError("the model changed since the copy was written")
    flat = np.load(flat_path, mmap_mode="r")
    return {
        name: flat[offset : offset + math.prod(shape)].reshape(shape)
        for name, (offset, shape) in index["arrays"].items()
    }


@functools.cache
def load_decoder_weights(model_dir: Path) -> DecoderWeights:
    """The decoder of the whisper model in `model_dir` (mapped once per process)."""
    v = decoder_arrays(Path(model_dir))

    def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
        return v[f"{name}/weight"], v[f"{name}/bias"]

    def norm(name: str) -> tuple[np.ndarray, np.ndarray]:
        return v[f"{name}/gamma"], v[f"{name}/beta"]

    layers = []
    i = 0
    while f"decoder/layer_{i}/ffn/linear_0/weight" in v:
        p = f"decoder/layer_{i}"
        layers.append(
            _Layer(
                self_ln=norm(f"{p}/self_attention/layer_norm"),
                self_qkv=linear(f"{p}/self_attention/linear_0"),
                self_out=linear(f"{p}/self_attention/linear_1"),
                cross_ln=norm(f"{p}/attention/layer_norm"),
                cross_q=linear(f"{p}/attention/linear_0"),
                cross_kv=linear(f"{p}/attention/linear_1"),
                cross_out=linear(f"{p}/attention/linear_2"),
                ffn_ln=norm(f"{p}/ffn/layer_norm"),
                ffn_in=linear(f"{p}/ffn/linear_0"),
                ffn_out=linear(f"{p}/ffn/linear_1"),
            )
        )
        i += 1
    if not layers:
        raise DecoderWeightsError(f"{model_dir}: no decoder layers")
    embeddings = v["decoder/embeddings/weight"]
    # whisper base: 8 heads of 64; the count is stored as a scalar, the head size is fixed
    heads = embeddings.shape[1] // 64
    return DecoderWeights(
        embeddings=embeddings,
        positions=v["decoder/position_encodings/encodings"],
        layers=tuple(layers),
        final_ln=norm("decoder/layer_norm"),
        heads=heads,
    )


def _layer_norm(x: np.ndarray, params: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _LN_EPS) * params[0] + params[1]


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (error < 1.5e-7): numpy has no erf
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _apply(x: np.ndarray, params: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    return x @ params[0] + params[1]


def _split_heads(x: np.ndarray, heads: int) -> np.ndarray:
    return x.reshape(x.shape[0], heads, -1).transpose(1, 0, 2)  # (heads, rows, head size)


def _attend(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, hidden: np.ndarray | None = None
) -> np.ndarray:
    """Scaled dot-product attention over (heads, rows, head size) arrays, rows merged back;
    `hidden[r, c]`: row r may not see column c."""
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(q.shape[-1])
    if hidden is not None:
        scores = np.where(hidden[None], -np.inf, scores)
    probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    return (probs @ v).transpose(1, 0, 2).reshape(q.shape[1], -1)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    top = logits.max(axis=-1, keepdims=True)
    shifted = logits - top
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class DecoderState:
    """One utterance: next-token log-probabilities after any prefix, keeping every prefix's
    self-attention state so that a prefix one token longer costs one token.

    Not thread-safe: one search at a time per utterance."""

    def __init__(self, weights: DecoderWeights, encoded: np.ndarray) -> None:
        self._w = weights
        heads = weights.heads
        frames = np.asarray(encoded, dtype=np.float32).reshape(-1, weights.width)
        self._cross: list[tuple[np.ndarray, np.ndarray]] = []
        for layer in weights.layers:
            kv = _apply(frames, layer.cross_kv)
            k, v = np.split(kv, 2, axis=-1)
            self._cross.append((_split_heads(k, heads), _split_heads(v, heads)))
        # prefix -> per layer (keys, values) of its tokens, (tokens, width) each
        self._cache: dict[tuple[int, ...], list[tuple[np.ndarray, np.ndarray]]] = {(): []}

    def _known(self, prefix: tuple[int, ...]) -> int:
        for cut in range(len(prefix), -1, -1):
            if prefix[:cut] in self._cache:
                return cut
        return 0

    def next_logprobs(self, prefixes: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """Log-probabilities over the vocabulary of the token after each prefix (the whole
        token sequence: start tokens, then the text so far)."""
        if not prefixes:
            return []
        keys = [tuple(p) for p in prefixes]
        # a prefix asked before runs its last token again: the logits are not kept
        hidden, rows = self._run(keys, [len(key) - 1 for key in keys])
        last = [span.stop - 1 for span in rows]
        return list(_log_softmax((hidden[last] @ self._w.embeddings.T).astype(np.float64)))

    def logprob(self, sequences: Sequence[Sequence[int]], first: int) -> list[float]:
        """Teacher-forced log-probability of each sequence's tokens from index `first` on (the
        start tokens before it are given), as whisper scores a transcript."""
        if not sequences:
            return []
        keys = [tuple(s) for s in sequences]
        if any(len(key) <= first or first < 1 for key in keys):
            raise ValueError("each sequence needs a token after `first`, and `first` >= 1")
        hidden, rows = self._run(keys, [first - 1] * len(keys))
        # the row of position p predicts the token at p + 1
        picks = [
            (span.start + (p - (len(key) - (span.stop - span.start))), key[p + 1])
            for key, span in zip(keys, rows, strict=True)
            for p in range(first - 1, len(key) - 1)
        ]
        chosen = self._token_logprobs(hidden, picks)
        totals = np.zeros(len(keys))
        owners = np.repeat(np.arange(len(keys)), [len(key) - first for key in keys])
        np.add.at(totals, owners, chosen)
        return [float(t) for t in totals]

    def _token_logprobs(self, hidden: np.ndarray, picks: list[tuple[int, int]]) -> np.ndarray:
        """log P(token) at each (row, token) pick. Rows go through the vocabulary a block at a
        time, in place: a whole answer's logits at once (~200 rows x 52k) cost several times
        more in fresh memory than in arithmetic."""
        out = np.empty(len(picks))
        embeddings_t = self._w.embeddings.T
        for first in range(0, len(picks), _VOCAB_BLOCK):
            block = picks[first : first + _VOCAB_BLOCK]
            logits = hidden[[row for row, _ in block]] @ embeddings_t
            chosen = logits[np.arange(len(block)), [token for _, token in block]]
            top = logits.max(axis=1)
            np.subtract(logits, top[:, None], out=logits)
            np.exp(logits, out=logits)
            total = logits.sum(axis=1, dtype=np.float64)
            out[first : first + len(block)] = chosen - top - np.log(total)
        return out

    def _run(
        self, keys: list[tuple[int, ...]], latest: list[int]
    ) -> tuple[np.ndarray, list[slice]]:
        """Final hidden rows for each key's tokens not yet cached, from position `latest` at
        the latest (so that its row is computed), and each key's slice of those rows."""
        w = self._w
        if any(not key or len(key) > w.positions.shape[0] for key in keys):
            raise ValueError("a prefix must hold 1 to max-positions tokens")
        bases = [key[: self._known(key)] for key in keys]
        starts = [min(len(base), most) for base, most in zip(bases, latest, strict=True)]
        # every new token of every key is a row; each layer runs all rows at once
        news = [range(start, len(key)) for key, start in zip(keys, starts, strict=True)]
        tokens = [key[p] for key, new in zip(keys, news, strict=True) for p in new]
        x = w.embeddings[tokens] + w.positions[[p for new in news for p in new]]
        ends = np.cumsum([len(new) for new in news])
        spans = [slice(end - len(new), end) for new, end in zip(news, ends, strict=True)]
        new_state: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in keys]
        for depth, layer in enumerate(w.layers):
            x = x + self._self_attention(x, layer, depth, bases, starts, spans, new_state)
            x = x + self._cross_attention(x, layer, depth)
            x = x + _apply(_gelu(_apply(_layer_norm(x, layer.ffn_ln), layer.ffn_in)), layer.ffn_out)
        for i, key in enumerate(keys):
            self._cache[key] = new_state[i]
        return _layer_norm(x, w.final_ln), spans

    def _self_attention(
        self,
        x: np.ndarray,
        layer: _Layer,
        depth: int,
        bases: list[tuple[int, ...]],
        starts: list[int],
        spans: list[slice],
        new_state: list[list[tuple[np.ndarray, np.ndarray]]],
    ) -> np.ndarray:
        heads = self._w.heads
        q, k, v = np.split(_apply(_layer_norm(x, layer.self_ln), layer.self_qkv), 3, axis=-1)
        out = np.empty_like(q)
        for i, (base, start, span) in enumerate(zip(bases, starts, spans, strict=True)):
            past = self._cache[base] if start else []
            if past:
                past_k, past_v = past[depth]
                all_k = np.concatenate([past_k[:start], k[span]])
                all_v = np.concatenate([past_v[:start], v[span]])
            else:
                all_k, all_v = k[span], v[span]
            new_state[i].append((all_k, all_v))
            # causal: the new token at position `start + r` sees the positions up to its own
            later = (
                np.arange(len(all_k))[None, :]
                > (start + np.arange(span.stop - span.start))[:, None]
            )
            out[span] = _attend(
                _split_heads(q[span], heads),
                _split_heads(all_k, heads),
                _split_heads(all_v, heads),
                later,
            )
        return _apply(out, layer.self_out)

    def _cross_attention(self, x: np.ndarray, layer: _Layer, depth: int) -> np.ndarray:
        q = _split_heads(_apply(_layer_norm(x, layer.cross_ln), layer.cross_q), self._w.heads)
        return _apply(_attend(q, *self._cross[depth]), layer.cross_out)


def warm_decoder(weights: DecoderWeights, frames: int = 300) -> None:
    """One answer's worth of scoring on silence: the first calls of a process are several
    times slower (~3 s for the first, measured), so prewarm pays for them."""
    state = DecoderState(weights, np.zeros((frames, weights.width), dtype=np.float32))
    state.logprob([[0, *range(1000 + i, 1016 + i)] for i in range(12)], 1)
