"""Piper and espeak as LiveKit TTS plugins: real speech out (duration, energy, STT round trip)."""

from __future__ import annotations

import numpy as np
import pytest

from agent.speech.audio import pcm_from_frames, resample, rms_dbfs
from agent.speech.phrase_cache import PhraseCache
from agent.speech.synth import synthesize_to_pcm
from agent.speech.tts_local import EspeakTTS, LocalTTS, PiperTTS, SentenceSplitter, split_for_speech
from agent.speech.wer import normalize_words
from agent.speech.whisper_engine import WhisperEngine

REPLY = (
    "Sure, I can book that for you with Doctor Patel. She has Tuesday at nine open. Does that work?"
)


def test_splitter_keeps_abbreviations_and_cuts_the_first_clause() -> None:
    assert split_for_speech("Sure, I can see Dr. Patel at 9 a.m. tomorrow. Is that okay?") == [
        "Sure,",
        "I can see Dr. Patel at 9 a.m. tomorrow.",
        "Is that okay?",
    ]
    assert split_for_speech("Okay. Thanks.") == ["Okay.", "Thanks."]


def test_splitter_streams_token_by_token() -> None:
    splitter = SentenceSplitter()
    pieces: list[str] = []
    for token in "We are open Monday to Friday. See you soon".split(" "):
        pieces += splitter.push(token + " ")
    assert pieces == ["We are open Monday to Friday."]
    assert splitter.flush() == ["See you soon"]


def test_synthesize_to_pcm_rejects_empty_text() -> None:
    with pytest.raises(ValueError):
        synthesize_to_pcm("   ")


async def _stream_audio(tts: LocalTTS, text: str) -> tuple[np.ndarray, int, int]:
    stream = tts.stream()
    for token in text.split(" "):
        stream.push_text(token + " ")
    stream.end_input()
    frames, finals = [], 0
    async for ev in stream:
        assert ev.frame.sample_rate == tts.sample_rate and ev.frame.num_channels == 1
        frames.append(ev.frame)
        finals += int(ev.is_final)
    await stream.aclose()
    return pcm_from_frames(frames), len(frames), finals


@pytest.mark.slow
@pytest.mark.parametrize(("cls", "min_key_words"), [(PiperTTS, 4), (EspeakTTS, 2)])
async def test_streamed_reply_is_real_speech(
    cls: type[LocalTTS], min_key_words: int, whisper: WhisperEngine
) -> None:
    tts = cls()
    pcm, n_frames, finals = await _stream_audio(tts, REPLY)
    seconds = pcm.size / tts.sample_rate
    assert 3.0 < seconds < 12.0
    assert n_frames > 1 and finals == 1  # one segment, several pieces
    assert rms_dbfs(pcm) > -30.0
    # Speech has pauses: the quietest 100 ms windows are far below the loudest.
    win = tts.sample_rate // 10
    levels = [rms_dbfs(pcm[i : i + win]) for i in range(0, pcm.size - win, win)]
    assert max(levels) - min(levels) > 20.0
    heard = set(normalize_words(whisper.transcribe(resample(pcm, tts.sample_rate, 16000)).text))
    # espeak is robotic and whisper base mishears it (~40 % WER, see bench): a weaker bar.
    assert len({"book", "patel", "tuesday", "work"} & heard) >= min_key_words, heard


@pytest.mark.slow
async def test_chunked_synthesis_and_phrase_cache(whisper: WhisperEngine) -> None:
    tts = PiperTTS()
    cache = PhraseCache(tts.voice)
    await cache.warm(["Let me check that."])
    tts.attach_cache(cache)
    frames = [ev.frame async for ev in tts.synthesize("Let me check that.")]
    pcm = pcm_from_frames(frames)
    cached = cache.lookup("let me  check that.")
    assert cached is not None and np.array_equal(pcm[: cached.size], cached)
    heard = normalize_words(whisper.transcribe(resample(pcm, tts.sample_rate, 16000)).text)
    assert heard == ["let", "me", "check", "that"]
    assert cache.get("Unknown phrase.") is None
