"""Find day mentions in a cleaned, digit-converted utterance and resolve them against `now`.

Weekday convention (documented for the dialogue team): a bare weekday ("Tuesday") and
"next <weekday>" both mean the first such day strictly after today; "this <weekday>" may be
today; "<weekday> next week" is that weekday in the following Monday-to-Sunday week.

The regexes here *find* day mentions; `dateparser` *resolves* the ones it reads the clinic's
way, against the injected clock: "today", "tomorrow", "the day after tomorrow", a weekday
alone or after "next"/"this"/"on", "in N days/weeks", and written numeric dates. What stays
hand-written is what dateparser was measured to get wrong or not read at all (README,
"Dates"): finding spans in a sentence, "the 12th" (read as December), month-name days
(today's date goes to next year; no reason for "February 30"), "Tuesday next week",
"this coming Tuesday", "the weekend" (the clinic's Saturday) and "next week".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = r"(?P<wd>" + "|".join(WEEKDAYS) + r")s?"
_DOM = r"(?P<dom>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:\s*,?\s*(?:of\s+|in\s+)?(?P<year>\d{4}|'\d{2}|\d{2}(?!\s*(?:am|pm|oclock|:|\d))))?"
_END = r"(?![\w:/])"

_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DOM}{_END}{_YEAR}{_END}")
_DAY_MONTH = re.compile(rf"\b(?:the\s+)?{_DOM}\s+(?:of\s+)?{_MONTH}(?![\w]){_YEAR}{_END}")
# "nineteen eighty five, March third": the year said first.
_YEAR_FIRST = re.compile(
    rf"\b(?P<year>(?:19|20)\d\d)\s*,?\s*(?:on\s+)?{_MONTH}\s+(?:the\s+)?{_DOM}{_END}"
)
_NUMERIC = re.compile(
    r"(?<![\d/.\-:])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})"
    r"(?:(?P=sep)(?P<y>\d{4}|\d{2}))?(?![\d/.\-:]|\.\d)"
)
# "oh three oh five nineteen eighty five" -> "03 05 1985": only read when a DOB is expected.
_SPOKEN_NUMERIC = re.compile(r"\b(?P<a>0?\d|1[0-2]) (?P<b>[0-3]?\d) (?P<y>(?:19|20)\d\d)\b")
_DOB_WORDS = re.compile(r"\b(?:born|birth|birthday|dob|birthdate)\b")
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
_ORDINAL_DOM = re.compile(
    r"(?P<prep>\b(?:on|for|by|until|till|from|before|after)\s+)?\bthe\s+(?P<dom>\d{1,2})"
    r"(?P<suf>st|nd|rd|th)\b(?!\s+(?:one|ones|option|slot|time|choice|appointment|of\b))"
)
_WEEKDAY = re.compile(
    rf"\b(?:(?P<mod>this coming|this|next|coming|upcoming|on|a week from)\s+)?{_WD}\b"
    r"(?:\s+(?P<after>next week|this week|after next|of next week|week))?"
)
_NEXT_WEEK_WD = re.compile(rf"\bnext week\s+(?:on\s+)?{_WD}\b")
_RELATIVE = re.compile(
    r"\b(?P<rel>the day after tomorrow|day after tomorrow|tomorrow|today|tonight|"
    r"this (?:morning|afternoon|evening)|right now|now|next weekend|this weekend|"
    r"(?:on |over )?the weekend|weekend)\b"
)
_WEEK = re.compile(
    r"\b(?P<which>the week after next|week after next|next week|the following week|"
    r"later this week|this week|end of the week|end of this week)\b"
)
_IN_N = re.compile(
    r"\b(?:in|within)\s+(?:about\s+)?(?P<n>\d{1,2}|a|an|one|a couple of|a couple)\s+"
    r"(?P<unit>days?|weeks?)\b|\b(?P<n2>\d{1,2}|a|one)\s+(?P<unit2>days?|weeks?)\s+from\s+"
    r"(?:today|now)\b"
)


@dataclass(frozen=True)
class DayMention:
    start: int
    end: int
    day: date | None  # None when impossible or when only a DOB without a year was heard
    kind: str  # relative | weekday | absolute
    month: int | None = None
    dom: int | None = None
    year: int | None = None  # only when the speaker said a year
    problem: str | None = None


def month_name(month: int) -> str:
    return calendar.month_name[month]


def _valid(year: int, month: int, dom: int) -> bool:
    return 1 <= month <= 12 and 1 <= dom <= calendar.monthrange(year, month)[1]


def _expand_year(text: str, today: date) -> int:
    if text.startswith("'") or len(text) == 2:
        yy = int(text.lstrip("'"))
        return 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    return int(text)


def _absolute(
    start: int, end: int, month: int, dom: int, year: int | None, today: date
) -> DayMention:
    if year is not None:
        if not _valid(year, month, dom):
            what = (
                f"{month_name(month)} {dom}, {year}"
                if month == 2 and dom == 29
                else (f"{month_name(month)} {dom}")
            )
            return DayMention(
                start, end, None, "absolute", month, dom, year, f"{what} isn't a real date"
            )
        return DayMention(start, end, date(year, month, dom), "absolute", month, dom, year)
    if not _valid(2024, month, dom):  # 2024 is a leap year: February 29 is possible
        problem = f"{month_name(month)} {dom} isn't a real date"
        return DayMention(start, end, None, "absolute", month, dom, None, problem)
    if _valid(today.year, month, dom) and 0 < (today - date(today.year, month, dom)).days <= 60:
        # A date a few weeks back is a slip, not next year: let the caller say it has passed.
        return DayMention(start, end, date(today.year, month, dom), "absolute", month, dom, None)
    for candidate_year in (today.year, today.year + 1, today.year + 2, today.year + 3):
        if _valid(candidate_year, month, dom):
            candidate = date(candidate_year, month, dom)
            if candidate >= today:
                return DayMention(start, end, candidate, "absolute", month, dom, None)
    return DayMention(start, end, None, "absolute", month, dom, None)


def next_weekday(today: date, weekday: int, *, include_today: bool) -> date:
    delta = (weekday - today.weekday()) % 7
    if delta == 0 and not include_today:
        delta = 7
    return today + timedelta(days=delta)


# Weekday modifiers dateparser reads the clinic's way; it returns nothing for "coming",
# "this coming", "a week from" and "<weekday> next week / after next" (measured).
_DATEPARSER_WEEKDAY_MODS = ("", "on", "next", "this")


def _weekday_mention(m: re.Match[str], today: date) -> DayMention:
    weekday = WEEKDAYS[m.group("wd")]
    mod = (m.groupdict().get("mod") or "").strip()
    after = (m.groupdict().get("after") or "").strip()
    if m.re is _WEEKDAY and not after and mod in _DATEPARSER_WEEKDAY_MODS:
        day = _dateparser_day(f"{mod} {m.group('wd')}".strip(), today)
        if day is not None:
            return DayMention(m.start(), m.end(), day, "weekday")
    if after in ("next week", "of next week") or m.re is _NEXT_WEEK_WD:
        monday_next = today + timedelta(days=7 - today.weekday())
        day = monday_next + timedelta(days=weekday)
    elif after == "this week":
        day = today + timedelta(days=weekday - today.weekday())
        if day < today:
            day = next_weekday(today, weekday, include_today=False)
    else:
        day = next_weekday(today, weekday, include_today=mod in ("this", "this coming"))
        if after in ("after next", "week") or mod == "a week from":
            day += timedelta(days=7)
    return DayMention(m.start(), m.end(), day, "weekday")


def _relative(m: re.Match[str], today: date) -> DayMention:
    rel = m.group("rel")
    if "weekend" in rel:
        # The clinic's weekend day is Saturday (closed Sundays); dateparser reads no weekend.
        saturday = next_weekday(today, 5, include_today=True)
        if rel.startswith("next"):
            saturday += timedelta(days=7)
        return DayMention(m.start(), m.end(), saturday, "relative")
    day = _dateparser_day(rel, today)  # today, tonight, this morning, tomorrow, ...
    if day is None:
        offset = 2 if "after tomorrow" in rel else 1 if rel == "tomorrow" else 0
        day = today + timedelta(days=offset)
    return DayMention(m.start(), m.end(), day, "relative")


def find_week(s: str, now: datetime) -> date | None:
    """First day of a week said without a day: "next week" -> next Monday, "this week" -> today."""
    m = _WEEK.search(s)
    if m is None:
        return None
    today = now.date()
    monday_next = today + timedelta(days=7 - today.weekday())
    which = m.group("which")
    if "after next" in which:
        return monday_next + timedelta(days=7)
    if "next" in which or "following" in which:
        return monday_next
    return today


def _in_n(m: re.Match[str], today: date) -> DayMention:
    raw = (m.group("n") or m.group("n2") or "1").strip()
    n = int(raw) if raw.isdigit() else 2 if "couple" in raw else 1
    unit = m.group("unit") or m.group("unit2") or "days"
    # Said to dateparser as "in N days": it reads "3 days from today" as today and gives
    # nothing for "within 2 days" or "a couple of days" (measured).
    day = _dateparser_day(f"in {n} {unit}", today)
    if day is None:
        day = today + timedelta(days=n * 7 if unit.startswith("week") else n)
    return DayMention(m.start(), m.end(), day, "relative")


def _day_of_month(m: re.Match[str], today: date, expecting: str | None) -> DayMention | None:
    dom = int(m.group("dom"))
    if not 1 <= dom <= 31:
        return None
    # "the first/second/third" alone usually picks an offered option, not a date.
    if dom <= 3 and not m.group("prep") and expecting not in ("day", "date_of_birth"):
        return None
    for months_ahead in range(0, 13):
        y, mo = divmod(today.month - 1 + months_ahead, 12)
        year, month = today.year + y, mo + 1
        if _valid(year, month, dom) and date(year, month, dom) >= today:
            return DayMention(m.start(), m.end(), date(year, month, dom), "absolute", month, dom)
    return None


@lru_cache(maxsize=1024)
def _dateparser_day(span: str, today: date) -> date | None:
    """One located relative-day span ("next tuesday", "tomorrow", "in 2 weeks") read by
    dateparser against the injected clock's day. The base is that day's noon, not the clock
    itself, so the cache (a first read costs about a millisecond) holds for the whole day;
    only the date of the answer is used."""
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "PREFER_DATES_FROM": "future",
    }
    parsed = dateparser.parse(span, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


@lru_cache(maxsize=512)
def _dateparser_mdy(text: str, base: date) -> date | None:
    """Written numeric dates, US order, through dateparser (cached: it costs milliseconds)."""
    import dateparser

    settings = {
        "DATE_ORDER": "MDY",
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future",
        "REQUIRE_PARTS": ["day", "month"],
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def _numeric(m: re.Match[str], today: date) -> DayMention | None:
    month, dom = int(m.group("a")), int(m.group("b"))
    year_text = m.group("y")
    if m.group("sep") == "." and not year_text:
        return None  # "9.30" is a time
    year = _expand_year(year_text, today) if year_text else None
    if not 1 <= month <= 12:
        return None
    if not _valid(year or 2024, month, dom):
        return _absolute(m.start(), m.end(), month, dom, year, today)
    if year is None:
        return _absolute(m.start(), m.end(), month, dom, None, today)
    parsed = _dateparser_mdy(f"{month}/{dom}/{year}", today)
    if parsed is None:
        return _absolute(m.start(), m.end(), month, dom, year, today)
    return DayMention(m.start(), m.end(), parsed, "absolute", month, dom, year)


def find_days(s: str, now: datetime, expecting: str | None = None) -> list[DayMention]:
    """All day mentions in `s` (digit-converted text), in order, without overlaps."""
    today = now.date()
    found: list[DayMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= d.start or a >= d.end for d in found)

    for m in _ISO.finditer(s):
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        found.append(_absolute(m.start(), m.end(), mo, d, y, today))
    dob_context = expecting in ("date_of_birth", "name_and_dob") or _DOB_WORDS.search(s)
    for m in _YEAR_FIRST.finditer(s):
        if free(m.start(), m.end()):
            month, dom = MONTHS[m.group("month")], int(m.group("dom"))
            found.append(_absolute(m.start(), m.end(), month, dom, int(m.group("year")), today))
    for rx in (_MONTH_DAY, _DAY_MONTH):
        for m in rx.finditer(s):
            if not free(m.start(), m.end()):
                continue
            year_text = m.group("year")
            end = m.end()
            if year_text and len(year_text) == 2 and not dob_context:
                year_text, end = None, m.start("year")  # "March 5 10" is not 2010
            year = _expand_year(year_text, today) if year_text else None
            month, dom = MONTHS[m.group("month")], int(m.group("dom"))
            found.append(_absolute(m.start(), end, month, dom, year, today))
    for m in _NUMERIC.finditer(s):
        if free(m.start(), m.end()):
            mention = _numeric(m, today)
            if mention:
                found.append(mention)
    if expecting in ("date_of_birth", "name_and_dob") or re.search(r"\b(?:born|birth|dob)\b", s):
        for m in _SPOKEN_NUMERIC.finditer(s):
            if free(m.start(), m.end()):
                month, dom, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
                found.append(_absolute(m.start(), m.end(), month, dom, year, today))
    for m in _ORDINAL_DOM.finditer(s):
        if free(m.start(), m.end()):
            mention = _day_of_month(m, today, expecting)
            if mention:
                found.append(mention)
    for m in _NEXT_WEEK_WD.finditer(s):
        if free(m.start(), m.end()):
            found.append(_weekday_mention(m, today))
    for m in _WEEKDAY.finditer(s):
        if free(m.start(), m.end()):
            found.append(_weekday_mention(m, today))
    for m in _IN_N.finditer(s):
        if free(m.start(), m.end()):
            found.append(_in_n(m, today))
    for m in _RELATIVE.finditer(s):
        if free(m.start(), m.end()) and m.group("rel") not in ("now", "right now"):
            found.append(_relative(m, today))
    found.sort(key=lambda d: d.start)
    return _merge_weekday_and_date(found, s)


def _merge_weekday_and_date(found: list[DayMention], s: str) -> list[DayMention]:
    """ "Friday the 13th", "Thursday, March 5": one day; say so when they disagree."""
    merged: list[DayMention] = []
    for mention in found:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == "weekday"
            and mention.kind == "absolute"
            and mention.year is None
            and re.fullmatch(r"[\s,]*(?:the\s*)?", s[prev.end : mention.start])
        ):
            merged.pop()
            problem = mention.problem
            if (
                mention.day is not None
                and prev.day is not None
                and (mention.day.weekday() != prev.day.weekday())
            ):
                said = calendar.day_name[prev.day.weekday()]
                actual = calendar.day_name[mention.day.weekday()]
                problem = (
                    f"{month_name(mention.day.month)} {mention.day.day} is a {actual}, not a {said}"
                )
            merged.append(
                DayMention(
                    prev.start,
                    mention.end,
                    mention.day,
                    "absolute",
                    mention.month,
                    mention.dom,
                    None,
                    problem,
                )
            )
            continue
        merged.append(mention)
    return merged


def warm() -> None:
    """Load dateparser's language data now rather than on a caller's first turn."""
    _dateparser_mdy("3/5/1985", date(2026, 1, 1))
    _dateparser_day("next tuesday", date(2026, 1, 1))
