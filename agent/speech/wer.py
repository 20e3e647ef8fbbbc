"""Word error rate with a text normaliser for clinic speech ("March 5th, 1984" == "march fifth
nineteen eighty four"). Used by the speech tests and `bench/speech.py`.

Everything is brought to spoken words: digits become words (years in pairs, phone numbers
digit by digit), ordinals become words, "Dr." becomes "doctor"; fillers (uh, um) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_WORDS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
_FILLERS = frozenset({"uh", "um", "er", "ah", "hmm", "o'clock"})
_TIME_LEAD = frozenset({"at", "around", "by", "until", "after", "before"})
_REPLACE = (
    (re.compile(r"\bdr\.?(?=\s|$)"), "doctor"),
    (re.compile(r"\bnp\b"), "n p"),
    (re.compile(r"\ba\.m\.?|\bam\b(?=[\s.,!?]|$)"), " am "),
    (re.compile(r"\bp\.m\.?|\bpm\b"), " pm "),
    (re.compile(r"\bok\b"), "okay"),
    (re.compile(r"\bcheck[- ]up\b"), "checkup"),
    (re.compile(r"\bfollow-?up\b"), "follow up"),
    (re.compile(r"&"), " and "),
)


def number_words(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return [_ONES[hundreds], "hundred"] + (number_words(rest) if rest else [])
    thousands, rest = divmod(n, 1000)
    return number_words(thousands) + ["thousand"] + (number_words(rest) if rest else [])


def _year_words(n: int) -> list[str]:
    high, low = divmod(n, 100)
    if n % 1000 < 10 and n >= 2000:
        return number_words(n)  # 2005 -> two thousand five
    if low == 0:
        return [*number_words(high), "hundred"]
    return number_words(high) + (["oh"] if low < 10 else []) + number_words(low)


def _ordinal(words: list[str]) -> list[str]:
    last = words[-1]
    if last in _ORDINAL_WORDS:
        return [*words[:-1], _ORDINAL_WORDS[last]]
    if last.endswith("y"):
        return [*words[:-1], last[:-1] + "ieth"]
    return [*words[:-1], last + "th"]


def _digits_to_words(token: str) -> list[str]:
    if re.fullmatch(r"\d+(st|nd|rd|th)", token):
        return _ordinal(number_words(int(re.sub(r"\D", "", token))))
    if re.fullmatch(r"\d{1,2}:\d{2}", token):
        hour, minute = (int(x) for x in token.split(":"))
        out = number_words(hour)
        if minute:
            out += (["oh"] if minute < 10 else []) + number_words(minute)
        return out
    if re.fullmatch(r"\d+(-\d+)+", token) or re.fullmatch(r"\d{5,}", token):
        return [_ONES[int(d)] for d in re.sub(r"\D", "", token)]
    if re.fullmatch(r"\d{4}", token) and 1100 <= int(token) <= 2099:
        return _year_words(int(token))
    if re.fullmatch(r"\d+", token):
        return number_words(int(token))
    return [token]


def normalize_words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    for pattern, repl in _REPLACE:
        text = pattern.sub(repl, text)
    text = re.sub(r"\$(\d+)", r"\1 dollars", text)
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    out: list[str] = []
    for raw in re.findall(r"[a-z0-9'$:-]+", text):
        token = raw.strip("'-:")
        if not token:
            continue
        if re.fullmatch(r"\d{1,2}", token) and out and out[-1] in _MONTHS:
            out.extend(_ordinal(number_words(int(token))))  # "March 5" is said "March fifth"
        elif (
            re.fullmatch(r"\d{3,4}", token)
            and out
            and out[-1] in _TIME_LEAD
            and int(token[-2:]) < 60
            and 0 < int(token[:-2]) <= 12
        ):
            out.extend(_digits_to_words(f"{token[:-2]}:{token[-2:]}"))  # "at 845" = 8:45
        elif re.search(r"\d", token):
            out.extend(_digits_to_words(token))
        else:
            out.extend(t for t in token.split("-") if t)
    # "oh" and "zero" are the same digit in phone numbers and times.
    return ["zero" if w == "oh" else w for w in out if w not in _FILLERS]


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(errors, reference word count) after normalisation."""
    ref, hyp = normalize_words(reference), normalize_words(hypothesis)
    return edit_distance(ref, hyp), len(ref)


def wer(pairs: Sequence[tuple[str, str]]) -> float:
    """Corpus WER over (reference, hypothesis) pairs."""
    errors = total = 0
    for ref, hyp in pairs:
        e, n = word_errors(ref, hyp)
        errors += e
        total += n
    return errors / max(1, total)
