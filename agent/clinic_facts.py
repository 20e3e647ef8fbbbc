"""Short spoken answers about the clinic (hours, address, parking, copays, insurance, providers).

Answers come from the clinic's own data (`booking.ClinicInfo`), never from templates with
numbers typed in, so a clinic that edits its file gets correct answers.
"""

from __future__ import annotations

from datetime import date

from agent.speakable import join_and, say_time
from booking.clinic import WEEKDAYS, ClinicInfo

TOPICS = ("hours", "address", "parking", "copay", "insurance", "providers", "phone")


def answer(
    topic: str,
    clinic: ClinicInfo,
    *,
    visit_type: str | None = None,
    day: date | None = None,
    insurer: str | None = None,
) -> str:
    """One or two short sentences answering `topic`; unknown topics get an honest fallback."""
    topic = topic.lower().strip()
    if topic in ("hours", "open", "opening hours"):
        return _hours(clinic, day)
    if topic in ("address", "location", "where"):
        return f"We're at {clinic.address}."
    if topic == "parking":
        return clinic.parking or "Sorry, I don't have parking information."
    if topic in ("copay", "price", "cost"):
        return _copay(clinic, visit_type)
    if topic == "insurance":
        return _insurance(clinic, insurer)
    if topic in ("providers", "doctors"):
        names = [f"{p.display_name}, {p.specialty}" for p in clinic.providers]
        return f"Our providers are {join_and(names)}."
    if topic == "phone" and clinic.phone:
        return f"Our phone number is {clinic.phone}."
    return "Sorry, I don't have that information, but our staff can help."


def _hours(clinic: ClinicInfo, day: date | None) -> str:
    if day is None:
        return f"We're open {clinic.hours_text()}."
    weekday = WEEKDAYS[day.weekday()].title()
    hours = clinic.hours_on(day)
    if hours is None:
        return f"We're closed on {weekday}s."
    return f"On {weekday}s we're open from {say_time(hours.opens)} to {say_time(hours.closes)}."


def _copay(clinic: ClinicInfo, visit_type: str | None) -> str:
    if visit_type is not None:
        try:
            copay = clinic.copay_for(visit_type)
        except KeyError:
            copay = None
        if copay is not None:
            label = visit_type if visit_type.endswith("visit") else f"{visit_type} visit"
            if copay == 0:
                return f"There's no copay for a {label}."
            return f"The copay for a {label} is ${copay}."
    by_amount: dict[int, list[str]] = {}
    for v in clinic.visit_types:
        by_amount.setdefault(v.copay, []).append(v.name)
    parts = [
        f"${amount} for {join_and(names)} visits" if amount else f"nothing for {join_and(names)}"
        for amount, names in sorted(by_amount.items(), reverse=True)
    ]
    return f"Copays are {join_and(parts)}."


def _insurance(clinic: ClinicInfo, insurer: str | None) -> str:
    accepted = list(clinic.insurance)
    if insurer:
        for name in accepted:
            if name.lower() in insurer.lower() or insurer.lower() in name.lower():
                return f"Yes, we accept {name}."
        return f"We take {join_and(accepted)}. Please check with your insurer about others."
    return f"We accept {join_and(accepted)}."
