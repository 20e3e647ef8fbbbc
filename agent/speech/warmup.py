"""`prewarm(proc)`: load every CPU model once per worker process, shared by its sessions."""

from __future__ import annotations

import logging
import time
from typing import Any

from .name_lexicon import get_lexicon
from .name_search import get_name_search
from .name_sounds import get_sound_index, sounds
from .partials import warm_pool
from .phrase_cache import DEFAULT_PHRASES, PhraseCache
from .profile import SpeechProfile
from .turn_models import load_turn_detector, load_vad
from .voices import get_voice
from .whisper_decoder import load_decoder_weights, warm_decoder
from .whisper_engine import get_engine

logger = logging.getLogger("agent.speech")


def load_speech_models(
    profile: SpeechProfile | None = None, phrases: tuple[str, ...] = DEFAULT_PHRASES
) -> dict[str, Any]:
    """Blocking: VAD, end-of-turn model, and the local engines the profile uses."""
    profile = profile or SpeechProfile.from_env()
    started = time.perf_counter()
    shared: dict[str, Any] = {
        "profile": profile,
        "vad": load_vad(),
        "turn_detector": load_turn_detector(),
    }
    if profile.stt == "whisper":
        engine = get_engine()
        # One throwaway decode: CTranslate2 allocates its buffers on the first call.
        import numpy as np

        engine.transcribe(np.zeros(16000, dtype=np.float32))
        shared["whisper"] = engine
        get_lexicon()  # name prior for answers to "may I have your name?"
        get_sound_index()  # and the common names that sound like what whisper wrote
        get_name_search().tries(str(engine.model_dir), engine.tokenize)  # names as tokens
        warm_decoder(load_decoder_weights(engine.model_dir))  # scores names (mapped; ~0.4 s)
        sounds("warm")  # espeak-ng's first phonemization loads its voice data
        # pocketsphinx decoders for interim words take ~0.5 s each to create; have two ready.
        warm_pool(2)
    if profile.tts in ("piper", "espeak"):
        cache = PhraseCache(get_voice(profile.tts))
        cache.warm_sync(phrases)
        shared[f"phrases_{profile.tts}"] = cache
    logger.info("speech models loaded in %.1f s", time.perf_counter() - started)
    return shared


def prewarm(proc: Any, phrases: tuple[str, ...] = DEFAULT_PHRASES) -> None:
    """Worker `prewarm_fnc`: stores the models under `proc.userdata["speech"]`.

    Extra fixed phrases (greeting, reprompts) can be added later with
    `proc.userdata["speech"]["phrases_piper"].warm_sync([...])`.
    """
    proc.userdata["speech"] = load_speech_models(phrases=phrases)
