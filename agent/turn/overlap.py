"""What was the patient's speech over the agent: backchannel, noise, or a real interruption?"""

from __future__ import annotations

from typing import Literal

from .lexicon import (
    content_words,
    has_stop_cue,
    is_backchannel_words,
    is_garbled_backchannel,
    normalize,
)
from .presets import PRESETS, TurnPreset

OverlapKind = Literal["backchannel", "noise", "interruption", "undecided"]

# Longer than any backchannel: words heard over this much speech are someone talking to us.
_LONG_SPEECH_S = 2.5


def classify_overlap(
    words: str | list[str],
    duration_s: float,
    energy_dbfs: float | None = None,
    *,
    final: bool = False,
    preset: TurnPreset | None = None,
) -> OverlapKind:
    """Classify speech heard while the agent talks.

    `words`: the transcript so far (interim or final) or its tokens; `duration_s`: speech time
    since onset; `energy_dbfs`: loudest frame level of the overlap (None: unknown);
    `final`: the transcript is the whole utterance (final transcript or speech has ended).
    """
    p = preset or PRESETS["natural"]
    tokens = normalize(words) if isinstance(words, str) else [w.lower() for w in words]

    if energy_dbfs is not None and energy_dbfs < p.min_energy_dbfs and not has_stop_cue(tokens):
        # too quiet to be the patient talking to us (TV, a voice across the room)
        return "noise" if final else "undecided"

    if not tokens:
        return "noise" if final else "undecided"

    content = content_words(tokens)
    if is_backchannel_words(tokens):
        if final:
            if duration_s > p.backchannel_max_s and len(tokens) > 2:
                return "interruption"  # "okay okay yeah right ..." for seconds: they want the floor
            return "backchannel"
        return "undecided"  # "okay" may still become "okay, but ..."

    cue = has_stop_cue(tokens)
    if (
        p.verify in ("lexicon", "two_words")
        and is_garbled_backchannel(tokens)
        and duration_s <= p.backchannel_max_s
    ):
        # "sure kare": a backchannel the STT garbled; a real correction names something
        return "backchannel" if final else "undecided"
    if final and not content and not cue:
        # only glue words ("A.", "the"): whisper's spelling of a hum ("uh-huh" -> "A.")
        return "noise"
    if p.verify == "one_word":
        return "interruption"  # one non-backchannel word is enough
    if p.verify == "two_words":
        if len(content) >= 2 or (cue and len(tokens) >= 2):
            return "interruption"
        if final and (len(content) >= 2 or duration_s >= p.backchannel_max_s):
            return "interruption"
        return "noise" if final else "undecided"
    # lexicon (natural) and none (turn_by_turn only needs the backchannel verdict)
    if cue or len(content) >= 2 or final or duration_s >= _LONG_SPEECH_S:
        return "interruption"
    return "undecided"
