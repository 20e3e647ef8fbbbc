"""Clinic facts (hours, providers, visit types, copays) loaded from an editable YAML file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CLINIC_CONFIG = Path(__file__).with_name("clinic.yaml")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TITLE_WORDS = {"dr", "doctor", "doc", "nurse", "practitioner", "np", "with", "the", "see"}


class ClinicConfigError(ValueError):
    """The clinic file is missing something or has a value we cannot read."""


@dataclass(frozen=True)
class OpenHours:
    opens: time
    closes: time


Week = Mapping[int, OpenHours | None]  # weekday (Monday=0) -> hours, None when closed


@dataclass(frozen=True)
class VisitType:
    name: str
    minutes: int
    copay: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    id: str
    name: str  # "Ana Patel": what scenarios and staff screens use
    title: str  # "Dr." or "NP"
    specialty: str
    visit_types: tuple[str, ...]
    hours: Week
    aliases: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """Written form: "Dr. Ana Patel", "Lee Chen, NP"."""
        if self.title.lower().startswith("dr"):
            return f"{self.title} {self.name}"
        return f"{self.name}, {self.title}" if self.title else self.name

    @property
    def spoken_name(self) -> str:
        """Spoken form: "Doctor Patel", "Lee Chen"."""
        if self.title.lower().startswith("dr"):
            return f"Doctor {self.name.split()[-1]}"
        return self.name

    def offers(self, visit_type: str) -> bool:
        return visit_type in self.visit_types

    def hours_on(self, day: date) -> OpenHours | None:
        return self.hours.get(day.weekday())


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    address: str
    phone: str | None
    transfer_number: str | None
    timezone: str | None
    record_calls: bool
    slot_minutes: int
    parking: str
    hours: Week
    insurance: tuple[str, ...]
    visit_types: tuple[VisitType, ...]
    providers: tuple[Provider, ...]
    source: Path | None = field(default=None, compare=False)

    def hours_on(self, day: date) -> OpenHours | None:
        return self.hours.get(day.weekday())

    def hours_text(self) -> str:
        """Hours as a sentence: "Monday to Friday 8 AM to 5 PM, Saturday 9 AM to noon, ..."."""
        groups: list[tuple[int, int, OpenHours | None]] = []
        for wd in range(7):
            h = self.hours.get(wd)
            if groups and groups[-1][2] == h:
                groups[-1] = (groups[-1][0], wd, h)
            else:
                groups.append((wd, wd, h))
        parts = []
        for first, last, h in groups:
            days = WEEKDAYS[first].title()
            if last != first:
                days += f" to {WEEKDAYS[last].title()}"
            if h is None:
                parts.append(f"closed {days}")
            else:
                parts.append(f"{days} {spoken_time(h.opens)} to {spoken_time(h.closes)}")
        return ", ".join(parts)

    def provider(self, provider_id: str) -> Provider:
        for p in self.providers:
            if p.id == provider_id:
                return p
        raise KeyError(provider_id)

    def visit_type(self, name: str) -> VisitType:
        for v in self.visit_types:
            if v.name == name:
                return v
        raise KeyError(name)

    def copay_for(self, visit_type: str) -> int:
        return self.visit_type(visit_type).copay

    def find_provider(self, text: str) -> Provider | None:
        """Resolve a spoken provider: "Patel", "Doctor Patel", "Dr. Okafor", "Lee Chen"."""
        words = [w for w in _words(text) if w not in _TITLE_WORDS]
        if not words and _words(text):
            words = _words(text)  # "the NP" -> keep "np" so aliases can match it
        if not words:
            return None
        phrase = " ".join(words)
        for p in self.providers:
            if phrase in (" ".join(_words(p.name)), p.id) or phrase in map(_norm, p.aliases):
                return p
        for p in self.providers:
            if set(words) & set(_words(p.name)):
                return p
        for p in self.providers:
            if any(_norm(a) in phrase for a in p.aliases):
                return p
        return None

    def find_visit_type(self, text: str) -> VisitType | None:
        """Resolve a visit type from its name or an alias ("flu shot" -> vaccination)."""
        phrase = _norm(text)
        if not phrase:
            return None
        for v in self.visit_types:
            if phrase == _norm(v.name) or phrase in map(_norm, v.aliases):
                return v
        # Longest name or alias contained in the phrase wins ("new patient checkup" -> new patient).
        best: tuple[int, VisitType] | None = None
        for v in self.visit_types:
            for term in (v.name, *v.aliases):
                t = _norm(term)
                if t and re.search(rf"\b{re.escape(t)}\b", phrase):
                    if best is None or len(t) > best[0]:
                        best = (len(t), v)
        return best[1] if best else None


def spoken_time(t: time) -> str:
    if t == time(12, 0):
        return "noon"
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def load_clinic(path: Path | None = None) -> ClinicInfo:
    """Read and validate a clinic file; errors name the file and the field."""
    path = Path(path) if path else DEFAULT_CLINIC_CONFIG
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as e:
        raise ClinicConfigError(f"cannot read clinic file {path}: {e}") from e
    except yaml.YAMLError as e:
        raise ClinicConfigError(f"clinic file {path} is not valid YAML: {e}") from e
    if not isinstance(raw, dict):
        raise ClinicConfigError(f"clinic file {path} must be a mapping")
    try:
        return _parse(raw, path)
    except (KeyError, TypeError, ValueError) as e:
        raise ClinicConfigError(f"clinic file {path}: {e}") from e


def _parse(raw: dict[str, Any], path: Path) -> ClinicInfo:
    slot_minutes = int(raw.get("slot_minutes", 15))
    if slot_minutes <= 0 or 60 % slot_minutes:
        raise ValueError("slot_minutes must divide 60")
    hours = _week(_required(raw, "hours"), "hours")
    visit_types = tuple(
        VisitType(
            name=str(_required(v, "name")),
            minutes=int(_required(v, "minutes")),
            copay=int(v.get("copay", 0)),
            aliases=tuple(str(a) for a in v.get("aliases") or ()),
        )
        for v in _required(raw, "visit_types")
    )
    for v in visit_types:
        if v.minutes <= 0 or v.minutes % slot_minutes:
            raise ValueError(f"visit type {v.name!r}: minutes must be a multiple of {slot_minutes}")
    names = {v.name for v in visit_types}
    providers = []
    for p in _required(raw, "providers"):
        offered = tuple(str(x) for x in _required(p, "visit_types"))
        unknown = [x for x in offered if x not in names]
        if unknown:
            raise ValueError(f"provider {p.get('id')!r} offers unknown visit types {unknown}")
        providers.append(
            Provider(
                id=str(_required(p, "id")),
                name=str(_required(p, "name")),
                title=str(p.get("title", "")),
                specialty=str(p.get("specialty", "")),
                visit_types=offered,
                hours=_week(p["hours"], f"provider {p['id']} hours") if p.get("hours") else hours,
                aliases=tuple(str(a) for a in p.get("aliases") or ()),
            )
        )
    if len({p.id for p in providers}) != len(providers):
        raise ValueError("provider ids must be unique")
    return ClinicInfo(
        name=str(_required(raw, "name")),
        address=str(_required(raw, "address")),
        phone=_opt_str(raw.get("phone")),
        transfer_number=_opt_str(raw.get("transfer_number")),
        timezone=_opt_str(raw.get("timezone")),
        record_calls=bool(raw.get("record_calls", True)),
        slot_minutes=slot_minutes,
        parking=str(raw.get("parking", "")),
        hours=hours,
        insurance=tuple(str(i) for i in raw.get("insurance") or ()),
        visit_types=visit_types,
        providers=tuple(providers),
        source=path,
    )


def _week(raw: Mapping[str, Any], where: str) -> dict[int, OpenHours | None]:
    week: dict[int, OpenHours | None] = {}
    for i, day in enumerate(WEEKDAYS):
        value = raw.get(day, "closed")
        if value is None or str(value).strip().lower() == "closed":
            week[i] = None
            continue
        m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", str(value))
        if not m:
            raise ValueError(f"{where}.{day}: expected 'HH:MM-HH:MM' or 'closed', got {value!r}")
        opens, closes = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))
        if closes <= opens:
            raise ValueError(f"{where}.{day}: closing time must be after opening time")
        week[i] = OpenHours(opens, closes)
    return week


def _required(raw: Mapping[str, Any], key: str) -> Any:
    if key not in raw or raw[key] is None:
        raise ValueError(f"missing field {key!r}")
    return raw[key]


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _words(text: str) -> list[str]:
    return _norm(text).split()


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "")))
