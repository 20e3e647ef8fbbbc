"""Turn taking: pause fast, verify, resume on backchannels, stop on real interruptions."""

from .completeness import (
    Completeness,
    expectation_from_prompt,
    expectations_from_prompt,
    lexical_completeness,
)
from .controller import InterruptionController
from .eot import CompletenessTurnDetector, LexicalTurnDetector, wrap_turn_detector
from .lexicon import BACKCHANNEL_PHRASES, is_backchannel
from .overlap import OverlapKind, classify_overlap
from .presets import (
    DEFAULT_PRESET,
    PRESETS,
    TurnPreset,
    UnknownPresetError,
    get_preset,
    preset_from_env,
    session_kwargs,
    turn_handling_options,
    with_overrides,
)

__all__ = [
    "BACKCHANNEL_PHRASES",
    "DEFAULT_PRESET",
    "PRESETS",
    "Completeness",
    "CompletenessTurnDetector",
    "InterruptionController",
    "LexicalTurnDetector",
    "OverlapKind",
    "TurnPreset",
    "UnknownPresetError",
    "classify_overlap",
    "expectation_from_prompt",
    "expectations_from_prompt",
    "get_preset",
    "is_backchannel",
    "lexical_completeness",
    "preset_from_env",
    "session_kwargs",
    "turn_handling_options",
    "with_overrides",
    "wrap_turn_detector",
]
