"""The verification gate: pure decisions about speech heard while the agent talks.

The controller feeds it VAD start/end, STT events (opaque objects plus their text) and the
agent's playout end; it answers with effects: forward held events to the framework, stop the
agent, resume the agent, or check back after a delay. No livekit objects in here, so every
rule can be tested with a hand-moved clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .lexicon import is_backchannel
from .overlap import OverlapKind, classify_overlap
from .presets import TurnPreset

E = TypeVar("E")


@dataclass(frozen=True)
class Forward(Generic[E]):
    """Send these STT events to the framework now (they become the user's turn)."""

    events: tuple[E, ...]


@dataclass(frozen=True)
class Interrupt:
    """Stop the agent: real interruption (or a DTMF press)."""

    reason: str
    latency_s: float


@dataclass(frozen=True)
class Resume:
    """Resume the paused agent where it stopped; the overlap was a backchannel or noise."""

    verdict: OverlapKind
    latency_s: float


@dataclass(frozen=True)
class CheckAfter:
    """Call `on_timer` after this many seconds."""

    delay_s: float


Effect = Forward[E] | Interrupt | Resume | CheckAfter


# An STT utterance that began this long before the overlap is the patient's earlier turn
# running on (or its late final), not speech over the agent.
_FOREIGN_MARGIN_S = 0.5
_REMEMBERED_UTTERANCES = 32
_RECHECK_S = 0.25


@dataclass
class _Overlap(Generic[E]):
    started_at: float
    ended_at: float | None = None
    utterances: set[str] = field(default_factory=set)
    agent_done_at: float | None = None
    agent_asked: bool = False  # the agent's reply ended on a question while this was open
    passthrough: bool = False  # decided as a real turn: the rest flows straight through
    by_stt: bool = False  # opened by the STT's VAD (ours missed it): nothing was paused
    finals: str = ""
    interim: str = ""
    interim_rough: bool = False  # the interim came from the fast rough recognizer
    peak_dbfs: float | None = None
    held: list[E] = field(default_factory=list)
    verdict: OverlapKind = "undecided"
    final_after_end: bool = False
    resumed: bool = False

    @property
    def words(self) -> str:
        return f"{self.finals} {self.interim}".strip()

    def decisive_words(self, duration_s: float, preset: TurnPreset) -> str:
        """The words a verdict may rest on. Rough interims garble a short "mhm" into words
        ("i'm a chair"), so while the speech is short enough to be a backchannel they wait
        for the accurate final; longer speech is someone talking to us whatever it says."""
        if self.interim_rough and duration_s < preset.backchannel_max_s:
            return self.finals
        return self.words


@dataclass
class _Dropped(Generic[E]):
    events: list[E]
    ended_at: float
    text: str
    utterance: str = ""


class OverlapGate(Generic[E]):
    def __init__(self, preset: TurnPreset) -> None:
        self.preset = preset
        self._overlap: _Overlap[E] | None = None
        self._dropped: _Dropped[E] | None = None
        self._utt_started: dict[str, float] = {}
        self._utt_open: set[str] = set()
        # a dropped overlap whose audio a lagging STT may still be transcribing
        self._tail: _Overlap[E] | None = None
        self._dropped_utts: list[str] = []
        self.verdicts: list[tuple[OverlapKind, str]] = []
        """Every settled overlap: (verdict, words) — the controller turns these into metrics."""

    # region inputs

    @property
    def holding(self) -> bool:
        return self._overlap is not None and self._overlap.verdict != "interruption"

    @property
    def open(self) -> bool:
        return self._overlap is not None

    def on_user_speech_start(self, now: float, *, agent_speaking: bool) -> list[Effect[E]]:
        self._tail = None  # fresh speech: a new STT utterance is no longer the old audio
        ov = self._overlap
        if ov is not None and ov.passthrough:
            self._overlap = ov = None
        if ov is not None and (
            not self.preset.barge_in or (not ov.resumed and ov.verdict == "undecided")
        ):
            # a short pause inside one utterance, or turn_by_turn collecting everything said
            # over the agent: same overlap (and if the STT opened it, our VAD now paused it)
            ov.ended_at = None
            ov.by_stt = False
            return []
        if ov is not None:
            effects = self._settle(now)
        else:
            effects = []
        if agent_speaking and self.preset.gate:
            self._overlap = _Overlap(started_at=now)
            self._dropped = None
            # the STT's own VAD often opens the utterance a little before ours does
            self._overlap.utterances = {
                u
                for u in self._utt_open
                if self._utt_started.get(u, now) >= now - _FOREIGN_MARGIN_S
            }
        return effects

    def on_energy(self, dbfs: float) -> None:
        ov = self._overlap
        if ov is not None and ov.ended_at is None:
            ov.peak_dbfs = dbfs if ov.peak_dbfs is None else max(ov.peak_dbfs, dbfs)

    def on_stt_start(self, utterance: str, now: float, *, agent_speaking: bool = False) -> None:
        """The STT opened utterance `utterance` (its request id)."""
        self._utt_started[utterance] = now
        self._utt_open.add(utterance)
        if len(self._utt_started) > _REMEMBERED_UTTERANCES:
            self._utt_open.discard(next(iter(self._utt_started)))
            self._utt_started.pop(next(iter(self._utt_started)))
        ov = self._overlap
        if ov is not None and not ov.passthrough and now >= ov.started_at - _FOREIGN_MARGIN_S:
            ov.utterances.add(utterance)
        elif (
            ov is None
            and self._tail is not None
            and self._tail.ended_at is not None
            and now - self._tail.ended_at <= self.preset.stt_wait_max_s
        ):
            # no new speech since that overlap ended, yet the STT opens an utterance: it is
            # still working through the overlap's audio. Reopen it and let these words decide.
            ov = self._overlap = self._tail
            self._tail = None
            ov.final_after_end = False
            ov.utterances.add(utterance)
        elif ov is None and agent_speaking and self.preset.gate:
            # the STT hears speech over the agent that our VAD missed (a soft "mhm"): its
            # words must be judged too, or they would reach the framework as a turn
            self._overlap = _Overlap(started_at=now, utterances={utterance}, by_stt=True)

    def on_stt_end(self, utterance: str) -> None:
        """The STT closed the utterance (its final transcript has been delivered)."""
        self._utt_open.discard(utterance)

    def stt_busy(self, now: float, within_s: float = 10.0) -> bool:
        """The STT has opened an utterance (recently) and not delivered its final yet."""
        return any(now - self._utt_started.get(u, -1e9) <= within_s for u in self._utt_open)

    def _stt_pending(self, ov: _Overlap[E]) -> bool:
        return any(u in self._utt_open for u in ov.utterances)

    def on_stt(
        self,
        event: E,
        text: str,
        *,
        final: bool,
        now: float,
        utterance: str = "",
        rough: bool = False,
    ) -> list[Effect[E]]:
        """`rough`: an interim from a fast, inaccurate recognizer (a hint, not evidence)."""
        if final and utterance:
            self._utt_open.discard(utterance)
        if utterance and utterance in self._dropped_utts:
            # a late event of a backchannel we already dropped: drop it too
            if self._dropped is not None and self._dropped.utterance == utterance:
                self._dropped.events.append(event)
            return []
        ov = self._overlap
        if ov is None or ov.passthrough:
            return [Forward((event,))]
        if utterance and utterance not in ov.utterances:
            started = self._utt_started.get(utterance)
            if started is not None and started < ov.started_at - _FOREIGN_MARGIN_S:
                # the patient's earlier turn running on: it reaches the framework, which will
                # interrupt the agent for it, so the overlap counts as a real interruption
                if final and text.strip() and self.preset.barge_in:
                    return [*self._apply(ov, "interruption", now), Forward((event,))]
                return [Forward((event,))]
            ov.utterances.add(utterance)
        ov.held.append(event)
        if final and ov.by_stt and ov.ended_at is None:
            ov.ended_at = now  # no VAD end will come: the STT's final closes the utterance
        if final:
            ov.finals = f"{ov.finals} {text}".strip()
            ov.interim = ""
            ov.interim_rough = False
            if ov.ended_at is not None:
                ov.final_after_end = True
        elif text:
            ov.interim = text
            ov.interim_rough = rough
        return self._decide(now, speech_over=ov.ended_at is not None and final)

    def on_user_speech_end(self, now: float) -> list[Effect[E]]:
        ov = self._overlap
        if ov is None or ov.passthrough:
            return []
        ov.ended_at = now
        effects = self._decide(now, speech_over=True)
        unsettled = ov.verdict in ("undecided", "backchannel", "noise")
        if self.preset.barge_in and self._overlap is ov and unsettled:
            # give the STT its chance to deliver (or revise) the words before we settle
            effects.append(CheckAfter(self.preset.noise_wait_s))
        return effects

    def on_timer(self, now: float) -> list[Effect[E]]:
        ov = self._overlap
        if ov is None or ov.ended_at is None or not self.preset.barge_in:
            return []
        if now - ov.ended_at < self.preset.noise_wait_s - 1e-6:
            return []
        effects: list[Effect[E]] = []
        if ov.verdict == "undecided":
            duration = ov.ended_at - ov.started_at
            words = ov.decisive_words(duration, self.preset)
            verdict = classify_overlap(
                words, duration, ov.peak_dbfs, final=True, preset=self.preset
            )
            effects += self._apply(ov, verdict, now)
        if self._overlap is ov:
            if self._stt_pending(ov) and now - ov.ended_at < self.preset.stt_wait_max_s:
                # resumed on a guess; the STT is still transcribing this speech: its words
                # may yet turn it into a real interruption (or confirm the backchannel)
                effects.append(CheckAfter(_RECHECK_S))
            else:
                effects += self._settle(now)
        return effects

    def on_agent_speech_done(
        self, now: float, *, interrupted: bool, ended_with_question: bool
    ) -> list[Effect[E]]:
        """The agent's reply finished playing (or was stopped)."""
        ov = self._overlap
        asked = ended_with_question and not interrupted
        if ov is not None:
            if not self.preset.barge_in:
                return self._release_after_reply(ov, now, asked)
            if ov.verdict == "interruption":
                self._overlap = None  # its events already went through
                return []
            # late barge-in: the words still decide, but an "okay" now answers the question
            ov.agent_done_at = now
            ov.agent_asked = asked
            if ov.verdict == "backchannel" and asked:
                self._overlap = None
                self.verdicts.append(("backchannel", ov.words))
                return [Forward(tuple(ov.held))] if ov.held else []
            return []
        dropped = self._dropped
        if (
            dropped is not None
            and asked
            and now - dropped.ended_at <= self.preset.late_answer_window_s
        ):
            # "okay" just before the end of "shall I book it?" answers the question
            self._dropped = None
            if dropped.utterance in self._dropped_utts:
                self._dropped_utts.remove(dropped.utterance)
            return [Forward(tuple(dropped.events))]
        return []

    def _release_after_reply(self, ov: _Overlap[E], now: float, asked: bool) -> list[Effect[E]]:
        """turn_by_turn: the reply is over; what the patient said meanwhile is the next turn."""
        self._overlap = None
        final = ov.ended_at is not None
        verdict = classify_overlap(
            ov.words,
            (ov.ended_at or now) - ov.started_at,
            ov.peak_dbfs,
            final=final,
            preset=self.preset,
        )
        if verdict == "undecided":
            verdict = "interruption" if ov.words or not final else "noise"
        self.verdicts.append((verdict, ov.words))
        keep = verdict == "interruption" or (verdict == "backchannel" and asked)
        if not keep:
            return []
        if not final:
            # still talking: the rest of this utterance flows straight through
            self._overlap = _Overlap(
                started_at=ov.started_at,
                verdict="interruption",
                utterances=ov.utterances,
                passthrough=True,
            )
        return [Forward(tuple(ov.held))] if ov.held else []

    # endregion

    def _decide(self, now: float, *, speech_over: bool) -> list[Effect[E]]:
        ov = self._overlap
        assert ov is not None
        duration = (ov.ended_at or now) - ov.started_at
        words = ov.decisive_words(duration, self.preset)
        verdict = classify_overlap(
            words, duration, ov.peak_dbfs, final=speech_over, preset=self.preset
        )
        if verdict == "noise" and speech_over and not words and not ov.final_after_end:
            verdict = "undecided"  # the STT may not have spoken yet: wait for on_timer
        return self._apply(ov, verdict, now)

    def _apply(self, ov: _Overlap[E], verdict: OverlapKind, now: float) -> list[Effect[E]]:
        if verdict == "undecided" or verdict == ov.verdict:
            if verdict in ("backchannel", "noise") and ov.final_after_end:
                return self._settle(now)
            return []
        ov.verdict = verdict
        latency = now - ov.started_at
        if verdict == "interruption":
            if not self.preset.barge_in:
                return []  # turn_by_turn: held until the agent finishes
            ov.passthrough = True  # stays open: the rest of this utterance passes through
            held, ov.held = tuple(ov.held), []
            self.verdicts.append(("interruption", ov.words))
            return (
                [Interrupt("speech", latency), Forward(held)]
                if held
                else [Interrupt("speech", latency)]
            )
        effects: list[Effect[E]] = []
        if self.preset.barge_in and not ov.resumed:
            ov.resumed = True
            if not ov.by_stt:  # nothing to resume when our VAD never paused the agent
                effects.append(Resume(verdict, latency))
        if ov.final_after_end:
            effects += self._settle(now)
        return effects

    def _settle(self, now: float) -> list[Effect[E]]:
        """Close the overlap; a backchannel/noise is dropped (kept aside for a late answer)."""
        ov = self._overlap
        if ov is None or not self.preset.barge_in:
            return []  # turn_by_turn: only the end of the agent's reply closes it
        self._overlap = None
        if ov.verdict == "interruption":
            held = tuple(ov.held)
            return [Forward(held)] if held else []
        if ov.verdict == "undecided":
            ov.verdict = "noise" if not ov.words else "interruption"
            if ov.verdict == "interruption":
                self.verdicts.append(("interruption", ov.words))
                return [Forward(tuple(ov.held))]
        self.verdicts.append((ov.verdict, ov.words))
        self._tail = ov
        if ov.verdict == "backchannel" and ov.agent_asked:
            return [Forward(tuple(ov.held))] if ov.held else []  # it answered the question
        utterance = next(iter(ov.utterances), "") if len(ov.utterances) == 1 else ""
        if ov.verdict == "backchannel" or is_backchannel(ov.words):
            self._dropped = _Dropped(list(ov.held), ov.ended_at or now, ov.words, utterance)
        for utt in ov.utterances:
            self._dropped_utts.append(utt)
        del self._dropped_utts[:-_REMEMBERED_UTTERANCES]
        return []
