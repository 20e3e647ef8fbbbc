import pytest

from agent.turn import (
    PRESETS,
    UnknownPresetError,
    get_preset,
    preset_from_env,
    session_kwargs,
    turn_handling_options,
    with_overrides,
)


def test_default_preset_is_natural() -> None:
    assert preset_from_env({}).name == "natural"
    assert preset_from_env({"TURN_PRESET": ""}).name == "natural"


@pytest.mark.parametrize("name", ["turn_by_turn", "fast", "natural", "noisy", "livekit-default"])
def test_env_selects_each_preset(name: str) -> None:
    assert preset_from_env({"TURN_PRESET": name}).name == name.replace("-", "_")


def test_unknown_preset_is_a_clear_error() -> None:
    with pytest.raises(UnknownPresetError, match="natural"):
        get_preset("chatty")


def test_natural_pauses_on_first_vad_window_and_verifies_itself() -> None:
    opts = turn_handling_options(PRESETS["natural"])
    interruption = opts["interruption"]
    assert interruption["min_duration"] < 0.05  # not the framework's 0.5 s
    assert interruption["min_words"] == 0  # words are our gate's business
    assert interruption["mode"] == "vad"
    assert opts["endpointing"]["mode"] == "dynamic"


def test_noisy_waits_for_300ms_of_speech_and_two_words() -> None:
    p = PRESETS["noisy"]
    assert turn_handling_options(p)["interruption"]["min_duration"] == pytest.approx(0.3)
    assert p.verify == "two_words" and p.noise_suppression


def test_turn_by_turn_never_pauses_but_stays_interruptible_for_dtmf() -> None:
    interruption = turn_handling_options(PRESETS["turn_by_turn"])["interruption"]
    assert interruption["enabled"] is True
    assert interruption["min_duration"] > 1e6
    assert interruption["resume_false_interruption"] is False


def test_no_aec_warmup_unless_asked() -> None:
    assert session_kwargs(PRESETS["natural"]) == {"aec_warmup_duration": None}
    speakerphone = with_overrides(PRESETS["natural"], aec_warmup_s=3.0)
    assert session_kwargs(speakerphone) == {"aec_warmup_duration": 3.0}
    assert session_kwargs(PRESETS["livekit_default"]) == {}


def test_turn_detector_is_passed_through() -> None:
    marker = object()
    assert turn_handling_options(PRESETS["fast"], turn_detector=marker)["turn_detection"] is marker


def test_overrides_reject_unknown_fields() -> None:
    with pytest.raises(TypeError):
        with_overrides(PRESETS["natural"], volume=11)
