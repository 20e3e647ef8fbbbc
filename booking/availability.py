"""Pure scheduling rules: which slots a provider's hours allow, and which 15-minute cells a
slot occupies. No I/O here; the service feeds in the cells already claimed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from booking.clinic import ClinicInfo, Provider, VisitType, spoken_time
from booking.errors import InvalidRequest, OutsideHours
from booking.models import Slot

PARTS_OF_DAY: dict[str, tuple[time, time | None]] = {
    "morning": (time(0, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "evening": (time(17, 0), None),
}

Claimed = set[tuple[str, datetime]]  # (provider_id, cell_start)


@dataclass(frozen=True)
class Window:
    """Constraints on a slot's start. `after`/`before` may be times of day or absolute datetimes."""

    part_of_day: str | None = None
    after: time | datetime | None = None
    before: time | datetime | None = None

    def __post_init__(self) -> None:
        if self.part_of_day is not None and self.part_of_day not in PARTS_OF_DAY:
            raise InvalidRequest(
                f"unknown part of day {self.part_of_day!r}",
                "Sorry, did you mean morning or afternoon?",
            )

    @property
    def is_open(self) -> bool:
        return self.part_of_day is None and self.after is None and self.before is None

    def admits(self, start: datetime) -> bool:
        if self.part_of_day is not None:
            lo, hi = PARTS_OF_DAY[self.part_of_day]
            if start.time() < lo or (hi is not None and start.time() >= hi):
                return False
        if self.after is not None and _earlier(start, self.after):
            return False
        return self.before is None or _earlier(start, self.before)

    def distance(self, start: datetime) -> float:
        """Seconds between `start` and the nearest edge of the window on that day (0 inside)."""
        lo, hi = time(0, 0), None
        if self.part_of_day is not None:
            lo, hi = PARTS_OF_DAY[self.part_of_day]
        if self.after is not None:
            lo = max(lo, _time_of(self.after))
        if self.before is not None:
            b = _time_of(self.before)
            hi = b if hi is None else min(hi, b)
        day = start.date()
        if start < datetime.combine(day, lo):
            return (datetime.combine(day, lo) - start).total_seconds()
        if hi is not None and start >= datetime.combine(day, hi):
            return (start - datetime.combine(day, hi)).total_seconds() + 1
        return 0.0


def _time_of(bound: time | datetime) -> time:
    return bound.time() if isinstance(bound, datetime) else bound


def _earlier(start: datetime, bound: time | datetime) -> bool:
    if isinstance(bound, datetime):
        return start < bound
    return start.time() < bound


def cells(start: datetime, end: datetime, step_minutes: int) -> list[datetime]:
    step = timedelta(minutes=step_minutes)
    out = []
    t = start
    while t < end:
        out.append(t)
        t += step
    return out


def provider_slots(
    clinic: ClinicInfo, provider: Provider, visit_type: VisitType, day: date
) -> Iterator[Slot]:
    """Every slot the provider's hours allow on `day`, on the clinic's slot grid."""
    hours = provider.hours_on(day)
    if hours is None or not provider.offers(visit_type.name):
        return
    step = timedelta(minutes=clinic.slot_minutes)
    length = timedelta(minutes=visit_type.minutes)
    start = datetime.combine(day, hours.opens)
    closes = datetime.combine(day, hours.closes)
    while start + length <= closes:
        yield Slot(provider.id, provider.name, visit_type.name, start, start + length)
        start += step


def free_slots(
    clinic: ClinicInfo,
    providers: Sequence[Provider],
    visit_type: VisitType,
    days: Iterable[date],
    window: Window,
    claimed: Claimed,
    not_before: datetime,
) -> Iterator[Slot]:
    """Free slots in start order (ties: provider order in the clinic file)."""
    for day in days:
        day_slots = [
            s
            for p in providers
            for s in provider_slots(clinic, p, visit_type, day)
            if s.start >= not_before and window.admits(s.start) and is_free(s, claimed, clinic)
        ]
        day_slots.sort(key=lambda s: s.start)
        yield from day_slots


def is_free(slot: Slot, claimed: Claimed, clinic: ClinicInfo) -> bool:
    return all(
        (slot.provider_id, c) not in claimed
        for c in cells(slot.start, slot.end, clinic.slot_minutes)
    )


def check_bookable(clinic: ClinicInfo, slot: Slot, now: datetime | None) -> None:
    """Raise unless `slot` is a real slot of the clinic's grid (now=None skips the past check)."""
    try:
        provider = clinic.provider(slot.provider_id)
    except KeyError:
        raise InvalidRequest(
            f"unknown provider {slot.provider_id!r}", "Sorry, I don't know that provider."
        ) from None
    try:
        vt = clinic.visit_type(slot.visit_type)
    except KeyError:
        raise InvalidRequest(
            f"unknown visit type {slot.visit_type!r}", "Sorry, I don't know that kind of visit."
        ) from None
    if not provider.offers(vt.name):
        raise InvalidRequest(
            f"{provider.id} does not offer {vt.name}",
            f"{provider.spoken_name} doesn't do {vt.name} appointments.",
        )
    if slot.end - slot.start != timedelta(minutes=vt.minutes):
        raise InvalidRequest(
            f"a {vt.name} lasts {vt.minutes} minutes, slot is {slot.end - slot.start}",
            f"A {vt.name} takes {vt.minutes} minutes.",
        )
    if slot.start.second or slot.start.microsecond or slot.start.minute % clinic.slot_minutes:
        raise InvalidRequest(
            f"{slot.start} is not on the {clinic.slot_minutes}-minute grid",
            f"Appointments start every {clinic.slot_minutes} minutes.",
        )
    if now is not None and slot.start < now:
        raise InvalidRequest(f"{slot.start} is in the past", "That time has already passed.")
    hours = provider.hours_on(slot.start.date())
    if hours is None:
        day = slot.start.strftime("%A")
        raise OutsideHours(f"{provider.id} does not work on {day}s", f"We're closed on {day}s.")
    opens = datetime.combine(slot.start.date(), hours.opens)
    closes = datetime.combine(slot.start.date(), hours.closes)
    if slot.start < opens or slot.end > closes:
        raise OutsideHours(
            f"{slot.start:%H:%M}-{slot.end:%H:%M} is outside {hours.opens}-{hours.closes}",
            f"That day we're open from {spoken_time(hours.opens)} to {spoken_time(hours.closes)}.",
        )


def nothing_note(
    clinic: ClinicInfo,
    providers: Sequence[Provider],
    days: Sequence[date],
    window: Window,
    today: date,
) -> str:
    """A short spoken reason for an empty search."""
    if all(d < today for d in days):
        return "That day has already passed."
    open_days = [d for d in days if any(p.hours_on(d) for p in providers)]
    if not open_days:
        if len(days) == 1 and clinic.hours_on(days[0]) is None:
            return f"We're closed on {days[0]:%A}s."
        return "There are no appointments on those days."
    if len(days) == 1:
        hours = clinic.hours_on(days[0])
        if hours and window.part_of_day == "evening":
            return f"We close at {spoken_time(hours.closes)} that day."
        return f"There's nothing open then on {days[0]:%A}."
    return "There's nothing open at those times."
