"""A level gate for noisy lines: background talk well under the caller's voice does not count
as the caller speaking.

Continuous babble (a waiting room, a TV) 12-15 dB under the caller is speech to Silero and to
the STT's own VAD: on a babble line the caller was "speaking" from 0.16 s to the end of the
call, the greeting never played, and whisper wrote the babble out. The gate tracks the line's
noise floor (a low percentile of the last seconds of short-piece levels) and, only while that
floor is high and moves like talk (voices on the line, not a steady hiss), silences the pieces
quieter than floor + `margin_db`, holding it open for `hangover_s` after a loud piece so
syllable dips and word endings survive. On a clean line the audio passes untouched.

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
    # Only a background whose level moves like talk (p30 - p10 of the pieces) is gated. Steady
    # noise is no speech to the VADs, and gating it cut the caller's own quieter syllables:
    # bench.speech noisy WER (babble + white, 10 dB) 12 % -> 54-77 %. Measured spreads: steady
    # hiss 0.3-0.4 dB; that mix 1.1-1.5 alone and up to 2.7 in its short streams, where the
    # caller's quiet pieces are much of what was heard; four sim talkers 4.0.
    min_spread_db: float = 3.0
    spread_percentile: float = 30.0
    judge_after_s: float = 1.0  # the spread decides from then on
    spread_hysteresis_db: float = 1.0
    voice_sample: int = 8  # the floor hears 1 in this many pieces of the caller's voice
    quiet_s: float = 1.0  # and nothing of the quiet word endings this long after it
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
        self._voiced = 0  # pieces in a row the gate has held open
        self._quiet = int(options.quiet_s * per_s)
        self._judge_after = int(options.judge_after_s * per_s)
        self._since_voice = self._quiet  # pieces since it last did
        self.floor_dbfs = -120.0
        self.spread_db = 0.0
        self._talk = False
        self.pieces = 0
        self.gated_pieces = 0

    @property
    def active(self) -> bool:
        """The line is noisy enough for the gate to act, or not heard long enough to tell: at
        the start of a call on a babble line, 0.3 s of open gate let the babble open an
        utterance ("May, May, June") before the floor was known."""
        if self.pieces < self._min_history:
            return True
        if self.floor_dbfs < self._opts.active_floor_dbfs:
            return False
        # a loud line is taken for talk until it has been heard long enough to judge: at the
        # start of a babble call, the half second before the spread showed let words through
        return self.pieces < self._judge_after or self._talk

    @property
    def talk_on_line(self) -> bool:
        """The line was heard long enough and carries voices under the caller's."""
        loud = self.floor_dbfs >= self._opts.active_floor_dbfs
        return loud and self.pieces >= self._judge_after and self._talk

    def process(self, samples: np.ndarray) -> np.ndarray:
        """`samples` with the pieces the gate keeps shut set to zero (a copy)."""
        out = samples.copy()
        for start in range(0, samples.size, self._piece):
            if not self._open(level_dbfs(samples[start : start + self._piece])):
                out[start : start + self._piece] = 0
        return out

    def _open(self, level: float) -> bool:
        self.pieces += 1
        warming = self.pieces <= self._min_history
        if warming:  # every piece is the line's until its floor is known
            self._record(level)
        loud = level >= self.floor_dbfs + self._opts.margin_db
        self._loud_run = self._loud_run + 1 if loud else 0
        if self._loud_run >= self._open_after or (loud and self._open_for > 0):
            self._open_for = self._hangover
            voice = True
        elif self._open_for > 0:
            self._open_for -= 1
            voice = True
        else:
            voice = False
        # The floor and spread are the background's: pieces with the caller's voice count 1 in
        # `voice_sample` (so a line that gets louder for good still moves the floor), the
        # `quiet_s` after it (the quiet ends of words) not at all. Counted in full, a long answer
        # on a steady-noise line raised the spread until the gate acted in the middle of it and
        # cut the rest (a phone number lost its last digits).
        self._voiced = self._voiced + 1 if voice else 0
        self._since_voice = 0 if voice else self._since_voice + 1
        if not warming and (
            self._since_voice >= self._quiet or self._voiced % self._opts.voice_sample == 1
        ):
            self._record(level)
        if voice or not self.active:
            return True
        self.gated_pieces += 1
        return False

    def _record(self, level: float) -> None:
        self._levels[self._seen % self._levels.size] = level
        self._seen += 1
        if self._seen <= self._opts.floor_every or self._seen % self._opts.floor_every == 0:
            heard = self._levels[: min(self._seen, self._levels.size)]
            cuts = [self._opts.percentile, self._opts.spread_percentile]
            floor, above = np.percentile(heard, cuts)
            self.floor_dbfs, self.spread_db = float(floor), float(above - floor)
            # hysteresis: four talkers' spread dips to 2.8-2.9 for a moment now and then
            if self.spread_db >= self._opts.min_spread_db:
                self._talk = True
            elif self.spread_db < self._opts.min_spread_db - self._opts.spread_hysteresis_db:
                self._talk = False


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
