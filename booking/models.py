"""Value objects the booking API hands out. All datetimes are naive clinic-local times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

AppointmentStatus = Literal["confirmed", "cancelled"]
CallOutcome = Literal["booked", "no_booking", "transferred", "dropped"]


@dataclass(frozen=True)
class Slot:
    provider_id: str
    provider_name: str
    visit_type: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Availability:
    slots: list[Slot]
    # Nearest options when `slots` is empty: other times that day, the same part of day on
    # nearby days, other providers. Earliest first.
    alternatives: list[Slot] = field(default_factory=list)
    # Why nothing matched, ready to say ("We're closed on Sundays."); None when slots were found.
    note: str | None = None


@dataclass(frozen=True)
class Hold:
    id: str
    slot: Slot
    session_id: str
    expires_at: datetime


@dataclass(frozen=True)
class PatientInfo:
    name: str
    date_of_birth: date
    phone: str | None = None


@dataclass(frozen=True)
class Appointment:
    id: str
    slot: Slot
    patient_name: str
    patient_dob: date
    status: AppointmentStatus
    patient_phone: str | None = None
    created_at: datetime | None = None
    # Set on the new appointment of a reschedule: the appointment it replaced.
    rescheduled_from: str | None = None


@dataclass
class CallRecord:
    """One phone/web call, saved (and re-saved) by the agent; shown to staff."""

    id: str
    room: str
    started_at: datetime
    ended_at: datetime | None = None
    outcome: CallOutcome | str = "no_booking"
    caller: str | None = None
    # [{role, text, track, t, interrupted}]
    transcript: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    # interruptions, timeline entries
    events: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    recording_path: str | None = None


CallbackStatus = Literal["open", "done", "cancelled"]


@dataclass(frozen=True)
class CallbackRequest:
    id: str
    created_at: datetime
    caller_phone: str | None
    name: str | None
    reason: str
    status: CallbackStatus | str = "open"
