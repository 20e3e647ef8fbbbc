import asyncio

import pytest

from agent.turn import CompletenessTurnDetector, LexicalTurnDetector, wrap_turn_detector
from agent.turn.completeness import Completeness
from agent.turn.eot import adjusted_threshold


class FakeAudioDetector:
    """Stands in for the v1-mini streaming detector: fixed threshold, records calls."""

    model = "turn-detector-v1-mini"
    provider = "livekit"

    def __init__(self) -> None:
        self.pushed = 0

    def stream(self, **_: object) -> "FakeAudioDetector":
        return self

    async def unlikely_threshold(self, language: object) -> float:
        return 0.4

    async def backchannel_threshold(self, language: object) -> None:
        return None

    async def supports_language(self, language: object) -> bool:
        return True

    def push_audio(self, frame: object) -> None:
        self.pushed += 1


def always_wait(threshold: float | None) -> bool:
    return threshold is not None and threshold > 1.0


def test_threshold_moves_with_the_words() -> None:
    assert always_wait(adjusted_threshold(0.4, "incomplete"))  # no probability reaches it
    assert adjusted_threshold(0.4, "complete") == pytest.approx(0.1)
    assert adjusted_threshold(0.4, "unknown") == pytest.approx(0.4)
    assert always_wait(adjusted_threshold(None, "incomplete"))
    assert adjusted_threshold(None, "complete") is None


async def test_stream_delegates_audio_and_asks_the_words_at_decision_time() -> None:
    verdict: list[Completeness] = ["unknown"]
    inner = FakeAudioDetector()
    detector = wrap_turn_detector(inner, lambda: verdict[0])
    assert isinstance(detector, CompletenessTurnDetector)
    stream = detector.stream()
    stream.push_audio(object())
    assert inner.pushed == 1
    assert await stream.unlikely_threshold("en") == pytest.approx(0.4)
    verdict[0] = "incomplete"
    assert always_wait(await stream.unlikely_threshold("en"))
    assert stream.model == "turn-detector-v1-mini"


def test_framework_recognises_the_wrapper_as_a_streaming_detector() -> None:
    from livekit.agents.voice.turn import _StreamingTurnDetector, _StreamingTurnDetectorStream

    detector = CompletenessTurnDetector(FakeAudioDetector(), lambda: "unknown")
    assert isinstance(detector, _StreamingTurnDetector)
    assert isinstance(detector.stream(), _StreamingTurnDetectorStream)


def test_without_an_audio_model_the_words_alone_decide() -> None:
    verdict: list[Completeness] = ["incomplete"]
    detector = wrap_turn_detector(None, lambda: verdict[0])
    assert isinstance(detector, LexicalTurnDetector)
    threshold = asyncio.run(detector.unlikely_threshold("en"))
    assert threshold is not None
    assert asyncio.run(detector.predict_end_of_turn(None)) < threshold
    verdict[0] = "complete"
    assert asyncio.run(detector.predict_end_of_turn(None)) > threshold
