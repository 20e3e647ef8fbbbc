"""Turn-taking presets: one frozen dataclass, one table, chosen by TURN_PRESET."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any, Literal

VerifyRule = Literal["one_word", "lexicon", "two_words", "none"]
EndpointingMode = Literal["fixed", "dynamic"]

# A pause trigger this small fires on the first VAD window that carries speech: Silero reports
# speech_duration 0 until it has decided there is speech, then >= one 32 ms window.
FIRST_VAD_WINDOW_S = 0.01
# Turn-by-turn never pauses on audio: the framework compares VAD speech duration against this.
NEVER_S = 1e9


@dataclass(frozen=True)
class TurnPreset:
    """Everything the interruption engine and the framework need to know about one policy."""

    name: str
    barge_in: bool
    """Patient speech may pause/stop the agent. Off: the agent finishes, the speech is kept."""
    gate: bool
    """Our verification gate runs (False only for the livekit_default baseline)."""
    pause_after_s: float
    """VAD speech needed before the agent's audio pauses."""
    verify: VerifyRule
    """one_word: any non-backchannel word stops; lexicon: cue words, 2 words, or a final
    that is not a backchannel; two_words: two non-backchannel words (cue word + one more)."""
    backchannel_max_s: float
    """All-backchannel speech longer than this is treated as a real turn."""
    noise_wait_s: float
    """After the overlap ends with no words, wait this long for a transcript, then resume."""
    min_energy_dbfs: float
    """Overlaps whose loudest frame is quieter than this are noise whatever the STT heard."""
    stt_wait_max_s: float
    """How long after the end of an overlap we keep waiting for a slow STT's words."""
    false_interruption_timeout_s: float
    """The framework's own resume backstop (it resumes if no transcript confirms)."""
    endpointing_mode: EndpointingMode
    min_delay_s: float
    max_delay_s: float
    lexical_eot: bool
    """Combine the audio end-of-turn model with what the words say (see completeness.py)."""
    preemptive_tts: bool
    noise_suppression: bool
    aec_warmup_s: float | None
    """None/0: the transport has no echo (browser AEC, simulator), barge-in works from the first
    word. Set ~3 s only for a speakerphone transport without echo cancellation: the agent would
    otherwise hear itself, at the price of ignoring the patient for those seconds."""
    vad_min_silence_s: float | None
    """Silero silence that ends a user utterance (None: leave the loaded VAD alone). Shorter
    answers sooner (the STT is flushed at this point); the words and the audio model then
    decide whether it was a pause or the end of the turn."""
    late_answer_window_s: float
    """A backchannel-word ("okay", "sure") said this close to the end of an agent question is an
    answer, not a backchannel: it becomes the next user turn."""
    line_gate: bool = True
    """The session's VAD hears the line through a level gate (agent/speech/line_gate.py): on a
    noisy line, background talk well under the caller's voice is not the caller speaking. It
    acts only while the line's noise floor is high; a clean line passes untouched."""
    unknown_hold_s: float = 0.0
    """Words that neither finish nor continue a thought and an audio model not sure the patient
    is done (probability under 0.9): answer only after this much silence (0: the short delay).
    Pauses shorter than it are not cut off; such answers come ~0.4 s later."""


_COMMON: dict[str, Any] = dict(
    gate=True,
    backchannel_max_s=1.6,
    noise_wait_s=0.6,
    stt_wait_max_s=3.0,
    min_energy_dbfs=-70.0,
    false_interruption_timeout_s=1.5,
    noise_suppression=False,
    aec_warmup_s=None,
    late_answer_window_s=1.5,
)

PRESETS: dict[str, TurnPreset] = {
    "turn_by_turn": TurnPreset(
        name="turn_by_turn",
        barge_in=False,
        pause_after_s=NEVER_S,
        verify="none",
        endpointing_mode="fixed",
        min_delay_s=0.5,
        max_delay_s=2.5,
        lexical_eot=False,
        preemptive_tts=False,
        vad_min_silence_s=0.55,
        **_COMMON,
    ),
    "fast": TurnPreset(
        name="fast",
        barge_in=True,
        pause_after_s=FIRST_VAD_WINDOW_S,
        verify="one_word",
        endpointing_mode="fixed",
        min_delay_s=0.25,
        max_delay_s=1.2,
        lexical_eot=False,
        preemptive_tts=True,
        vad_min_silence_s=0.3,
        **_COMMON,
    ),
    "natural": TurnPreset(
        name="natural",
        barge_in=True,
        pause_after_s=FIRST_VAD_WINDOW_S,
        verify="lexicon",
        endpointing_mode="dynamic",
        min_delay_s=0.35,
        max_delay_s=2.0,
        lexical_eot=True,
        preemptive_tts=True,
        vad_min_silence_s=0.4,
        unknown_hold_s=0.9,
        **_COMMON,
    ),
    "noisy": TurnPreset(
        name="noisy",
        barge_in=True,
        pause_after_s=0.3,
        verify="two_words",
        endpointing_mode="dynamic",
        min_delay_s=0.6,
        max_delay_s=2.5,
        lexical_eot=True,
        preemptive_tts=False,
        vad_min_silence_s=0.6,
        unknown_hold_s=0.9,
        **{**_COMMON, "noise_suppression": True, "min_energy_dbfs": -45.0},
    ),
    # Baseline for the bench: the framework's defaults, no gate, no lexical end of turn.
    "livekit_default": TurnPreset(
        name="livekit_default",
        barge_in=True,
        pause_after_s=0.5,
        verify="none",
        endpointing_mode="fixed",
        min_delay_s=0.5,
        max_delay_s=3.0,
        lexical_eot=False,
        preemptive_tts=False,
        vad_min_silence_s=None,
        line_gate=False,
        **{**_COMMON, "gate": False, "false_interruption_timeout_s": 2.0},
    ),
}

DEFAULT_PRESET = "natural"


class UnknownPresetError(ValueError):
    """TURN_PRESET names no preset."""


def get_preset(name: str) -> TurnPreset:
    """Look a preset up by name; 'livekit-default' and 'Natural' are accepted too."""
    key = name.strip().lower().replace("-", "_")
    if key not in PRESETS:
        raise UnknownPresetError(
            f"unknown turn preset {name!r}; choose one of: {', '.join(sorted(PRESETS))}"
        )
    return PRESETS[key]


def preset_from_env(env: dict[str, str] | None = None) -> TurnPreset:
    """The preset named by TURN_PRESET (default natural)."""
    source = os.environ if env is None else env
    return get_preset(source.get("TURN_PRESET", "") or DEFAULT_PRESET)


def with_overrides(preset: TurnPreset, **changes: Any) -> TurnPreset:
    """A copy with some fields changed (per-scenario tuning); unknown fields raise TypeError."""
    return replace(preset, **changes)


def turn_handling_options(preset: TurnPreset, turn_detector: Any = None) -> dict[str, Any]:
    """The `turn_handling=` dict for AgentSession.

    `turn_detector` is passed through as `turn_detection` (wrap it first with
    `CompletenessTurnDetector` to get lexical end of turn; the controller's session_options does).
    """
    if preset.name == "livekit_default":
        options: dict[str, Any] = {"interruption": {"mode": "vad"}}
        if turn_detector is not None:
            options["turn_detection"] = turn_detector
        return options

    interruption: dict[str, Any] = {
        "enabled": True,  # turn_by_turn keeps speech interruptible so DTMF can still stop it
        "mode": "vad",
        "min_duration": preset.pause_after_s,
        "min_words": 0,  # the gate verifies words; the framework's count can't tell okay from wait
        "resume_false_interruption": preset.barge_in,
        "false_interruption_timeout": preset.false_interruption_timeout_s,
        "discard_audio_if_uninterruptible": True,
    }
    options = {
        "endpointing": {
            "mode": preset.endpointing_mode,
            "min_delay": preset.min_delay_s,
            "max_delay": preset.max_delay_s,
        },
        "interruption": interruption,
        "preemptive_generation": {"enabled": True, "preemptive_tts": preset.preemptive_tts},
    }
    if turn_detector is not None:
        options["turn_detection"] = turn_detector
    return options


def session_kwargs(preset: TurnPreset) -> dict[str, Any]:
    """AgentSession keyword arguments other than turn_handling."""
    if preset.name == "livekit_default":
        return {}  # the framework's own choice (3 s, none for SIP outbound / simulations)
    warmup = preset.aec_warmup_s if preset.aec_warmup_s else None
    return {"aec_warmup_duration": warmup}


def session_vad(vad: Any, preset: TurnPreset) -> Any:
    """A per-call copy of a Silero VAD with the preset's end-of-utterance silence.

    The copy shares the loaded ONNX session (no reload, no download); any other VAD, or a
    preset without its own value, is returned unchanged.
    """
    if vad is None or preset.vad_min_silence_s is None:
        return vad
    opts = getattr(vad, "_opts", None)
    session = getattr(vad, "_onnx_session", None)
    if opts is None or session is None or not hasattr(opts, "min_silence_duration"):
        return vad
    if opts.min_silence_duration == preset.vad_min_silence_s:
        return vad
    return type(vad)(
        session=session, opts=replace(opts, min_silence_duration=preset.vad_min_silence_s)
    )
