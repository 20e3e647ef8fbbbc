"""Speech profiles: which STT / TTS / LLM engines a worker uses, chosen from the environment.

`AGENT_PROFILE=offline|cloud` picks defaults; `STT=`, `TTS=`, `LLM=` override one engine each.
Cloud engines need keys; every missing key is reported in one `ConfigError` at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from livekit.agents import llm as agents_llm
from livekit.agents import stt as agents_stt
from livekit.agents import tts as agents_tts
from livekit.agents import vad as agents_vad
from livekit.agents.types import NOT_GIVEN

ProfileName = Literal["offline", "cloud"]
STTName = Literal["whisper", "deepgram"]
TTSName = Literal["piper", "espeak", "openai"]
LLMName = Literal["offline", "openai"]

# One table of defaults: profile -> (stt, tts, llm).
PROFILE_DEFAULTS: dict[str, tuple[STTName, TTSName, LLMName]] = {
    "offline": ("whisper", "piper", "offline"),
    "cloud": ("deepgram", "openai", "openai"),
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "AGENT_PROFILE": tuple(PROFILE_DEFAULTS),
    "STT": ("whisper", "deepgram"),
    "TTS": ("piper", "espeak", "openai"),
    "LLM": ("offline", "openai"),
}
DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"
DEFAULT_OPENAI_TTS_MODEL = "gpt-4o-mini-tts"
DEFAULT_OPENAI_VOICE = "alloy"
_TRUE = {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """The speech configuration cannot work (bad value or missing keys); says everything at once."""


@dataclass(frozen=True)
class SpeechProfile:
    name: ProfileName = "offline"
    stt: STTName = "whisper"
    tts: TTSName = "piper"
    llm: LLMName = "offline"
    noise_suppression: bool = False
    vocabulary: tuple[str, ...] = ()
    openai_model: str = DEFAULT_OPENAI_MODEL
    openai_base_url: str | None = None
    openai_tts_model: str = DEFAULT_OPENAI_TTS_MODEL
    openai_voice: str = DEFAULT_OPENAI_VOICE
    keys: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SpeechProfile:
        env = os.environ if env is None else env
        problems: list[str] = []

        def pick(var: str, default: str) -> str:
            value = env.get(var, "").strip().lower() or default
            if value not in _CHOICES[var]:
                problems.append(f"{var}={value!r} (expected one of {', '.join(_CHOICES[var])})")
                return default
            return value

        name = pick("AGENT_PROFILE", "offline")
        d_stt, d_tts, d_llm = PROFILE_DEFAULTS[name]
        stt, tts, llm = pick("STT", d_stt), pick("TTS", d_tts), pick("LLM", d_llm)
        if problems:
            raise ConfigError("invalid speech configuration: " + "; ".join(problems))
        vocabulary = tuple(v.strip() for v in env.get("STT_VOCABULARY", "").split(",") if v.strip())
        keys = {k: env[k] for k in ("DEEPGRAM_API_KEY", "OPENAI_API_KEY") if env.get(k)}
        return cls(
            name=cast(ProfileName, name),
            stt=cast(STTName, stt),
            tts=cast(TTSName, tts),
            llm=cast(LLMName, llm),
            noise_suppression=env.get("NOISE_SUPPRESSION", "").strip().lower() in _TRUE,
            vocabulary=vocabulary,
            openai_model=env.get("OPENAI_MODEL", "").strip() or DEFAULT_OPENAI_MODEL,
            openai_base_url=env.get("OPENAI_BASE_URL", "").strip() or None,
            openai_tts_model=env.get("OPENAI_TTS_MODEL", "").strip() or DEFAULT_OPENAI_TTS_MODEL,
            openai_voice=env.get("OPENAI_TTS_VOICE", "").strip() or DEFAULT_OPENAI_VOICE,
            keys=keys,
        )

    def missing_keys(self) -> list[str]:
        missing: list[str] = []
        if self.stt == "deepgram" and "DEEPGRAM_API_KEY" not in self.keys:
            missing.append("DEEPGRAM_API_KEY (STT=deepgram)")
        uses_openai = [
            w for w, on in (("TTS", self.tts == "openai"), ("LLM", self.llm == "openai")) if on
        ]
        if uses_openai and "OPENAI_API_KEY" not in self.keys and not self.openai_base_url:
            which = ", ".join(f"{w}=openai" for w in uses_openai)
            missing.append(f"OPENAI_API_KEY or OPENAI_BASE_URL ({which})")
        return missing

    def check(self) -> None:
        missing = self.missing_keys()
        if missing:
            raise ConfigError(
                f"speech profile {self.name!r} cannot start; set in the environment or .env: "
                + "; ".join(missing)
                + ". Or use AGENT_PROFILE=offline (no keys needed)."
            )


@dataclass(frozen=True)
class Engines:
    stt: agents_stt.STT
    tts: agents_tts.TTS
    vad: agents_vad.VAD
    turn_detector: Any  # livekit.agents.inference.eot.TurnDetector (streaming, local v1-mini)
    llm: agents_llm.LLM | None  # None: the agent team's offline dialogue engine is used


def build_engines(
    profile: SpeechProfile | None = None,
    *,
    userdata: Mapping[str, Any] | None = None,
    vocabulary: Sequence[str] = (),
) -> Engines:
    """Engines for one session; pass `proc.userdata` after `prewarm(proc)` to reuse models."""
    profile = profile or SpeechProfile.from_env()
    profile.check()
    shared = _shared(userdata)
    return Engines(
        stt=_build_stt(profile, shared, vocabulary),
        tts=_build_tts(profile, shared),
        vad=shared.get("vad") or _load_vad(),
        turn_detector=shared.get("turn_detector") or _load_turn_detector(),
        llm=_build_llm(profile),
    )


def _shared(userdata: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not userdata:
        return {}
    speech = userdata.get("speech")
    return cast(Mapping[str, Any], speech) if isinstance(speech, Mapping) else {}


def _load_vad() -> agents_vad.VAD:
    from .turn_models import load_vad

    return load_vad()


def _load_turn_detector() -> Any:
    from .turn_models import load_turn_detector

    return load_turn_detector()


def _build_stt(
    profile: SpeechProfile, shared: Mapping[str, Any], vocabulary: Sequence[str]
) -> agents_stt.STT:
    if profile.stt == "deepgram":
        from livekit.plugins import deepgram

        terms = [*profile.vocabulary, *vocabulary]
        extra: dict[str, Any] = {"keyterm": terms} if terms else {}
        return deepgram.STT(api_key=profile.keys["DEEPGRAM_API_KEY"], **extra)
    from .stt_whisper import WhisperOptions, WhisperSTT

    options = WhisperOptions(noise_suppression=profile.noise_suppression)
    return WhisperSTT(
        options,
        vocabulary=(*profile.vocabulary, *vocabulary),
        engine=shared.get("whisper"),
    )


def _build_tts(profile: SpeechProfile, shared: Mapping[str, Any]) -> agents_tts.TTS:
    if profile.tts == "openai":
        from livekit.plugins import openai

        return openai.TTS(
            model=profile.openai_tts_model,
            voice=profile.openai_voice,
            api_key=profile.keys.get("OPENAI_API_KEY", "unused-by-compatible-server"),
            base_url=profile.openai_base_url or NOT_GIVEN,
        )
    from .tts_local import EspeakTTS, PiperTTS

    cls = PiperTTS if profile.tts == "piper" else EspeakTTS
    tts = cls()
    cache = shared.get(f"phrases_{profile.tts}")
    if cache is not None:
        tts.attach_cache(cache)
    return tts


def _build_llm(profile: SpeechProfile) -> agents_llm.LLM | None:
    if profile.llm != "openai":
        return None
    from livekit.plugins import openai

    return openai.LLM(
        model=profile.openai_model,
        api_key=profile.keys.get("OPENAI_API_KEY", "unused-by-compatible-server"),
        base_url=profile.openai_base_url or NOT_GIVEN,
    )
