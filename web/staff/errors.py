"""How booking errors show to staff: an HTTP status and the error's own message."""

from __future__ import annotations

from booking import BookingError, HoldExpired, NotFound, SlotTaken


def status_for(err: BookingError) -> int:
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, SlotTaken | HoldExpired):
        return 409
    return 400


def message_for(err: BookingError) -> str:
    """The staff-facing text: the service's message, plus the patient sentence when it adds
    something (e.g. 'We're closed on Sundays.')."""
    detail = str(err).strip()
    spoken = err.spoken.strip()
    return f"{spoken} ({detail})" if detail and detail != spoken else spoken
