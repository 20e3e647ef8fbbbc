"""`PiperTTS` and `EspeakTTS`: local voices as streaming LiveKit `tts.TTS` plugins.

Text is cut into sentences as it streams in; each sentence is synthesised in a worker thread and
pushed as soon as it is ready, so the first audio waits only for the first sentence (or its first
clause when that sentence is long). Fixed phrases found in a `PhraseCache` are played from memory.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator

import numpy as np
from livekit.agents import tts, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

from .phrase_cache import PhraseCache
from .voices import DEFAULT_VOICE_OPTIONS, SpeechVoice, VoiceName, VoiceOptions, get_voice

_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "st", "jr", "sr", "vs", "etc", "no", "np", "a.m", "p.m", "e.g", "i.e"}
)
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s)")
_CLAUSE = re.compile(r"[,;:](?=\s)")
_MIN_FIRST_CLAUSE_WORDS = 1
# A long first sentence is cut before one of these words so audio starts sooner; piper needs
# ~0.2 s per second of speech, so later pieces are ready before the first has played.
_BREAK_BEFORE = frozenset({"with", "on", "at", "for", "from", "and", "but", "so", "because", "if"})
_FIRST_PIECE_MAX_WORDS = 7


class SentenceSplitter:
    """Incremental splitter: feed text pieces, take complete sentences out.

    The first piece of each segment may end at a clause boundary (comma) so speech starts sooner.
    """

    def __init__(self) -> None:
        self._buf = ""
        self._first = True

    def push(self, text: str) -> list[str]:
        self._buf += text
        out: list[str] = []
        while (piece := self._take()) is not None:
            out.append(piece)
        return out

    def flush(self) -> list[str]:
        rest, self._buf = self._buf.strip(), ""
        self._first = True
        return [rest] if rest else []

    def _take(self) -> str | None:
        end = self._sentence_end()
        if self._first:
            limit = end if end is not None else len(self._buf)
            clause = next(
                (
                    m.end()
                    for m in _CLAUSE.finditer(self._buf, 0, limit)
                    if len(self._buf[: m.start()].split()) >= _MIN_FIRST_CLAUSE_WORDS
                ),
                None,
            )
            # A long first clause is itself cut before a function word.
            cut = self._long_first_cut(clause if clause is not None else limit)
            if cut is not None:
                return self._cut(cut)
            if clause is not None:
                return self._cut(clause)
        return self._cut(end) if end is not None else None

    def _sentence_end(self) -> int | None:
        for match in _END.finditer(self._buf):
            before = self._buf[: match.start()].rsplit(None, 1)
            word = before[-1].lower().rstrip(".") if before else ""
            after = self._buf[match.end() :].lstrip()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if not after:
                return None  # the next word decides (lowercase = not a sentence end)
            if after[0].islower():
                continue
            return match.end()
        return None

    def _long_first_cut(self, limit: int) -> int | None:
        words = self._buf[:limit].split(" ")
        if len([w for w in words if w]) <= _FIRST_PIECE_MAX_WORDS + 1:
            return None
        count = 0
        for i, word in enumerate(words):
            if word:
                count += 1
            if count >= 4 and word.lower() in _BREAK_BEFORE:
                return len(" ".join(words[:i]))
            if count > _FIRST_PIECE_MAX_WORDS:
                break
        return None

    def _cut(self, end: int) -> str | None:
        piece, self._buf = self._buf[:end].strip(), self._buf[end:]
        self._first = False
        return piece or None


def split_for_speech(text: str) -> list[str]:
    splitter = SentenceSplitter()
    return splitter.push(text) + splitter.flush()


class LocalTTS(tts.TTS):
    """A `tts.TTS` over a blocking local voice (piper or espeak)."""

    voice_name: VoiceName = "piper"

    def __init__(
        self,
        *,
        voice: SpeechVoice | None = None,
        options: VoiceOptions = DEFAULT_VOICE_OPTIONS,
        phrase_cache: PhraseCache | None = None,
    ) -> None:
        self._voice = voice or get_voice(self.voice_name, options)
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=True),
            sample_rate=self._voice.sample_rate,
            num_channels=1,
        )
        self._cache = phrase_cache

    @property
    def model(self) -> str:
        return self._voice.name

    @property
    def provider(self) -> str:
        return "local"

    @property
    def voice(self) -> SpeechVoice:
        return self._voice

    @property
    def phrase_cache(self) -> PhraseCache | None:
        return self._cache

    def attach_cache(self, cache: PhraseCache) -> None:
        self._cache = cache

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> LocalChunkedStream:
        return LocalChunkedStream(tts=self, input_text=text, conn_options=conn_options)

    def stream(
        self, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> LocalSynthesizeStream:
        return LocalSynthesizeStream(tts=self, conn_options=conn_options)

    async def speak_pieces(self, pieces: list[str]) -> AsyncIterator[np.ndarray]:
        """Audio for each piece, from the phrase cache or synthesised off the event loop."""
        for piece in pieces:
            cached = self._cache.lookup(piece) if self._cache is not None else None
            if cached is not None:
                yield cached
                continue
            audio = await asyncio.to_thread(_synth_all, self._voice, piece)
            if audio.size:
                yield audio


def _synth_all(voice: SpeechVoice, text: str) -> np.ndarray:
    parts: Iterator[np.ndarray] = voice.synthesize(text)
    chunks = list(parts)
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


class PiperTTS(LocalTTS):
    voice_name: VoiceName = "piper"


class EspeakTTS(LocalTTS):
    voice_name: VoiceName = "espeak"


class LocalChunkedStream(tts.ChunkedStream):
    def __init__(self, *, tts: LocalTTS, input_text: str, conn_options: APIConnectOptions) -> None:
        super().__init__(tts=tts, input_text=input_text, conn_options=conn_options)
        self._local = tts

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id=utils.shortuuid(),
            sample_rate=self._local.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
        )
        async for audio in self._local.speak_pieces(split_for_speech(self.input_text)):
            output_emitter.push(audio.tobytes())
        output_emitter.flush()


class LocalSynthesizeStream(tts.SynthesizeStream):
    def __init__(self, *, tts: LocalTTS, conn_options: APIConnectOptions) -> None:
        super().__init__(tts=tts, conn_options=conn_options)
        self._local = tts

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id=utils.shortuuid(),
            sample_rate=self._local.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
            stream=True,
        )
        # One queue item per piece of text; None closes the current segment.
        pieces: asyncio.Queue[str | None] = asyncio.Queue()

        async def read_input() -> None:
            splitter = SentenceSplitter()
            async for item in self._input_ch:
                if isinstance(item, str):
                    for piece in splitter.push(item):
                        pieces.put_nowait(piece)
                else:
                    for piece in splitter.flush():
                        pieces.put_nowait(piece)
                    pieces.put_nowait(None)
            for piece in splitter.flush():
                pieces.put_nowait(piece)
            pieces.put_nowait(None)
            pieces.put_nowait("")  # sentinel: input ended

        async def speak() -> None:
            in_segment = False
            while True:
                piece = await pieces.get()
                if piece == "":
                    break
                if piece is None:
                    if in_segment:
                        output_emitter.end_segment()
                        in_segment = False
                    continue
                if not in_segment:
                    output_emitter.start_segment(segment_id=utils.shortuuid())
                    in_segment = True
                self._mark_started()
                async for audio in self._local.speak_pieces([piece]):
                    output_emitter.push(audio.tobytes())
                output_emitter.flush()
            if in_segment:
                output_emitter.end_segment()

        tasks = [asyncio.create_task(read_input()), asyncio.create_task(speak())]
        try:
            await asyncio.gather(*tasks)
        finally:
            await utils.aio.cancel_and_wait(*tasks)
