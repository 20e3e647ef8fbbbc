"""VAD (Silero, weights in the plugin wheel) and the local audio end-of-turn model (v1-mini).

`TurnDetector(version="v1-mini")` runs in-process from livekit-local-inference; it never
touches the network. Pass it as `AgentSession(turn_handling={"turn_detection": detector, ...})`.
"""

from __future__ import annotations

from dataclasses import dataclass

from livekit.agents import vad as agents_vad
from livekit.agents.inference.eot import TurnDetector

# LiveKit plugins must be registered on the main thread: import at module load, not lazily.
from livekit.plugins import silero


@dataclass(frozen=True)
class VADOptions:
    min_speech_duration: float = 0.05
    min_silence_duration: float = 0.55  # LiveKit's default; the turn team tunes this per preset
    prefix_padding_duration: float = 0.5
    activation_threshold: float = 0.5


DEFAULT_VAD_OPTIONS = VADOptions()


def load_vad(options: VADOptions = DEFAULT_VAD_OPTIONS) -> agents_vad.VAD:
    """Silero VAD, loaded once (blocking: call from prewarm)."""
    return silero.VAD.load(
        min_speech_duration=options.min_speech_duration,
        min_silence_duration=options.min_silence_duration,
        prefix_padding_duration=options.prefix_padding_duration,
        activation_threshold=options.activation_threshold,
    )


def load_turn_detector(unlikely_threshold: float | None = None) -> TurnDetector:
    """The local `v1-mini` audio end-of-turn model; its native weights are loaded eagerly here."""
    from livekit.local_inference import init_eot

    init_eot()
    if unlikely_threshold is None:
        return TurnDetector(version="v1-mini")
    return TurnDetector(version="v1-mini", unlikely_threshold=unlikely_threshold)
