import pytest

from agent.turn import PRESETS, classify_overlap, is_backchannel

BACKCHANNELS = [
    "mhm",
    "Mm-hmm.",
    "uh-huh",
    "Uh huh",
    "okay",
    "OK.",
    "right",
    "yeah",
    "Got it.",
    "sure",
    "yep",
    "alright",
    "okay okay",
    "yeah, sure",
]
INTERRUPTIONS = [
    "wait",
    "No.",
    "stop",
    "sorry",
    "what?",
    "no wait, Wednesday",
    "Actually make it Thursday",
    "Can I ask about parking?",
    "okay but I can't do Tuesday",
    "Wednesday please",
]


@pytest.mark.parametrize("text", BACKCHANNELS)
def test_backchannels_as_whole_utterance(text: str) -> None:
    assert is_backchannel(text)
    assert classify_overlap(text, 0.5, -25.0, final=True) == "backchannel"


@pytest.mark.parametrize("text", BACKCHANNELS)
def test_backchannel_words_wait_for_the_end_of_speech(text: str) -> None:
    # "okay" may still become "okay, but ..."
    assert classify_overlap(text, 0.4, -25.0, final=False) == "undecided"


@pytest.mark.parametrize("text", INTERRUPTIONS)
def test_real_interruptions(text: str) -> None:
    assert not is_backchannel(text)
    assert classify_overlap(text, 0.8, -25.0, final=True) == "interruption"


@pytest.mark.parametrize("text", ["wait", "no", "stop", "sorry"])
def test_stop_cues_decide_from_an_interim(text: str) -> None:
    assert classify_overlap(text, 0.2, -25.0, final=False) == "interruption"


def test_one_plain_word_waits_in_natural_but_stops_in_fast() -> None:
    assert classify_overlap("Wednesday", 0.4, -25.0) == "undecided"
    assert classify_overlap("Wednesday", 0.4, -25.0, preset=PRESETS["fast"]) == "interruption"


def test_no_words_is_noise_only_when_the_utterance_is_over() -> None:
    assert classify_overlap("", 0.6, -30.0, final=False) == "undecided"
    assert classify_overlap("", 0.6, -30.0, final=True) == "noise"


@pytest.mark.parametrize("preset", ["natural", "fast", "noisy"])
def test_a_final_of_glue_words_only_is_noise(preset: str) -> None:
    # whisper wrote an "uh-huh" over the agent as "A.": there is nothing to answer
    assert classify_overlap("A.", 0.3, -25.0, final=True, preset=PRESETS[preset]) == "noise"
    assert classify_overlap("and the", 0.4, -25.0, final=True, preset=PRESETS[preset]) == "noise"
    assert classify_overlap("A. No.", 0.4, -25.0, final=True) == "interruption"


def test_noisy_needs_two_content_words() -> None:
    noisy = PRESETS["noisy"]
    assert classify_overlap("Wednesday", 0.5, -20.0, final=True, preset=noisy) == "noise"
    assert classify_overlap("Wednesday please no", 0.9, -20.0, preset=noisy) == "interruption"
    assert classify_overlap("wait stop", 0.5, -20.0, preset=noisy) == "interruption"


def test_quiet_background_voice_is_noise_in_noisy() -> None:
    noisy = PRESETS["noisy"]
    assert classify_overlap("the game last night", 2.0, -55.0, final=True, preset=noisy) == "noise"
    # but a quiet "stop" still counts
    assert classify_overlap("no wait", 0.5, -55.0, preset=noisy) == "interruption"


def test_a_long_run_of_backchannel_words_takes_the_floor() -> None:
    words = "okay okay yeah right okay"
    assert classify_overlap(words, 3.0, -20.0, final=True) == "interruption"


@pytest.mark.parametrize(
    "text", ["Sure. Kare.", "okay gottit", "yeah, right, hm", "And mechan, okay?"]
)
def test_a_backchannel_with_one_stray_token_is_still_a_backchannel(text: str) -> None:
    assert classify_overlap(text, 0.9, -25.0, final=True) == "backchannel"


@pytest.mark.parametrize(
    "text", ["Sure, Thursday.", "okay, 3 pm", "Yeah, the earliest", "And Tuesday, okay?"]
)
def test_a_backchannel_word_with_a_booking_word_is_an_interruption(text: str) -> None:
    assert classify_overlap(text, 0.9, -25.0, final=True) == "interruption"


def test_a_stray_word_without_any_backchannel_is_not_a_backchannel() -> None:
    assert classify_overlap("and mechan", 0.8, -20.0, final=True) == "interruption"
