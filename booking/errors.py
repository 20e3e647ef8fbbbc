"""Typed booking errors. `.spoken` is one short sentence an agent can say to a patient."""

from __future__ import annotations


class BookingError(Exception):
    """Base class. `str(err)` is for logs and staff; `err.spoken` is for the patient."""

    default_spoken = "Sorry, something went wrong with the booking."

    def __init__(self, message: str, spoken: str | None = None) -> None:
        super().__init__(message)
        self.spoken = spoken or self.default_spoken


class SlotTaken(BookingError):
    default_spoken = "Sorry, that time was just taken."


class HoldExpired(BookingError):
    default_spoken = "Sorry, I couldn't keep that time for you any longer."


class OutsideHours(BookingError):
    default_spoken = "Sorry, we're not open at that time."


class InvalidRequest(BookingError):
    default_spoken = "Sorry, I couldn't make sense of that request."


class NotFound(BookingError):
    default_spoken = "Sorry, I couldn't find that."
