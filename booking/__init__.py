"""Clinic booking core: clinic facts, availability, two-phase holds, appointments, call records."""

from booking.clinic import ClinicInfo, OpenHours, Provider, VisitType, load_clinic
from booking.clock import Clock, FixedClock, SystemClock
from booking.errors import (
    BookingError,
    HoldExpired,
    InvalidRequest,
    NotFound,
    OutsideHours,
    SlotTaken,
)
from booking.models import (
    Appointment,
    Availability,
    CallbackRequest,
    CallRecord,
    Hold,
    PatientInfo,
    Slot,
)
from booking.options import BookingOptions
from booking.service import BookingService
from booking.sweeper import start_sweeper, stop_sweeper

__all__ = [
    "Appointment",
    "Availability",
    "BookingError",
    "BookingOptions",
    "BookingService",
    "CallRecord",
    "CallbackRequest",
    "ClinicInfo",
    "Clock",
    "FixedClock",
    "Hold",
    "HoldExpired",
    "InvalidRequest",
    "NotFound",
    "OpenHours",
    "OutsideHours",
    "PatientInfo",
    "Provider",
    "Slot",
    "SlotTaken",
    "SystemClock",
    "VisitType",
    "load_clinic",
    "start_sweeper",
    "stop_sweeper",
]
