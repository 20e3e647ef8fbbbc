"""Profile selection and key checks: pure wiring, no models, no network."""

from __future__ import annotations

import pytest

from agent.speech.profile import ConfigError, SpeechProfile, build_engines


def test_default_profile_is_offline() -> None:
    p = SpeechProfile.from_env({})
    assert (p.name, p.stt, p.tts, p.llm) == ("offline", "whisper", "piper", "offline")
    assert p.missing_keys() == []
    p.check()


def test_cloud_profile_defaults_and_overrides() -> None:
    p = SpeechProfile.from_env(
        {"AGENT_PROFILE": "cloud", "TTS": "espeak", "DEEPGRAM_API_KEY": "k", "OPENAI_API_KEY": "o"}
    )
    assert (p.stt, p.tts, p.llm) == ("deepgram", "espeak", "openai")
    p.check()


def test_values_are_case_insensitive_and_validated() -> None:
    assert SpeechProfile.from_env({"STT": "Whisper", "TTS": " ESPEAK "}).tts == "espeak"
    with pytest.raises(ConfigError) as err:
        SpeechProfile.from_env({"AGENT_PROFILE": "hybrid", "TTS": "polly"})
    message = str(err.value)
    assert "AGENT_PROFILE='hybrid'" in message and "TTS='polly'" in message


def test_missing_cloud_keys_are_listed_together() -> None:
    p = SpeechProfile.from_env({"AGENT_PROFILE": "cloud"})
    with pytest.raises(ConfigError) as err:
        p.check()
    message = str(err.value)
    assert "DEEPGRAM_API_KEY" in message
    assert "OPENAI_API_KEY" in message and "TTS=openai" in message and "LLM=openai" in message
    with pytest.raises(ConfigError):
        build_engines(p)  # fails before loading anything


def test_openai_base_url_replaces_the_key() -> None:
    p = SpeechProfile.from_env({"LLM": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert p.missing_keys() == []
    assert p.openai_base_url == "http://127.0.0.1:9/v1"


def test_mixed_profile_only_asks_for_the_keys_it_uses() -> None:
    p = SpeechProfile.from_env({"STT": "deepgram"})
    assert p.missing_keys() == ["DEEPGRAM_API_KEY (STT=deepgram)"]


def test_cloud_engines_are_built_without_network() -> None:
    from livekit.plugins import deepgram, openai

    p = SpeechProfile.from_env(
        {
            "AGENT_PROFILE": "cloud",
            "DEEPGRAM_API_KEY": "dg-test",
            "OPENAI_API_KEY": "sk-test",
            "OPENAI_MODEL": "gpt-test",
            "STT_VOCABULARY": "Okafor, Patel",
        }
    )
    sentinel_vad, sentinel_eot = object(), object()
    engines = build_engines(
        p, userdata={"speech": {"vad": sentinel_vad, "turn_detector": sentinel_eot}}
    )
    assert isinstance(engines.stt, deepgram.STT)
    assert isinstance(engines.tts, openai.TTS)
    assert isinstance(engines.llm, openai.LLM)
    assert engines.llm.model == "gpt-test"
    assert engines.vad is sentinel_vad and engines.turn_detector is sentinel_eot


def test_offline_llm_is_left_to_the_dialogue_engine() -> None:
    p = SpeechProfile.from_env({"TTS": "espeak"})
    engines = build_engines(p, userdata={"speech": {"vad": object(), "turn_detector": object()}})
    assert engines.llm is None
    assert type(engines.tts).__name__ == "EspeakTTS"
    assert type(engines.stt).__name__ == "WhisperSTT"
