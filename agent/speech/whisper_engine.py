"""Blocking whisper decoding tuned for short phone utterances on 2 CPU cores.

Why not `WhisperModel.transcribe`: it always pads audio to a 30 s window, so even "yes" costs a
full 30 s encoder pass (~1 s on 2 cores). CTranslate2's encoder accepts shorter mel inputs and
runs in time proportional to their length, so we pad each utterance only to a few seconds
(`min_window_s`) and call `generate` directly. A short window makes whisper prone to repeating
itself, so output length is capped by the audio duration and repeated sentences are dropped.
Hallucinations on noise ("Thank you.") are filtered on no_speech_prob / avg_logprob /
compression ratio. One model per process, shared by every session; CTranslate2 releases the GIL.
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .models import whisper_model_dir
from .name_prior import Hypothesis
from .name_rescore import TextScorer
from .whisper_decoder import DecoderState, load_decoder_weights

# Picks the answer from the beam's hypotheses (all of them, best first); it may score other
# texts against the same audio with the scorer it is given (see name_rescore).
Chooser = Callable[[Sequence[Hypothesis], TextScorer], Hypothesis]

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class WhisperEngineOptions:
    compute_type: str = "int8"
    cpu_threads: int = 2
    num_workers: int = 1  # parallel decodes; >1 only helps with more cores than 2
    beam_size: int = 1
    # Pad short audio to this; shorter windows loop more. bench.speech (42 lines, quiet):
    # 6.0 s: WER 5.2 % clean, 10.3 % noisy, final 436 ms p50; 4.5 s: 5.5 %, 11.0 %, 404 ms,
    # but in simulated calls a 4.5 s window looped ("930 works 930 works 930 works ...").
    min_window_s: float = 6.0
    tail_pad_s: float = 1.0  # silence after the audio so the last word is not clipped
    max_tokens_per_s: float = 8.0  # cap on output length (phone numbers spoken fast ~6/s)
    no_speech_threshold: float = 0.6
    logprob_threshold: float = -1.0
    compression_ratio_threshold: float = 2.4
    suspicious_logprob: float = -0.6  # "thank you" etc. is only dropped when also unsure


DEFAULT_ENGINE_OPTIONS = WhisperEngineOptions()

# Phrases whisper invents on silence/noise (it was trained on subtitles).
_HALLUCINATIONS = frozenset(
    {
        "thank you",
        "thank you.",
        "thanks for watching",
        "thanks for watching!",
        "thank you for watching",
        "you",
        "bye",
        "subtitles by the amara.org community",
        "please subscribe",
        "so",
        "i'm sorry",
    }
)


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    audio_s: float
    rejected: str | None = None  # why the text was dropped (hallucination filters)

    @property
    def accepted(self) -> bool:
        return self.rejected is None and bool(self.text)


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def drop_repeats(text: str) -> str:
    """Remove whisper's loop on short windows: a sentence repeating the one before, and a
    last fragment that starts that sentence over (the loop cut off by the token cap)."""
    out: list[str] = []
    keys: list[str] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        key = re.sub(r"[^a-z0-9 ]", "", sentence.lower()).strip()
        if not key or (keys and key == keys[-1]):
            continue
        out.append(sentence)
        keys.append(key)
    if len(keys) >= 2 and keys[-2].startswith(keys[-1]) and not out[-1].endswith((".", "?", "!")):
        out.pop()
    return _TWICE_AT_END.sub(_once_if_words, _LOOP.sub(r"\1", " ".join(out)))


# Two or more words three or more times in a row, without a full stop between the loops
# ("930 works 930 works 930 works", "March 3, 1985 March 3, 1985 March 3, 1985"): whisper's
# loop, not the caller. Single repeated words are left alone: digits and spelled letters
# repeat ("5 5 5", "L L").
_LOOP = re.compile(r"\b(\w[\w']*(?:,? \w[\w']*)+?)(?:,? \1\b){2,}", re.IGNORECASE)
# The same loop caught at its second turn, at the very end of the text ("a checkup on Friday
# afternoon on Friday afternoon."): whisper does it on ~1 in 3 short requests padded to the
# 6 s window. Only phrases with a real word are collapsed: "12 12 12 12" may be a number.
_TWICE_AT_END = re.compile(r"\b(\w[\w']*(?:,? \w[\w']*)+?),? \1(?=[.!?]*$)", re.IGNORECASE)
_REAL_WORD = re.compile(r"[a-z]{3,}", re.IGNORECASE)


def _once_if_words(match: re.Match[str]) -> str:
    phrase = match.group(1)
    return phrase if _REAL_WORD.search(phrase) else match.group(0)


class WhisperEngine:
    """One loaded whisper model; `transcribe` is blocking and thread-safe."""

    def __init__(
        self,
        options: WhisperEngineOptions = DEFAULT_ENGINE_OPTIONS,
        model_dir: Path | None = None,
    ) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        self.options = options
        self.model_dir = model_dir or whisper_model_dir()
        self._model = WhisperModel(
            str(self.model_dir),
            device="cpu",
            compute_type=options.compute_type,
            cpu_threads=options.cpu_threads,
            num_workers=options.num_workers,
        )
        self._tokenizer = Tokenizer(
            self._model.hf_tokenizer, True, task="transcribe", language="en"
        )
        self._features = self._model.feature_extractor

    def tokenize(self, text: str) -> list[int]:
        return list(self._tokenizer.encode(text))

    def _prompt_tokens(self, prompt: str) -> list[int]:
        tok = self._tokenizer
        tokens: list[int] = []
        if prompt.strip():
            tokens = [tok.sot_prev, *tok.encode(" " + prompt.strip())[-200:]]
        return [*tokens, *tok.sot_sequence, tok.no_timestamps]

    def transcribe(
        self,
        audio: np.ndarray,
        prompt: str = "",
        beam_size: int | None = None,
        choose: Chooser | None = None,
    ) -> Transcript:
        """Decode one utterance. `audio`: 16 kHz mono, int16 or float32 in [-1, 1].

        `choose` decides the text instead of taking the beam's best, e.g. a name answer
        re-decided with a prior on names and sound-alike candidates.

        Forcing an agreed prefix does not save time here: CTranslate2 steps through forced
        tokens one by one, so the cost is in the number of output tokens, not in what is new.
        """
        import ctranslate2

        opts = self.options
        if audio.dtype == np.int16:
            audio = audio.astype(np.float32) / 32768.0
        audio_s = audio.size / SAMPLE_RATE
        if audio.size < SAMPLE_RATE // 10:
            return Transcript("", 0.0, -10.0, 1.0, 0.0, audio_s, rejected="too short")
        window = max(opts.min_window_s, audio_s + opts.tail_pad_s)
        window = min(window, 30.0)
        padded = np.zeros(int(window * SAMPLE_RATE), dtype=np.float32)
        padded[: min(audio.size, padded.size)] = audio[: padded.size]
        features = self._features(padded, padding=0)
        n_frames = features.shape[-1] - (features.shape[-1] % 2)
        feats = np.ascontiguousarray(features[:, :n_frames][None], dtype=np.float32)
        prompt_tokens = self._prompt_tokens(prompt)
        max_new = int(6 + opts.max_tokens_per_s * audio_s)
        beam = beam_size or opts.beam_size
        model = self._model.model
        # encoded once: a chooser scores its candidates against the same encoder output
        encoded = model.encode(ctranslate2.StorageView.from_array(feats))
        result = model.generate(
            encoded,
            [prompt_tokens],
            beam_size=beam,
            num_hypotheses=beam if choose is not None else 1,
            return_scores=True,
            return_no_speech_prob=True,
            # CTranslate2 counts the prompt in max_length.
            max_length=min(448, len(prompt_tokens) + max_new),
            suppress_blank=True,
            suppress_tokens=[-1],
        )[0]
        eot = self._tokenizer.eot
        texts: list[str] = []
        scores: list[float] = []
        for seq, mean in zip(result.sequences_ids, result.scores or [-10.0], strict=False):
            ids = [t for t in seq if t < eot]
            texts.append(drop_repeats(self._tokenizer.decode(ids).strip()))
            scores.append(float(mean))  # mean log-probability per token
        text = texts[0] if texts else ""
        avg_logprob = scores[0] if scores else -10.0
        if choose is not None and len(texts) > 1:
            lengths = [max(1, len(seq)) for seq in result.sequences_ids]
            hyps = [Hypothesis(t, sc * n) for t, sc, n in zip(texts, scores, lengths, strict=True)]

            chosen = choose(hyps, _EncodedUtterance(self, encoded, audio_s))
            text = chosen.text
            # a sound-alike the chooser put in is scored without the prompt, so it can rank
            # far below the beam: the audio is as clear as the beam heard it, and an answer
            # ("Sue Park" heard "lawsuit park", picked "Lucy Park") was dropped as unsure
            avg_logprob = max(
                avg_logprob, chosen.logprob / max(1, len(self._tokenizer.encode(" " + text)))
            )
        no_speech = float(result.no_speech_prob)
        # judged on what is left once a loop is cut: a confident sentence that whisper
        # then repeated is the caller's words, not a hallucination (a name and date of
        # birth were dropped as "repetitive" this way, at 0.90 confidence)
        ratio = compression_ratio(text)
        confidence = math.exp(min(0.0, avg_logprob)) * (1.0 - no_speech)
        rejected = self._reject_reason(text, avg_logprob, no_speech, ratio)
        return Transcript(
            text=text if rejected is None else "",
            confidence=round(confidence, 3),
            avg_logprob=avg_logprob,
            no_speech_prob=no_speech,
            compression_ratio=ratio,
            audio_s=audio_s,
            rejected=rejected,
        )

    def _reject_reason(
        self, text: str, avg_logprob: float, no_speech: float, ratio: float
    ) -> str | None:
        opts = self.options
        if not text:
            return "empty"
        if no_speech > opts.no_speech_threshold and avg_logprob < opts.logprob_threshold:
            return "no speech"
        if ratio > opts.compression_ratio_threshold:
            return "repetitive"
        if avg_logprob < opts.logprob_threshold - 0.5:
            return "low confidence"
        key = text.strip().lower()
        if key in _HALLUCINATIONS and (
            avg_logprob < opts.suspicious_logprob or no_speech > opts.no_speech_threshold / 2
        ):
            return "hallucination"
        return None


# Whisper's encoder writes 50 frames per second of audio.
_FRAMES_PER_S = 50


class _EncodedUtterance:
    """One utterance's encoder output, handed to a chooser: it scores whole texts
    (`TextScorer`) and steps the decoder a token at a time (`name_search.TokenStepper`).

    Both run without the clinic prompt: with it each text costs ~4x as much (~90 ms), and the
    names bench picked no better. Both run on `whisper_decoder.DecoderState` (float32 numpy,
    each prefix's state kept between calls, shared by the steps and the texts): CTranslate2
    has no incremental decoding call. bench.names, same box: 128/180 and rescoring p50 / p90
    314 / 1400 ms with CTranslate2 for both, 129/180 and 265 / 537 ms with this."""

    def __init__(self, engine: WhisperEngine, encoded: Any, audio_s: float):
        self._engine = engine
        self._encoded = encoded
        self._audio_s = audio_s
        self._bare = engine._prompt_tokens("")
        self.vocabulary = str(engine.model_dir)
        self._decoder: DecoderState | None = None  # made on first use

    def __call__(self, texts: Sequence[str], /) -> list[float]:
        tokens = [[*self._bare, *self.tokenize(" " + t.strip())] for t in texts]
        return self._state().logprob(tokens, len(self._bare))

    def tokenize(self, text: str) -> list[int]:
        return self._engine.tokenize(text)

    def next_logprobs(self, prefixes: Sequence[Sequence[int]]) -> list[np.ndarray]:
        return self._state().next_logprobs([[*self._bare, *p] for p in prefixes])

    def _state(self) -> DecoderState:
        if self._decoder is None:
            # the padding after the audio only adds cost: a second of it is kept, as whisper
            # saw in training
            states = np.asarray(self._encoded)
            frames = min(states.shape[1], int(self._audio_s * _FRAMES_PER_S) + _FRAMES_PER_S)
            weights = load_decoder_weights(self._engine.model_dir)
            self._decoder = DecoderState(weights, states[0, :frames])
        return self._decoder


_engines: dict[WhisperEngineOptions, WhisperEngine] = {}
_engines_lock = threading.Lock()


def get_engine(options: WhisperEngineOptions = DEFAULT_ENGINE_OPTIONS) -> WhisperEngine:
    """The process-wide whisper engine for these options (loaded once)."""
    with _engines_lock:
        engine = _engines.get(options)
        if engine is None:
            engine = WhisperEngine(options)
            _engines[options] = engine
        return engine
