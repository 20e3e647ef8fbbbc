"""Checks a finished call against a scenario's `expect` block. Shared by every mode."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from booking import Appointment, BookingService
from sim.scenario import UNKNOWN_CALLER, Expect

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class CallOutcome:
    """What a mode observed: the agent's speech (as heard), transfer, holds after the call."""

    agent_lines: list[str]
    transferred: bool
    holds_left: int
    preexisting_ids: frozenset[str] = field(default_factory=frozenset)


def _norm_name(name: str) -> str:
    return " ".join(re.findall(r"[a-z]+", name.lower()))


def part_of_day(t: time) -> str:
    if t < time(12, 0):
        return "morning"
    if t < time(17, 0):
        return "afternoon"
    return "evening"


async def check(expect: Expect, booking: BookingService, outcome: CallOutcome) -> list[str]:
    """Failures as readable sentences; empty when the call met every expectation."""
    failures: list[str] = []
    if expect.appointment is not None:
        failures += await _check_appointment(expect, booking, outcome)
    if expect.holds_left is not None and outcome.holds_left != expect.holds_left:
        failures.append(f"holds_left: expected {expect.holds_left}, got {outcome.holds_left}")
    speech = " ".join(outcome.agent_lines).lower()
    if expect.agent_said_any and not any(s.lower() in speech for s in expect.agent_said_any):
        failures.append(f"agent_said_any: none of {list(expect.agent_said_any)} was said")
    for s in expect.agent_said_all:
        if s.lower() not in speech:
            failures.append(f"agent_said_all: {s!r} was not said")
    for s in expect.agent_never_said:
        if s.lower() in speech:
            failures.append(f"agent_never_said: {s!r} was said")
    if expect.transferred is not None and outcome.transferred != expect.transferred:
        failures.append(f"transferred: expected {expect.transferred}, got {outcome.transferred}")
    return failures


async def _check_appointment(
    expect: Expect, booking: BookingService, outcome: CallOutcome
) -> list[str]:
    assert expect.appointment is not None
    want = expect.appointment
    every = await booking.list_appointments(include_cancelled=True)
    if _norm_name(want.patient) == UNKNOWN_CALLER:
        new = [a for a in every if a.id not in outcome.preexisting_ids]
        if want.status == "none" and new:
            return [f"appointment: expected none created, got {_desc(new)}"]
        return []
    mine = [a for a in every if _norm_name(a.patient_name) == _norm_name(want.patient)]
    active = [a for a in mine if a.status == "confirmed"]
    if want.status == "none":
        return (
            [f"appointment: expected none for {want.patient}, got {_desc(active)}"]
            if active
            else []
        )
    if want.status == "cancelled":
        if active:
            return [f"appointment: expected cancelled, {want.patient} still has {_desc(active)}"]
        if not any(a.status == "cancelled" for a in mine):
            return [f"appointment: no cancelled appointment for {want.patient}"]
        return []
    if len(active) != 1:
        # a booking under a misheard name is the usual cause: name it
        others = [
            a
            for a in every
            if a.status == "confirmed" and a.id not in outcome.preexisting_ids and a not in mine
        ]
        made = f"; booked for others: {_desc_named(others)}" if others else ""
        return [
            f"appointment: expected exactly one confirmed for {want.patient}, "
            f"got {len(active)}: {_desc(active)}{made}"
        ]
    return _check_fields(want.fields, active[0], booking)


def _check_fields(fields: dict[str, str], a: Appointment, booking: BookingService) -> list[str]:
    failures = []
    start = a.slot.start
    for key, value in fields.items():
        v = value.strip().lower()
        if key == "date":
            ok, got = start.date().isoformat() == v, start.date().isoformat()
        elif key == "weekday":
            got = WEEKDAYS[start.weekday()]
            ok = got == v
        elif key == "time":
            got = start.strftime("%H:%M")
            ok = got == v.zfill(5)
        elif key == "part_of_day":
            got = part_of_day(start.time())
            ok = got == v
        elif key == "provider":
            p = booking.clinic.find_provider(value)
            got = a.slot.provider_name
            ok = p is not None and p.id == a.slot.provider_id
        elif key == "visit_type":
            vt = booking.clinic.find_visit_type(value)
            got = a.slot.visit_type
            ok = vt is not None and vt.name == a.slot.visit_type
        else:
            continue
        if not ok:
            failures.append(f"appointment.{key}: expected {value}, got {got}")
    return failures


def _desc(appts: list[Appointment]) -> str:
    return (
        ", ".join(
            f"{a.slot.visit_type} {a.slot.start:%a %Y-%m-%d %H:%M} {a.slot.provider_name} "
            f"({a.status})"
            for a in appts
        )
        or "none"
    )


def _desc_named(appts: list[Appointment]) -> str:
    return ", ".join(f"{a.patient_name!r}: {_desc([a])}" for a in appts)
