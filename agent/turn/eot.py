"""End of turn = the audio model's probability, corrected by what the words say.

The framework asks the turn detector two things at decision time: the probability that the
turn ended (predicted on the last ~1.2 s of audio) and the "unlikely" threshold under which it
waits `max_delay` instead of `min_delay`. We wrap the streaming audio detector and move the
threshold per moment from the lexical completeness of the transcript heard so far:
incomplete ("my date of birth is", "um", a DOB without a year) -> always wait long;
complete (a time, "yes please", a full DOB) -> answer after the short delay unless the audio
model is very sure the patient is still going; unknown -> the audio model decides alone, and
when it only leans to "finished" (`UnknownHold`) the answer waits until a longer silence:
"I'd like a checkup on Tuesday [pause 700] no, Thursday morning" was answered 0.48 s into the
pause (v1-mini 0.76 over its 0.36 threshold), 0.2 s before the patient went on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from livekit.agents.inference.eot.base import MIN_SILENCE_DURATION_MS

from .clock import Clock, MonotonicClock
from .completeness import Completeness

# a threshold no probability reaches: the framework then waits max_delay
_ALWAYS_WAIT = 1.01
# with a complete answer, only a very confident "still talking" from audio keeps us waiting
_COMPLETE_SCALE = 0.25

CompletenessSource = Callable[[], Completeness]
# The framework asks the streaming model for a prediction once this much silence has
# accumulated: the prediction's start dates the end of speech.
PREDICTION_AFTER_SILENCE_S = MIN_SILENCE_DURATION_MS / 1000


@dataclass(frozen=True)
class UnknownHold:
    """Words that neither finish nor continue a thought, and an audio model that is not sure
    the patient is done: answer only after `silence_s` of silence (0: off)."""

    silence_s: float = 0.0
    sure_probability: float = 0.9  # at or above this, the short delay stands


NO_HOLD = UnknownHold()
_HOLD_POLL_S = 0.05


def hold_left(
    hold: UnknownHold,
    verdict: Completeness,
    probability: float | None,
    predicted_at: float | None,
    now: float,
) -> float:
    """Seconds still to wait before the turn may end on the short delay."""
    if (
        hold.silence_s <= 0
        or verdict != "unknown"
        or probability is None
        or predicted_at is None
        or probability >= hold.sure_probability
    ):
        return 0.0
    speech_end = predicted_at - PREDICTION_AFTER_SILENCE_S
    return max(0.0, speech_end + hold.silence_s - now)


def adjusted_threshold(base: float | None, verdict: Completeness) -> float | None:
    """The unlikely-threshold to use now, given the audio model's own threshold."""
    if verdict == "incomplete":
        return _ALWAYS_WAIT
    if base is None:
        return None
    if verdict == "complete":
        return base * _COMPLETE_SCALE
    return base


class _CompletenessStream:
    """Delegates to the audio detector's stream; only the threshold is ours (and, for an
    unsure "unknown", when it is given: the framework cancels the wait when speech resumes)."""

    def __init__(
        self,
        inner: Any,
        source: CompletenessSource,
        hold: UnknownHold = NO_HOLD,
        clock: Clock | None = None,
    ) -> None:
        self._inner = inner
        self._source = source
        self._hold = hold
        self._clock = clock or MonotonicClock()
        self._prediction: asyncio.Future[Any] | None = None
        self._predicted_at: float | None = None

    @property
    def model(self) -> str:
        return str(self._inner.model)

    @property
    def provider(self) -> str:
        return str(self._inner.provider)

    @property
    def is_fallback(self) -> bool:
        return bool(getattr(self._inner, "is_fallback", False))

    @property
    def prediction_timeout(self) -> float:
        return float(getattr(self._inner, "prediction_timeout", 1.0))

    async def unlikely_threshold(self, language: Any) -> float | None:
        base = await self._inner.unlikely_threshold(language)
        probability = self._probability()
        verdict = self._source()
        # the words are read again while waiting: the final transcript of the last words often
        # lands here ("... next Wednesday morning" makes the answer complete at once)
        while wait := hold_left(
            self._hold, verdict, probability, self._predicted_at, self._clock.now()
        ):
            await asyncio.sleep(min(wait, _HOLD_POLL_S))
            verdict = self._source()
        return adjusted_threshold(base, verdict)

    def _probability(self) -> float | None:
        fut = self._prediction
        if fut is None or not fut.done() or fut.cancelled() or fut.exception() is not None:
            return None
        probability = getattr(fut.result(), "end_of_turn_probability", None)
        return None if probability is None else float(probability)

    async def backchannel_threshold(self, language: Any) -> float | None:
        result: float | None = await self._inner.backchannel_threshold(language)
        return result

    async def supports_language(self, language: Any) -> bool:
        # the lexical rule is English; the audio model decides what else it supports
        return bool(await self._inner.supports_language(language))

    def predict(self) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = self._inner.predict()
        self._prediction, self._predicted_at = fut, self._clock.now()
        return fut

    def cancel_inference(self, *, timed_out: bool = False) -> None:
        self._inner.cancel_inference(timed_out=timed_out)

    def flush(self, reason: str | None = None) -> None:
        self._inner.flush(reason)

    def push_audio(self, frame: Any) -> None:
        self._inner.push_audio(frame)

    def end_input(self) -> None:
        self._inner.end_input()

    async def aclose(self) -> None:
        await self._inner.aclose()


class CompletenessTurnDetector:
    """A streaming turn detector (framework protocol) around the local v1-mini audio model."""

    def __init__(
        self,
        inner: Any,
        source: CompletenessSource,
        hold: UnknownHold = NO_HOLD,
        clock: Clock | None = None,
    ) -> None:
        self._inner = inner
        self._source = source
        self._hold = hold
        self._clock = clock

    @property
    def model(self) -> str:
        return str(self._inner.model)

    @property
    def provider(self) -> str:
        return str(self._inner.provider)

    def on(self, event: str, callback: Callable[..., Any] | None = None) -> Any:
        # the session subscribes to the detector's metrics; keep that working
        if hasattr(self._inner, "on"):
            return self._inner.on(event, callback) if callback else self._inner.on(event)
        return callback

    def off(self, event: str, callback: Callable[..., Any]) -> None:
        if hasattr(self._inner, "off"):
            self._inner.off(event, callback)

    def stream(self, **kwargs: Any) -> _CompletenessStream:
        return _CompletenessStream(
            self._inner.stream(**kwargs), self._source, self._hold, self._clock
        )

    async def unlikely_threshold(self, language: Any) -> float | None:
        base = await self._inner.unlikely_threshold(language)
        return adjusted_threshold(base, self._source())

    async def backchannel_threshold(self, language: Any) -> float | None:
        result: float | None = await self._inner.backchannel_threshold(language)
        return result

    async def supports_language(self, language: Any) -> bool:
        return bool(await self._inner.supports_language(language))


class LexicalTurnDetector:
    """Text-only end of turn (framework `_TurnDetector` protocol) for when no audio model loads:
    the completeness of the transcript alone picks the short or the long delay."""

    _PROBABILITY: ClassVar[dict[Completeness, float]] = {
        "complete": 0.95,
        "unknown": 0.6,
        "incomplete": 0.05,
    }

    def __init__(self, source: CompletenessSource, threshold: float = 0.3) -> None:
        self._source = source
        self._threshold = threshold

    @property
    def model(self) -> str:
        return "lexical-completeness"

    @property
    def provider(self) -> str:
        return "agent.turn"

    async def unlikely_threshold(self, language: Any) -> float | None:
        return self._threshold

    async def supports_language(self, language: Any) -> bool:
        return True

    async def predict_end_of_turn(
        self,
        chat_ctx: Any,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (the framework's protocol names it so)
    ) -> float:
        return self._PROBABILITY[self._source()]


def wrap_turn_detector(inner: Any, source: CompletenessSource, hold: UnknownHold = NO_HOLD) -> Any:
    """Our detector around the speech team's one (or a lexical one when there is none)."""
    if inner is None:
        return LexicalTurnDetector(source)
    if hasattr(inner, "stream"):
        return CompletenessTurnDetector(inner, source, hold)
    return inner  # an unknown text detector: leave it alone
