import asyncio
from collections.abc import Callable

import pytest

from agent.turn import CompletenessTurnDetector, LexicalTurnDetector, wrap_turn_detector
from agent.turn.clock import ManualClock
from agent.turn.completeness import Completeness
from agent.turn.eot import UnknownHold, adjusted_threshold, hold_left


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


class Prediction:
    def __init__(self, probability: float) -> None:
        self.end_of_turn_probability = probability


class PredictingDetector(FakeAudioDetector):
    """The audio model's prediction, resolved at once with a fixed probability."""

    def __init__(self, probability: float) -> None:
        super().__init__()
        self.probability = probability

    def predict(self) -> "asyncio.Future[Prediction]":
        fut: asyncio.Future[Prediction] = asyncio.get_running_loop().create_future()
        fut.set_result(Prediction(self.probability))
        return fut


def test_hold_applies_only_to_unsure_unknown_words() -> None:
    hold = UnknownHold(silence_s=0.9, sure_probability=0.9)
    # predicted 0.2 s into the silence, asked at 0.45 s: 0.45 s of the hold left
    assert hold_left(hold, "unknown", 0.76, 10.2, 10.45) == pytest.approx(0.45)
    assert hold_left(hold, "unknown", 0.76, 10.2, 11.0) == 0.0  # the silence is long enough
    assert hold_left(hold, "unknown", 0.95, 10.2, 10.45) == 0.0  # the model is sure
    assert hold_left(hold, "complete", 0.76, 10.2, 10.45) == 0.0
    assert hold_left(hold, "incomplete", 0.76, 10.2, 10.45) == 0.0  # waits max_delay anyway
    assert hold_left(hold, "unknown", None, 10.2, 10.45) == 0.0  # no prediction came
    assert hold_left(UnknownHold(), "unknown", 0.76, 10.2, 10.45) == 0.0  # hold off


async def asked_while_held(
    probability: float, source: Callable[[], Completeness], clock: ManualClock
) -> "asyncio.Task[float | None]":
    """The framework's question for the threshold, asked just after a prediction with
    `probability` under a 0.9 s hold; the task is left running."""
    hold = UnknownHold(silence_s=0.9)
    stream = CompletenessTurnDetector(PredictingDetector(probability), source, hold, clock).stream()
    await stream.predict()
    asking = asyncio.create_task(stream.unlikely_threshold("en"))
    await asyncio.sleep(0.01)
    return asking


async def test_a_final_transcript_during_the_hold_decides_the_threshold() -> None:
    verdict: list[Completeness] = ["unknown"]
    asking = await asked_while_held(0.7, lambda: verdict[0], ManualClock(100.0))
    assert not asking.done()  # held: the words are unknown and the model unsure
    verdict[0] = "complete"  # "... next Wednesday morning" came in
    assert await asyncio.wait_for(asking, 1.0) == pytest.approx(0.1)


async def test_the_hold_ends_when_the_silence_is_long_enough() -> None:
    clock = ManualClock(100.0)
    asking = await asked_while_held(0.7, lambda: "unknown", clock)
    assert not asking.done()
    clock.advance(0.7)  # 0.2 s before the prediction + 0.7 s: the hold's 0.9 s have passed
    assert await asyncio.wait_for(asking, 1.0) == pytest.approx(0.4)


async def test_resumed_speech_cancels_the_hold() -> None:
    asking = await asked_while_held(0.7, lambda: "unknown", ManualClock(100.0))
    asking.cancel()  # the framework cancels its end-of-turn task on the VAD's speech start
    with pytest.raises(asyncio.CancelledError):
        await asking


async def test_a_sure_model_is_answered_without_a_hold() -> None:
    asking = await asked_while_held(0.95, lambda: "unknown", ManualClock(100.0))
    assert asking.done()
    assert asking.result() == pytest.approx(0.4)
