"""Words that decide what an overlap was: backchannels, stop cues, fillers."""

from __future__ import annotations

import re

# Said while someone else talks, meaning "go on". Only a backchannel as the WHOLE utterance.
BACKCHANNEL_PHRASES: frozenset[str] = frozenset(
    {
        "mhm",
        "mm",
        "mmm",
        "hmm",
        "mm hmm",
        "mhmm",
        "hm",
        "mmhmm",
        "mmhm",
        "uhhuh",
        "m hmm",
        "uh huh",
        "uhuh",
        "okay",
        "ok",
        "kay",
        "right",
        "yeah",
        "yep",
        "yup",
        "yes",
        "sure",
        "got it",
        "alright",
        "all right",
        "i see",
        "cool",
        "great",
        "perfect",
        "good",
        "fine",
        "uh",
        "um",
        "ah",
        "oh",
    }
)
# single tokens that may make up a backchannel ("okay okay", "yeah right", "oh okay")
_BACKCHANNEL_TOKENS: frozenset[str] = frozenset(
    w for phrase in BACKCHANNEL_PHRASES for w in phrase.split()
)

# One of these anywhere in the overlap makes it a real interruption at once.
STOP_CUES: frozenset[str] = frozenset(
    {
        "wait",
        "no",
        "nope",
        "stop",
        "sorry",
        "hold",
        "hang",
        "actually",
        "excuse",
        "pardon",
        "what",
        "huh",
        "instead",
        "cancel",
        "repeat",
        "again",
        "but",
        "not",
        "hello",
        "operator",
        "person",
        "human",
        "question",
    }
)

_SPELLINGS: dict[str, str] = {
    "uh-huh": "uh huh",
    "uh-uh": "uh uh",
    "mm-hmm": "mm hmm",
    "mm-hm": "mm hmm",
    "m-hm": "mm hmm",
    "mhmm": "mm hmm",
    "okey": "okay",
    "o.k.": "ok",
    "alrighty": "alright",
}
_NON_WORD = re.compile(r"[^a-z0-9' ]+")


# whisper spells a hummed "mhm" out letter by letter: "M. H. N.", "M-H-M", "Mm."
_HUM_LETTERS: frozenset[str] = frozenset("mhnu")


def normalize(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated backchannels ("uh-huh") become their spaced form."""
    lowered = text.lower()
    for spelled, canonical in _SPELLINGS.items():
        lowered = lowered.replace(spelled, canonical)
    lowered = _NON_WORD.sub(" ", lowered.replace("-", " "))
    words = [w.strip("'") for w in lowered.split() if w.strip("'")]
    out: list[str] = []
    run = 0  # length of the current run of hum letters
    for w in words:
        if len(w) == 1 and w in _HUM_LETTERS:
            run += 1
            if run == 2:
                out[-1] = "mhm"  # "m h ..." is a hum, not two words
            elif run == 1:
                out.append(w)
            continue
        run = 0
        out.append(w)
    return out


def is_backchannel_words(words: list[str]) -> bool:
    """True when every word belongs to a backchannel ("okay", "yeah sure", "mm hmm")."""
    if not words:
        return False
    return all(w in _BACKCHANNEL_TOKENS for w in words)


def is_backchannel(text: str) -> bool:
    """The whole utterance is a backchannel: "mhm", "uh-huh", "okay", "got it", "yeah sure"."""
    return is_backchannel_words(normalize(text))


# glue words that carry nothing on their own ("and", "the"): an STT's filler around a hum
FUNCTION_WORDS: frozenset[str] = frozenset(
    "and the a an so well then also just like is it that's this".split()
)


def content_words(words: list[str]) -> list[str]:
    """Words that are neither backchannel tokens nor glue words."""
    return [w for w in words if w not in _BACKCHANNEL_TOKENS and w not in FUNCTION_WORDS]


def has_stop_cue(words: list[str]) -> bool:
    return any(w in STOP_CUES for w in words)


# Words that carry booking meaning: one of these alone over the agent is worth stopping for.
DOMAIN_WORDS: frozenset[str] = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight week
    morning afternoon evening noon am pm o'clock oclock earlier later earliest latest first second
    third last next one two three four five six seven eight nine ten eleven twelve
    january february march april may june july august september october november december
    doctor dr patel okafor chen lee checkup check follow followup sick vaccination vaccine shot
    flu new patient appointment book booking cancel reschedule insurance copay parking address
    hours price cost name birth phone number help""".split()
)


# parts of backchannel phrases that mean nothing alone ("can I", "got to")
_WEAK_TOKENS: frozenset[str] = frozenset({"i", "see", "all", "got", "it", "uh", "um", "ah", "oh"})


def is_garbled_backchannel(words: list[str]) -> bool:
    """A backchannel word plus one stray token the STT made up ("sure kare" for "sure, got it")."""
    content = content_words(words)
    strong = [w for w in words if w in _BACKCHANNEL_TOKENS and w not in _WEAK_TOKENS]
    return (
        0 < len(words) <= 4
        and bool(strong)
        and len(content) == 1
        and len(words) > len(content)
        and content[0] not in DOMAIN_WORDS
        and content[0] not in STOP_CUES
        and not content[0].isdigit()
    )
