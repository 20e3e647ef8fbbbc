"""Staff console: login, bookings, calls, calendar feeds, webhooks and a JSON API."""

from web.staff.router import build_staff_router

__all__ = ["build_staff_router"]
