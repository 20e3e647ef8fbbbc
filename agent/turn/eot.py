"""End of turn = the audio model's probability, corrected by what the words say.

The framework asks the turn detector two things at decision time: the probability that the
turn ended (predicted on the last ~1.2 s of audio) and the "unlikely" threshold under which it
waits `max_delay` instead of `min_delay`. We wrap the streaming audio detector and move the
threshold per moment from the lexical completeness of the transcript heard so far:
incomplete ("my date of birth is", "um", a DOB without a year) -> always wait long;
complete (a time, "yes please", a full DOB) -> answer after the short delay unless the audio
model is very sure the patient is still going; unknown -> the audio model decides alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from .completeness import Completeness

# a threshold no probability reaches: the framework then waits max_delay
_ALWAYS_WAIT = 1.01
# with a complete answer, only a very confident "still talking" from audio keeps us waiting
_COMPLETE_SCALE = 0.25

CompletenessSource = Callable[[], Completeness]


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
    """Delegates to the audio detector's stream; only the threshold is ours."""

    def __init__(self, inner: Any, source: CompletenessSource) -> None:
        self._inner = inner
        self._source = source

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
        return adjusted_threshold(base, self._source())

    async def backchannel_threshold(self, language: Any) -> float | None:
        result: float | None = await self._inner.backchannel_threshold(language)
        return result

    async def supports_language(self, language: Any) -> bool:
        # the lexical rule is English; the audio model decides what else it supports
        return bool(await self._inner.supports_language(language))

    def predict(self) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = self._inner.predict()
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

    def __init__(self, inner: Any, source: CompletenessSource) -> None:
        self._inner = inner
        self._source = source

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
        return _CompletenessStream(self._inner.stream(**kwargs), self._source)

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


def wrap_turn_detector(inner: Any, source: CompletenessSource) -> Any:
    """Our detector around the speech team's one (or a lexical one when there is none)."""
    if inner is None:
        return LexicalTurnDetector(source)
    if hasattr(inner, "stream"):
        return CompletenessTurnDetector(inner, source)
    return inner  # an unknown text detector: leave it alone
