"""Spoken numbers to digits: "nineteen eighty five" -> "1985", "March third" -> "March 3rd".

Runs of number words become digit tokens; separate spoken numbers stay separate
("nine thirty" -> "9 30", "five five five" -> "5 5 5") so time and phone patterns can
read them. Years are recognised from the way people say them (19xx/20xx pairs and
"two thousand one").
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINAL_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
ORDINALS = {
    **ORDINAL_UNITS,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ZERO_WORDS = {"oh", "o"}
_SCALES = {"hundred", "thousand"}
# "one" after these is a pronoun ("the first one", "that one"), not a number.
_PRONOUN_ONE_BEFORE = {
    "the", "that", "this", "which", "earlier", "later", "earliest", "latest", "last",
    "any", "each", "other", "next", "another", "no", "a", "every", "some", "same",
    "better", "good", "second", "third", "first", "closest", "nearest", "soonest",
}  # fmt: skip

_NUMBER_WORDS = set(UNITS) | set(TEENS) | set(TENS) | set(ORDINALS) | _SCALES
_WORD = r"(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_RUN = re.compile(
    rf"(?<![\w'])(?:(?:oh|o) (?={_WORD}))?{_WORD}"
    rf"(?:[ -]+(?:{_WORD}|oh|o|and(?=[ -]+{_WORD}))(?![\w']))*(?![\w'])"
)


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _below_hundred(words: list[str], i: int) -> tuple[int, int, bool] | None:
    """Parse 0-99 at words[i]: (value, next index, is_ordinal)."""
    w = words[i]
    if w in TENS:
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in UNITS and UNITS[nxt] > 0:
            return TENS[w] + UNITS[nxt], i + 2, False
        if nxt in ORDINAL_UNITS:
            return TENS[w] + ORDINAL_UNITS[nxt], i + 2, True
        return TENS[w], i + 1, False
    if w in TEENS:
        return TEENS[w], i + 1, False
    if w in UNITS:
        return UNITS[w], i + 1, False
    if w in ORDINALS:
        return ORDINALS[w], i + 1, True
    return None


def _year(words: list[str], i: int) -> tuple[int, int] | None:
    """'nineteen eighty five' / 'twenty oh five' / 'twenty twenty six' -> (year, next)."""
    w = words[i]
    if w not in ("nineteen", "twenty") or i + 1 >= len(words):
        return None
    century = 1900 if w == "nineteen" else 2000
    nxt = words[i + 1]
    if nxt in TENS:
        parsed = _below_hundred(words, i + 1)
        if parsed and not parsed[2]:
            return century + parsed[0], parsed[1]
    if nxt in TEENS:
        return century + TEENS[nxt], i + 2
    if nxt in _ZERO_WORDS and i + 2 < len(words) and words[i + 2] in UNITS:
        return century + UNITS[words[i + 2]], i + 3
    return None


def _cardinal(words: list[str], i: int) -> tuple[int, int, bool] | None:
    """Cardinal with hundreds/thousands: 'two thousand and one' -> 2001."""
    first = _below_hundred(words, i)
    if first is None:
        return None
    value, j, is_ord = first
    if is_ord:
        return value, j, True
    total = 0
    if j < len(words) and words[j] == "hundred":
        value *= 100
        j += 1
        if j < len(words) and words[j] == "and":
            j += 1
        rest = _below_hundred(words, j) if j < len(words) else None
        if rest:
            value += rest[0]
            j = rest[1]
            if rest[2]:
                return value, j, True
    if j < len(words) and words[j] == "thousand":
        total = value * 1000
        j += 1
        if j < len(words) and words[j] == "and":
            j += 1
        rest = _cardinal(words, j) if j < len(words) else None
        if rest and rest[0] < 1000:
            return total + rest[0], rest[1], rest[2]
        return total, j, False
    return value, j, False


def _convert_run(words: list[str], before: str) -> list[str]:
    out: list[str] = []
    i = 0
    prev_word = before
    while i < len(words):
        w = words[i]
        if w == "one" and (prev_word in _PRONOUN_ONE_BEFORE or (out and out[-1][-2:].isalpha())):
            out.append("one")
            prev_word, i = w, i + 1
            continue
        if w in _ZERO_WORDS:
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if nxt in UNITS and (not out or (out[-1].isdigit() and int(out[-1]) <= 12)):
                out.append(f"0{UNITS[nxt]}")  # "ten oh five" -> 10 05
                prev_word, i = nxt, i + 2
                continue
            out.append("0")
            prev_word, i = w, i + 1
            continue
        if w == "and":
            out.append("and")
            prev_word, i = w, i + 1
            continue
        year = _year(words, i)
        if year:
            out.append(str(year[0]))
            prev_word, i = words[year[1] - 1], year[1]
            continue
        card = _cardinal(words, i)
        if card is None:  # a bare scale word ("hundred")
            out.append(w)
            prev_word, i = w, i + 1
            continue
        value, j, is_ord = card
        out.append(ordinal_suffix(value) if is_ord else str(value))
        prev_word, i = words[j - 1], j
    return out


def words_to_digits(text: str) -> str:
    """Replace every run of number words in a cleaned, lower-case text with digits."""

    def repl(m: re.Match[str]) -> str:
        before = text[: m.start()].split()
        words = re.split(r"[ -]+", m.group(0))
        if len(words) == 1 and words[0] in _ZERO_WORDS:
            return m.group(0)
        return " ".join(_convert_run(words, before[-1] if before else ""))

    converted = _RUN.sub(repl, text)
    # Digit ordinals written by STT ("5th") and by us ("5th") look the same from here on.
    return converted


def parse_int(token: str) -> int | None:
    """'12' -> 12, 'twelve' -> 12; anything else -> None."""
    if token.isdigit():
        return int(token)
    words = token.split()
    card = _cardinal(words, 0) if words else None
    if card and card[1] == len(words):
        return card[0]
    return None
