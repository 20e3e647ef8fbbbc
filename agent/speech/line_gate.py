"""A level gate for noisy lines: background talk well under the caller's voice does not count
as the caller speaking.

Continuous babble (a waiting room, a TV) 12-15 dB under the caller is speech to Silero and to
the STT's own VAD: on a babble line the caller was "speaking" from 0.16 s to the end of the
call, the greeting never played, and whisper wrote the babble out. The gate tracks the line's
noise floor (a low percentile of the last seconds of short-piece levels) and, only while that
floor is high (a noisy line), silences the pieces quieter than floor + `margin_db`, holding it
open for `hangover_s` after a loud piece so syllable dips and word endings survive. On a clean
line the floor stays under `active_floor_dbfs` and the audio passes untouched.

It only feeds speech *detectors* (the session's VAD through `GatedVAD`, the STT's segmenter):
a first try gated the audio the STT decodes too, and whisper, given chopped words, heard
"Anne Ortiz" for "Ben Ortiz" on a white-noise line.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from livekit import rtc
from livekit.agents import vad


@dataclass(frozen=True)
class LineGateOptions:
    # History the floor is read from: longer than a caller's turn, so a caller who talks on
    # without pauses does not become the floor (between turns a clean line is quiet again).
    window_s: float = 8.0
    percentile: float = 10.0  # the floor: the level this share of recent pieces stays under
    # The caller's voice must stand this far above the floor. Sim babble 15 dB under the caller
    # (four talkers): 10 ms levels p10/p50/p90 -43/-36/-32 dBFS, the caller's p50/p90 -31/-17.
    margin_db: float = 17.0
    active_floor_dbfs: float = -50.0  # a floor under this is a clean line: no gating
    hangover_s: float = 0.3
    open_after_ms: int = 30  # loud audio this long in a row opens the gate: babble peaks are brief
    min_history_s: float = 0.1  # shut until this much of the line was heard
    piece_ms: int = 10
    floor_every: int = 10  # pieces between floor updates (the percentile is the costly part)


DEFAULT_LINE_GATE_OPTIONS = LineGateOptions()


def level_dbfs(samples: np.ndarray) -> float:
    """Loudness of int16 samples in dBFS (digital silence: -120)."""
    if samples.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(samples.astype(np.float32) ** 2)))
    return 20.0 * math.log10(rms / 32768.0) if rms > 0 else -120.0


class LevelGate:
    """The gate's state for one mono int16 stream; `process` returns the gated samples."""

    def __init__(
        self, sample_rate: int, options: LineGateOptions = DEFAULT_LINE_GATE_OPTIONS
    ) -> None:
        self._opts = options
        self._piece = max(1, sample_rate * options.piece_ms // 1000)
        per_s = 1000 / options.piece_ms
        self._levels = np.full(max(1, int(options.window_s * per_s)), np.nan, dtype=np.float32)
        self._seen = 0
        self._min_history = int(options.min_history_s * per_s)
        self._hangover = int(options.hangover_s * per_s)
        self._open_after = max(1, math.ceil(options.open_after_ms / options.piece_ms))
        self._open_for = 0  # pieces the gate stays open
        self._loud_run = 0
        self.floor_dbfs = -120.0
        self.pieces = 0
        self.gated_pieces = 0

    @property
    def active(self) -> bool:
        """The line is noisy enough for the gate to act, or not heard long enough to tell: at
        the start of a call on a babble line, 0.3 s of open gate let the babble open an
        utterance ("May, May, June") before the floor was known."""
        if self._seen < self._min_history:
            return True
        return self.floor_dbfs >= self._opts.active_floor_dbfs

    def process(self, samples: np.ndarray) -> np.ndarray:
        """`samples` with the pieces the gate keeps shut set to zero (a copy)."""
        out = samples.copy()
        for start in range(0, samples.size, self._piece):
            if not self._open(level_dbfs(samples[start : start + self._piece])):
                out[start : start + self._piece] = 0
        return out

    def _open(self, level: float) -> bool:
        self._levels[self._seen % self._levels.size] = level
        self._seen += 1
        self.pieces += 1
        if self._seen <= self._opts.floor_every or self._seen % self._opts.floor_every == 0:
            heard = self._levels[: min(self._seen, self._levels.size)]
            self.floor_dbfs = float(np.percentile(heard, self._opts.percentile))
        loud = level >= self.floor_dbfs + self._opts.margin_db
        self._loud_run = self._loud_run + 1 if loud else 0
        if self._loud_run >= self._open_after or (loud and self._open_for > 0):
            self._open_for = self._hangover
            return True
        if self._open_for > 0:
            self._open_for -= 1
            return True
        if not self.active:
            return True
        self.gated_pieces += 1
        return False


class GatedVAD(vad.VAD):
    """A VAD that hears the line through a `LevelGate`; everything else is the wrapped VAD's."""

    def __init__(self, inner: vad.VAD, options: LineGateOptions = DEFAULT_LINE_GATE_OPTIONS):
        super().__init__(capabilities=inner.capabilities)
        self._inner = inner
        self._opts = options
        self._label = inner._label
        inner.on("metrics_collected", lambda metrics: self.emit("metrics_collected", metrics))

    @property
    def inner(self) -> vad.VAD:
        return self._inner

    @property
    def model(self) -> str:
        return self._inner.model

    @property
    def provider(self) -> str:
        return self._inner.provider

    @property
    def min_silence_duration(self) -> Any:
        # the session checks this against its end-of-turn detector's needs
        return getattr(self._inner, "min_silence_duration", None)

    def stream(self) -> vad.VADStream:
        stream: Any = GatedVADStream(self._inner.stream(), self._opts)
        return stream  # a proxy: the framework pushes frames and iterates events, nothing more


class GatedVADStream:
    """Forwards gated frames to the wrapped VAD's stream and its events back unchanged."""

    def __init__(self, inner: vad.VADStream, options: LineGateOptions) -> None:
        self._inner = inner
        self._opts = options
        self._gate: LevelGate | None = None
        self._rate = 0

    @property
    def gate(self) -> LevelGate | None:
        return self._gate

    def push_frame(self, frame: rtc.AudioFrame) -> None:
        if frame.num_channels != 1:  # rooms and the simulator send mono; leave others alone
            self._inner.push_frame(frame)
            return
        if self._gate is None or frame.sample_rate != self._rate:
            self._gate, self._rate = LevelGate(frame.sample_rate, self._opts), frame.sample_rate
        samples = np.frombuffer(frame.data, dtype=np.int16)
        gated = self._gate.process(samples)
        self._inner.push_frame(
            rtc.AudioFrame(gated.tobytes(), frame.sample_rate, 1, frame.samples_per_channel)
        )

    def flush(self) -> None:
        self._inner.flush()

    def end_input(self) -> None:
        self._inner.end_input()

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __anext__(self) -> vad.VADEvent:
        return await self._inner.__anext__()

    def __aiter__(self) -> AsyncIterator[vad.VADEvent]:
        return self
