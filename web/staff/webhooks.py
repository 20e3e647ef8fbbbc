"""Booking webhooks: created / changed / cancelled, signed with HMAC-SHA256, sent in the
background with retries.

Events are found by comparing snapshots of the appointments table with what was last seen
(stored in staff_webhook_seen), so bookings the voice worker makes in its own process are
caught too. Each event goes to an outbox row first; a delivery loop posts due rows and
backs off exponentially on failure. Requests never wait for any of this."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp

from booking import Appointment, BookingService
from booking.clock import Clock, SystemClock
from web.staff.security import sign
from web.staff.store import StaffStore, retry_delay

log = logging.getLogger("web.staff.webhooks")

BASELINE_KEY = "webhook_baseline"
SIGNATURE_HEADER = "X-Clinic-Signature"


def fingerprint(a: Appointment) -> str:
    key = f"{a.status}|{a.slot.provider_id}|{a.slot.visit_type}|{a.slot.start}|{a.slot.end}"
    return hashlib.sha256(key.encode()).hexdigest()


def payload(event: str, a: Appointment, at: datetime) -> dict[str, Any]:
    return {
        "event": event,
        "at": at.isoformat(),
        "appointment": {
            "id": a.id,
            "status": a.status,
            "provider_id": a.slot.provider_id,
            "provider_name": a.slot.provider_name,
            "visit_type": a.slot.visit_type,
            "start": a.slot.start.isoformat(),
            "end": a.slot.end.isoformat(),
            "patient_name": a.patient_name,
            "rescheduled_from": a.rescheduled_from,
        },
    }


def diff(
    seen: dict[str, str], appts: list[Appointment], now: datetime
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """New fingerprints and the events (name, JSON body) between two snapshots."""
    changed: dict[str, str] = {}
    events: list[tuple[str, str]] = []
    # A reschedule cancels the old appointment and creates its replacement: one
    # booking.changed (carrying rescheduled_from) says both.
    replaced = {a.rescheduled_from for a in appts if a.rescheduled_from}
    for a in appts:
        fp = fingerprint(a)
        before = seen.get(a.id)
        if before == fp:
            continue
        changed[a.id] = fp
        if a.status == "cancelled":
            if before is None or a.id in replaced:
                continue  # never announced, or announced as the replacement's change
            name = "booking.cancelled"
        elif before is None and not a.rescheduled_from:
            name = "booking.created"
        else:
            name = "booking.changed"
        events.append((name, json.dumps(payload(name, a, now), sort_keys=True)))
    return changed, events


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: str


class WebhookSender:
    """Background poll + delivery loop; `poke()` makes it look now instead of at the next tick."""

    def __init__(
        self,
        store: StaffStore,
        booking: Callable[[], BookingService],
        target: Callable[[], Any],
        clock: Clock | None = None,
    ) -> None:
        # Delivery timing runs on the wall clock even when bookings use a test clock.
        self._store = store
        self._booking = booking
        self._target = target  # async () -> WebhookTarget | None
        self._clock: Clock = clock or SystemClock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0

    def now(self) -> datetime:
        return self._clock.now()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="staff-webhooks")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def poke(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        interval = self._store.options.webhook_poll_s
        while True:
            try:
                await self.scan()
                await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad round must not end webhooks for the process
                log.exception("webhook round failed")
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            except TimeoutError:
                pass
            self._wake.clear()

    async def scan(self) -> int:
        """Queue events for what changed since the last scan. Returns how many were queued."""
        svc = self._booking()
        appts = await svc.list_appointments(include_cancelled=True)
        seen = await self._store.seen_fingerprints()
        changed, events = diff(seen, appts, self.now())
        if await self._store.get_setting(BASELINE_KEY) is None:
            # First scan on this database: remember what exists, announce nothing old.
            events = []
            await self._store.set_setting(BASELINE_KEY, self.now().isoformat())
        if not changed:
            return 0
        if await self._target() is None:
            events = []  # nobody to tell; still track, so enabling later does not replay
        await self._store.record_changes(changed, events, self.now())
        return len(events)

    async def deliver_due(self) -> int:
        target: WebhookTarget | None = await self._target()
        if target is None:
            return 0
        items = await self._store.due_deliveries(self.now())
        if not items:
            return 0
        sent = 0
        timeout = aiohttp.ClientTimeout(total=self._store.options.webhook_timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            for item in items:
                body = item.payload.encode()
                headers = {
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: sign(target.secret, body),
                    "X-Clinic-Event": item.event,
                    "X-Clinic-Delivery": str(item.id),
                }
                error: str | None = None
                try:
                    async with http.post(target.url, data=body, headers=headers) as response:
                        if response.status >= 300:
                            error = f"HTTP {response.status}"
                except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                    error = f"{type(exc).__name__}: {exc}"
                now = self.now()
                if error is None:
                    await self._store.mark_delivery(
                        item.id, delivered_at=now, error=None, retry_at=None
                    )
                    sent += 1
                else:
                    retry = now + retry_delay(self._store.options, item.attempts)
                    await self._store.mark_delivery(
                        item.id, delivered_at=None, error=error, retry_at=retry
                    )
                    log.warning(
                        "webhook %s attempt %d failed: %s", item.id, item.attempts + 1, error
                    )
        self.delivered += sent
        return sent
