"""`WhisperSTT`: a streaming LiveKit `stt.STT` on faster-whisper, fully offline.

The stream segments its own audio with the small native VAD from livekit-local-inference
(32 ms windows, ~0.3 % CPU), so it behaves like a cloud streaming STT: START_OF_SPEECH when the
patient starts, INTERIM transcripts from re-decoding the growing buffer at a modest cadence,
and a FINAL (with confidence) plus END_OF_SPEECH at a short pause or on `flush()`.

Latency: after `speculative_silence_ms` of silence the stream already decodes the utterance; if
the patient stays silent until `endpoint_silence_ms` the speculative result becomes the final, so
the final usually lands a few hundred ms after the real end of speech instead of after a full
decode that starts only at the endpoint. Finals at short pauses are fine for AgentSession: it
joins every final of a user turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from livekit import rtc
from livekit.agents import stt, utils
from livekit.agents.language import LanguageCode
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)
from livekit.agents.utils import AudioBuffer

from .line_gate import LevelGate, LineGateOptions, level_dbfs
from .models import ModelMissingError
from .name_lexicon import get_lexicon
from .name_prior import NameFinder, NamePrior
from .name_rescore import NameRescorer
from .name_search import get_name_search
from .name_sounds import get_sound_index
from .noise import NoiseSuppressor
from .partials import SphinxPartials
from .vocabulary import build_prompt, copies_context
from .whisper_engine import (
    DEFAULT_ENGINE_OPTIONS,
    SAMPLE_RATE,
    Chooser,
    Transcript,
    WhisperEngine,
    WhisperEngineOptions,
    get_engine,
)

log = logging.getLogger(__name__)
STT_LINE_GATE = LineGateOptions(piece_ms=16)
_WINDOW = 512  # native VAD window: 32 ms at 16 kHz
_WINDOW_MS = _WINDOW * 1000 // SAMPLE_RATE


@dataclass(frozen=True)
class WhisperOptions:
    engine: WhisperEngineOptions = DEFAULT_ENGINE_OPTIONS
    language: str = "en"
    activation_threshold: float = 0.5
    deactivation_threshold: float = 0.35
    min_speech_ms: int = 64  # speech this long opens an utterance
    preroll_ms: int = 320  # audio kept before the onset (soft first consonants)
    speculative_silence_ms: int = 96  # start decoding after this much silence
    # Emit the final after this much silence. Shorter is faster but splits utterances at
    # pauses: bench.speech measured 288 ms -> 6.1 % clean WER, 384 ms -> 4.2 %.
    endpoint_silence_ms: int = 320
    # Answers to these questions are said in parts ("Nina Simone, February 21st, 1933"); the
    # piper voice pauses 290-380 ms at each comma, so at 320 ms the name became an utterance of
    # its own, decoded without the rest ("Need a Simone"). The end of turn waits for the year
    # anyway, so the longer endpoint costs little on these turns.
    answer_endpoint_silence_ms: int = 560
    long_answers: frozenset[str] = frozenset({"name", "date_of_birth", "phone"})
    # Incremental decoding: a decode started at a pause the patient talked through is kept as a
    # committed chunk (when it covers >= min_chunk_s) so the final only decodes the tail.
    # Off by default: measured clean WER 6.1 % -> 8.4 % for ~20 ms less latency.
    min_chunk_s: float = float("inf")
    max_utterance_s: float = 20.0
    interim_results: bool = True
    # "pocketsphinx": fast rough words from ~0.3 s after onset (default);
    # "whisper": re-decode the growing buffer every `interim_interval_s` (slower, better words).
    interim_engine: Literal["pocketsphinx", "whisper"] = "pocketsphinx"
    interim_interval_s: float = 1.0
    sphinx_step_ms: int = 160  # feed pocketsphinx this much audio at a time
    noise_suppression: bool = False  # rnnoise on the input before VAD and whisper
    # On a noisy line (babble, TV) the segmenting VAD hears the line through a level gate, so
    # background talk opens no utterance; whisper still decodes the ungated audio. 16 ms pieces:
    # two per VAD window. None: no gate.
    line_gate: LineGateOptions | None = STT_LINE_GATE
    # On a line that carries talk (`LevelGate.talk_on_line`: not in its first second, not under
    # steady noise, where the caller at 10 dB SNR stands only 13-16 dB above the floor), an
    # utterance whose level stands less than this above the line's
    # floor (read when it began: the caller's own words raise it) is background. Sim babble
    # 12 dB under the caller: the caller's answers 17-21 dB above the floor, babble peaks that
    # got through the gate 13-14 dB ("Okay.", "we're going to finish" as user turns).
    line_margin_db: float = 15.5
    # Background talkers (TV, babble) are quieter than the caller: whole segments this many dB
    # below the caller's level are not decoded (edges: `edge_margin_db`).
    background_margin_db: float = 9.0
    # Edges are cut only below this (and 200 ms after the last window above it are kept): a
    # word's quiet end sits 10-14 dB under the loud vowels ("afternoon?" ends at -29 dBFS
    # after -15), and at 9 dB it was cut ("Friday after?"). 14 dB also worked for that line but
    # moved the "Grace Kim"/"Grace Ken" near tie to Ken.
    edge_margin_db: float = 12.0
    context_chars: int = 120  # previous finals fed back as prompt (continuity)
    # Finals of an answer to "may I have your name?" decode with this beam: names are where
    # greedy decoding fails most (names bench, 60 piper lines: greedy 35 right, beam 5 41)
    # and one final per call can afford the ~50 ms.
    name_beam_size: int = 5
    vocabulary: tuple[str, ...] = field(default_factory=tuple)


DEFAULT_WHISPER_OPTIONS = WhisperOptions()


class WhisperSTT(stt.STT):
    def __init__(
        self,
        options: WhisperOptions | None = None,
        *,
        vocabulary: Sequence[str] = (),
        engine: WhisperEngine | None = None,
        name_finder: NameFinder | None = None,
    ) -> None:
        opts = options or DEFAULT_WHISPER_OPTIONS
        super().__init__(
            capabilities=stt.STTCapabilities(
                streaming=True,
                interim_results=opts.interim_results,
                offline_recognize=True,
                keyterms=True,
                manual_flush=True,
            )
        )
        self._opts = opts
        self._vocabulary: tuple[str, ...] = (*opts.vocabulary, *vocabulary)
        self._session_keyterms: tuple[str, ...] = ()
        self._engine = engine
        self._name_finder = name_finder
        self._expecting_name = False
        self._expecting_dob = False
        self._long_answer = False

    @property
    def model(self) -> str:
        return "whisper-base-int8"

    @property
    def provider(self) -> str:
        return "faster-whisper"

    @property
    def options(self) -> WhisperOptions:
        return self._opts

    @property
    def engine(self) -> WhisperEngine:
        # Loaded on first use when not injected; prewarm() injects the shared one.
        if self._engine is None:
            self._engine = get_engine(self._opts.engine)
        return self._engine

    def prewarm(self) -> None:
        _ = self.engine

    def prompt(self, context: str = "") -> str:
        return build_prompt((*self._vocabulary, *self._session_keyterms), context)

    def set_vocabulary(self, vocabulary: Sequence[str]) -> None:
        """Clinic-specific names (providers, streets) that whisper should prefer."""
        self._vocabulary = tuple(vocabulary)

    def _update_session_keyterms(self, keyterms: list[str]) -> None:
        self._session_keyterms = tuple(keyterms)

    def expect_answer(self, asked: Collection[str]) -> None:
        """What the agent's last line asked for ("name", "date_of_birth", ...)."""
        self._expecting_name = "name" in asked
        self._expecting_dob = "date_of_birth" in asked
        self._long_answer = bool(self._opts.long_answers.intersection(asked))

    @property
    def endpoint_silence_ms(self) -> int:
        """Silence that ends an utterance now (longer after a question answered in parts)."""
        opts = self._opts
        return opts.answer_endpoint_silence_ms if self._long_answer else opts.endpoint_silence_ms

    def use_name_finder(self, find_name: NameFinder) -> None:
        """How to find the name in an answer: answers to a name question are then picked from
        the beam and common names that sound alike, with a prior on common names
        (`name_rescore`)."""
        self._name_finder = find_name

    async def transcribe_pcm(
        self, pcm: np.ndarray, context: str = "", *, final: bool = False
    ) -> Transcript:
        """Decode 16 kHz mono PCM off the event loop (`final`: the utterance's last decode)."""
        # answers with a name or a birth date are picked from a beam: the name by the prior and
        # sound-alike rescoring, the date away from years no patient was born in ("1919")
        careful = final and (self._expecting_name or self._expecting_dob)
        beam = self._opts.name_beam_size if careful else None
        finder = self._name_finder if careful else None
        rescore_names = self._expecting_name
        prompt = self.prompt(context)

        def decode() -> Transcript:
            choose: Chooser | None = None
            if finder is not None:
                # loads on first use (prewarm has normally loaded it); without it the answer
                # is still decoded, only without the prior
                try:
                    prior = NamePrior(get_lexicon(), finder)
                    if rescore_names:
                        choose = NameRescorer(
                            prior, get_sound_index(), finder, search=get_name_search()
                        ).choose
                    else:
                        choose = prior.choose
                except (ModelMissingError, OSError, ValueError):
                    log.warning("name lexicon unavailable; names decode without the prior")
            result = self.engine.transcribe(pcm, prompt, beam, choose)
            if context and result.text and copies_context(result.text, context):
                # the earlier turns written again instead of this one: decode without them
                log.info("stt: decode copied the prompt context; decoding without it")
                result = self.engine.transcribe(pcm, self.prompt(), beam, choose)
            return result

        return await asyncio.to_thread(decode)

    async def _recognize_impl(
        self,
        buffer: AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = rtc.combine_audio_frames(buffer)
        pcm = np.frombuffer(frame.data, dtype=np.int16)
        if frame.num_channels > 1:
            pcm = pcm.reshape(-1, frame.num_channels).mean(axis=1).astype(np.int16)
        if frame.sample_rate != SAMPLE_RATE:
            from .audio import resample

            pcm = resample(pcm, frame.sample_rate, SAMPLE_RATE)
        result = await self.transcribe_pcm(pcm)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=utils.shortuuid(),
            alternatives=[_speech_data(result, self._opts.language, 0.0, result.audio_s)],
        )

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> WhisperStream:
        return WhisperStream(stt=self, conn_options=conn_options)


def _speech_data(result: Transcript, language: str, start: float, end: float) -> stt.SpeechData:
    return stt.SpeechData(
        language=LanguageCode(language),
        text=result.text,
        start_time=start,
        end_time=end,
        confidence=result.confidence,
    )


class WhisperStream(stt.RecognizeStream):
    def __init__(self, *, stt: WhisperSTT, conn_options: APIConnectOptions) -> None:
        super().__init__(stt=stt, conn_options=conn_options, sample_rate=SAMPLE_RATE)
        self._whisper = stt
        self._opts = stt.options
        from livekit.local_inference import VAD

        self._vad = VAD()
        self._denoiser = NoiseSuppressor() if self._opts.noise_suppression else None
        gate = self._opts.line_gate
        self._line_gate = LevelGate(SAMPLE_RATE, gate) if gate is not None else None
        self._pending = np.zeros(0, dtype=np.int16)
        self._preroll: deque[np.ndarray] = deque(maxlen=max(1, self._opts.preroll_ms // _WINDOW_MS))
        self._windows_seen = 0  # windows since stream start (timestamps)
        self._speech_run = 0
        self._in_speech = False
        self._utt: list[np.ndarray] = []
        self._levels: list[float] = []  # dBFS per window of _utt
        self._voiced_levels: list[float] = []  # dBFS of the windows the VAD called speech
        self._preroll_voiced: deque[bool] = deque(maxlen=self._preroll.maxlen)
        self._speaker_level: float | None = None  # loudness of the caller's accepted speech
        self._utt_start_window = 0
        self._line_floor: float | None = None  # the gate's floor when the utterance began
        self._silence_ms = 0
        self._last_interim_len = 0
        self._interim_task: asyncio.Task[Transcript] | None = None
        self._speculative: asyncio.Task[Transcript] | None = None
        self._speculative_len = 0
        self._chunk_start = 0  # first window of _utt not covered by a committed chunk
        self._chunks: list[asyncio.Task[Transcript]] = []
        self._prompt_context = ""
        self._request_id = utils.shortuuid()
        # Decodes started at a pause that the patient then talked through (CPU spent for nothing).
        self.stats = {"finals": 0, "speculative": 0, "speculative_wasted": 0, "chunks": 0}
        self._sphinx: SphinxPartials | None = None
        self._sphinx_pending: list[np.ndarray] = []
        self._sphinx_task: asyncio.Task[str | None] | None = None
        # Wall time when the last voiced window arrived: used to report latency after speech.
        self.last_speech_wall_time: float | None = None

    async def _run(self) -> None:
        opts = self._opts
        if opts.interim_results and opts.interim_engine == "pocketsphinx":
            self._sphinx = await asyncio.to_thread(SphinxPartials)
        try:
            async for item in self._input_ch:
                if isinstance(item, self._FlushSentinel):
                    if self._in_speech:
                        await self._finalize()
                    continue
                self._push_pcm(np.frombuffer(item.data, dtype=np.int16))
                while self._pending.size >= _WINDOW:
                    window = self._pending[:_WINDOW]
                    self._pending = self._pending[_WINDOW:]
                    await self._process_window(window)
            if self._in_speech:
                await self._finalize()
        finally:
            for task in (self._interim_task, self._speculative, self._sphinx_task, *self._chunks):
                if task is not None and not task.done():
                    task.cancel()
            if self._sphinx is not None:
                self._sphinx.close()

    def _push_pcm(self, pcm: np.ndarray) -> None:
        if self._denoiser is not None:
            pcm = self._denoiser.process(pcm)
        self._pending = np.concatenate([self._pending, pcm]) if self._pending.size else pcm

    async def _process_window(self, window: np.ndarray) -> None:
        opts = self._opts
        heard = window if self._line_gate is None else self._line_gate.process(window)
        prob = float(self._vad.predict(heard))
        self._windows_seen += 1
        if not self._in_speech:
            self._preroll.append(window)
            self._preroll_voiced.append(prob >= opts.activation_threshold)
            self._speech_run = self._speech_run + 1 if prob >= opts.activation_threshold else 0
            if self._speech_run * _WINDOW_MS >= opts.min_speech_ms:
                self._start_utterance()
            return

        self._utt.append(window)
        self._levels.append(level_dbfs(window))
        if prob >= opts.activation_threshold:
            self._voiced_levels.append(self._levels[-1])
        if prob < opts.deactivation_threshold:
            self._silence_ms += _WINDOW_MS
        else:
            self._silence_ms = 0
            self.last_speech_wall_time = time.time()
            if self._speculative is not None:
                self._speech_resumed()

        utt_ms = len(self._utt) * _WINDOW_MS
        endpoint_ms = self._whisper.endpoint_silence_ms
        if self._silence_ms >= endpoint_ms or utt_ms >= opts.max_utterance_s * 1000:
            await self._finalize()
            return
        if self._silence_ms >= opts.speculative_silence_ms and self._speculative is None:
            self._speculative_len = len(self._utt)
            self.stats["speculative"] += 1
            if not self._is_background():
                self._speculative = asyncio.create_task(
                    self._whisper.transcribe_pcm(
                        self._speech_audio(self._chunk_start, len(self._utt)),
                        self._chunk_prompt(),
                        final=True,
                    )
                )
            return
        self._maybe_interim()

    def _speech_resumed(self) -> None:
        """The patient talked on after a pause: keep the decode as a chunk, or drop it."""
        assert self._speculative is not None
        covered_s = (self._speculative_len - self._chunk_start) * _WINDOW_MS / 1000
        if covered_s >= self._opts.min_chunk_s:
            self._chunks.append(self._speculative)
            self._chunk_start = self._speculative_len
            self.stats["chunks"] += 1
        else:
            self.stats["speculative_wasted"] += 1
            self._speculative.cancel()
        self._speculative = None

    def _chunk_prompt(self) -> str:
        done = [t.result().text for t in self._chunks if t.done() and not t.cancelled()]
        return " ".join([self._prompt_context, *[d for d in done if d]]).strip()

    def _start_utterance(self) -> None:
        self._in_speech = True
        self._utt = list(self._preroll)
        self._levels = [level_dbfs(w) for w in self._utt]
        self._voiced_levels = [
            lv for lv, voiced in zip(self._levels, self._preroll_voiced, strict=True) if voiced
        ]
        self._preroll.clear()
        self._preroll_voiced.clear()
        self._utt_start_window = self._windows_seen - len(self._utt)
        gate = self._line_gate
        self._line_floor = gate.floor_dbfs if gate is not None and gate.talk_on_line else None
        self._silence_ms = 0
        self._last_interim_len = 0
        self._request_id = utils.shortuuid()
        self.last_speech_wall_time = time.time()
        if self._sphinx is not None:
            self._sphinx.start()
            self._sphinx_pending = list(self._utt)
        self._event_ch.send_nowait(
            stt.SpeechEvent(type=stt.SpeechEventType.START_OF_SPEECH, request_id=self._request_id)
        )

    def _maybe_interim(self) -> None:
        opts = self._opts
        if self._sphinx is not None:
            self._maybe_sphinx_interim()
            return
        if not opts.interim_results or self._silence_ms > 0:
            return
        if self._interim_task is not None and not self._interim_task.done():
            return
        grown_ms = (len(self._utt) - self._last_interim_len) * _WINDOW_MS
        if grown_ms < opts.interim_interval_s * 1000:
            return
        self._last_interim_len = len(self._utt)
        request_id = self._request_id
        task = asyncio.create_task(
            self._whisper.transcribe_pcm(np.concatenate(self._utt), self._prompt_context)
        )
        self._interim_task = task

        def _emit(done: asyncio.Task[Transcript]) -> None:
            if done.cancelled() or done.exception() is not None:
                return
            result = done.result()
            # Drop interims that arrive after their utterance was finalised.
            if not result.accepted or request_id != self._request_id or not self._in_speech:
                return
            with contextlib.suppress(utils.aio.ChanClosed):
                self._event_ch.send_nowait(
                    stt.SpeechEvent(
                        type=stt.SpeechEventType.INTERIM_TRANSCRIPT,
                        request_id=request_id,
                        alternatives=[
                            _speech_data(result, opts.language, *self._span(len(self._utt)))
                        ],
                    )
                )

        task.add_done_callback(_emit)

    def _maybe_sphinx_interim(self) -> None:
        assert self._sphinx is not None
        if self._speculative is not None:
            # The final is being decoded: rough words now would only slow it down.
            return
        if self._utt:
            self._sphinx_pending.append(self._utt[-1])
        if len(self._sphinx_pending) * _WINDOW_MS < self._opts.sphinx_step_ms:
            return
        if self._sphinx_task is not None and not self._sphinx_task.done():
            return  # still decoding the previous step; the audio waits in _sphinx_pending
        pcm = np.concatenate(self._sphinx_pending)
        self._sphinx_pending = []
        request_id = self._request_id
        task = asyncio.create_task(asyncio.to_thread(self._sphinx.feed, pcm))
        self._sphinx_task = task

        def _emit(done: asyncio.Task[str | None]) -> None:
            if done.cancelled() or done.exception() is not None:
                return
            text = done.result()
            if not text or request_id != self._request_id or not self._in_speech:
                return
            data = stt.SpeechData(
                language=LanguageCode(self._opts.language),
                text=text,
                start_time=self._span(len(self._utt))[0],
                end_time=self._span(len(self._utt))[1],
                confidence=0.3,  # rough words; only finals carry whisper's confidence
            )
            with contextlib.suppress(utils.aio.ChanClosed):
                self._event_ch.send_nowait(
                    stt.SpeechEvent(
                        type=stt.SpeechEventType.INTERIM_TRANSCRIPT,
                        request_id=request_id,
                        alternatives=[data],
                    )
                )

        task.add_done_callback(_emit)

    def _utterance_level(self) -> float:
        """Loudness of the utterance's voiced part: 80th percentile of its speech windows.

        Over all windows, a short "Yes" (0.3 s of voice in 0.7 s with preroll and the
        endpoint silence) measured 11 dB under the caller and was cut as background."""
        levels = self._voiced_levels or self._levels
        if not levels:
            return -120.0
        return float(np.percentile(levels, 80))

    def _is_background(self) -> bool:
        level = self._utterance_level()
        if self._line_floor is not None and level < self._line_floor + self._opts.line_margin_db:
            return True
        margin = self._opts.background_margin_db
        caller = self._speaker_level
        return margin > 0 and caller is not None and level < caller - margin

    def _speech_audio(self, begin: int, stop: int) -> np.ndarray:
        """Windows [begin, stop) without quiet edges (silence, babble glued after the words)."""
        margin = self._opts.edge_margin_db
        first, last = begin, stop - 1
        if margin > 0 and stop > begin:
            floor = self._utterance_level() - margin
            loud = [i for i in range(begin, stop) if self._levels[i] >= floor]
            if loud:
                first, last = loud[0], loud[-1]
        # Keep ~160 ms before and ~200 ms after: soft onsets, and room after the last word.
        start = max(begin, first - 5)
        end = min(stop, last + 1 + 200 // _WINDOW_MS)
        return np.concatenate(self._utt[start:end])

    async def _join_chunks(self, tail: Transcript) -> Transcript:
        """Committed chunks + the tail decode -> one transcript for the utterance."""
        if not self._chunks:
            return tail
        parts: list[Transcript] = []
        for task in self._chunks:
            with contextlib.suppress(asyncio.CancelledError):
                parts.append(await task)
        parts.append(tail)
        kept = [p for p in parts if p.accepted]
        if not kept:
            return tail
        total = sum(p.audio_s for p in kept) or 1.0
        return Transcript(
            text=" ".join(p.text for p in kept),
            confidence=round(sum(p.confidence * p.audio_s for p in kept) / total, 3),
            avg_logprob=sum(p.avg_logprob * p.audio_s for p in kept) / total,
            no_speech_prob=min(p.no_speech_prob for p in kept),
            compression_ratio=max(p.compression_ratio for p in kept),
            audio_s=sum(p.audio_s for p in parts),
        )

    def _span(self, n_windows: int) -> tuple[float, float]:
        start = self.start_time_offset + self._utt_start_window * _WINDOW / SAMPLE_RATE
        return start, start + n_windows * _WINDOW / SAMPLE_RATE

    async def _finalize(self) -> None:
        opts = self._opts
        speculative, self._speculative = self._speculative, None
        utt = self._utt
        trailing = self._silence_ms // _WINDOW_MS
        result: Transcript | None = None
        level = self._utterance_level()
        if self._is_background():
            result = Transcript("", 0.0, 0.0, 1.0, 0.0, len(utt) * _WINDOW_MS / 1000, "background")
            self.stats["background"] = self.stats.get("background", 0) + 1
        if result is None and speculative is not None and self._speculative_len <= len(utt):
            with contextlib.suppress(asyncio.CancelledError):
                result = await speculative
        if result is None:
            result = await self._whisper.transcribe_pcm(
                self._speech_audio(self._chunk_start, len(utt)), self._chunk_prompt(), final=True
            )
            result = await self._join_chunks(result)
        elif result.rejected != "background":
            result = await self._join_chunks(result)
        if result.accepted:
            previous = self._speaker_level
            # Follow the caller getting quieter slowly; jump up at once when louder.
            self._speaker_level = level if previous is None else max(level, previous - 1.0)
        start, end = self._span(len(utt) - trailing)
        request_id = self._request_id
        self.stats["finals"] += 1
        # No words here (the caller's speech is personal data): enough to tell, from a CI
        # log, why a turn the VAD heard never reached the agent.
        log.log(
            logging.DEBUG if result.accepted else logging.INFO,
            "stt final %s: %.1f s, level %.1f dBFS (caller %s, line %s), confidence %.2f%s",
            request_id,
            end - start,
            level,
            "?" if self._speaker_level is None else f"{self._speaker_level:.1f}",
            "-" if self._line_floor is None else f"{self._line_floor:.1f}",
            result.confidence,
            "" if result.accepted else f", dropped: {result.rejected or 'no words'}",
        )
        self._in_speech = False
        self._utt = []
        self._levels = []
        self._voiced_levels = []
        self._chunks = []
        self._chunk_start = 0
        self._speech_run = 0
        self._silence_ms = 0
        self._vad.reset()
        if self._interim_task is not None and not self._interim_task.done():
            self._interim_task.cancel()
        self._interim_task = None
        if self._sphinx is not None:
            self._sphinx.stop()
            self._sphinx_pending = []
        self._event_ch.send_nowait(
            stt.SpeechEvent(
                type=stt.SpeechEventType.FINAL_TRANSCRIPT,
                request_id=request_id,
                alternatives=[_speech_data(result, opts.language, start, end)],
            )
        )
        self._event_ch.send_nowait(
            stt.SpeechEvent(type=stt.SpeechEventType.END_OF_SPEECH, request_id=request_id)
        )
        self._event_ch.send_nowait(
            stt.SpeechEvent(
                type=stt.SpeechEventType.RECOGNITION_USAGE,
                request_id=request_id,
                recognition_usage=stt.RecognitionUsage(audio_duration=end - start),
            )
        )
        if result.accepted:
            self._prompt_context = (self._prompt_context + " " + result.text).strip()[
                -opts.context_chars :
            ]
