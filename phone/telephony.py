"""Phone-only behaviour the agent plugs in: reaching staff (SIP transfer or a callback
request), a keypad date of birth, and a silence timeout.

Each piece is small and framework-light so the agent's call factory can wire it in a few
lines and the units are testable without a LiveKit server.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from phone.options import mask_number

log = logging.getLogger("phone.telephony")


# --- reaching staff --------------------------------------------------------------------
class StaffLine(Protocol):
    """Moves a SIP participant to another number (livekit-sip's REFER)."""

    async def transfer(self, participant_identity: str, transfer_to: str) -> None: ...


class CallbackBook(Protocol):
    async def add_callback_request(
        self, reason: str, caller_phone: str | None = None, name: str | None = None
    ) -> Any: ...


@dataclass(frozen=True)
class StaffOutcome:
    how: Literal["transferred", "callback"]
    detail: str  # why, for the call record (no phone numbers)
    callback_id: str | None = None


class JobContextLine:
    """The framework's `JobContext.transfer_sip_participant`; fails where the server has
    no SIP service (this machine's gateway), which sends callers to the callback list."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    async def transfer(self, participant_identity: str, transfer_to: str) -> None:
        result = await self.ctx.transfer_sip_participant(participant_identity, transfer_to)
        status = getattr(result, "status", None)
        # STS_TRANSFER_FAILED = 1 in livekit.protocol.sip; older servers return no status
        if status == 1:
            raise RuntimeError(f"transfer failed: {getattr(result, 'reason', '')}")


async def reach_staff(
    *,
    book: CallbackBook,
    reason: str,
    caller: str | None,
    participant_identity: str | None,
    transfer_to: str | None,
    line: StaffLine | None,
    name: str | None = None,
) -> StaffOutcome:
    """SIP transfer when a staff number and a SIP participant exist, else (or when the
    transfer fails) a callback request staff see in the console."""
    if transfer_to and line is not None and participant_identity:
        try:
            await line.transfer(participant_identity, transfer_to)
            log.info("caller %s transferred to staff", mask_number(caller))
            return StaffOutcome("transferred", f"SIP transfer ({reason})")
        except Exception as exc:  # no SIP service, trunk refused REFER, busy line...
            log.warning("SIP transfer failed (%s); taking a callback request", exc)
            why = f"transfer failed: {type(exc).__name__}"
    else:
        why = "no staff number configured" if not transfer_to else "not a phone call"
    request = await book.add_callback_request(reason or "caller asked for staff", caller, name)
    log.info("callback request for caller %s (%s)", mask_number(caller), why)
    return StaffOutcome("callback", why, str(getattr(request, "id", "")) or None)


# --- silence timeout -------------------------------------------------------------------
@dataclass(frozen=True)
class SilenceOptions:
    answer_s: float = 10.0  # after "are you still there?", how long to wait for speech
    still_there: str = "Are you still there?"
    goodbye: str = "I haven't heard anything, so I'll end the call now. Please call back any time."


class SilenceWatch:
    """On the framework's user state "away" (`AgentSession(user_away_timeout=...)`, 15 s by
    default) ask once; no speech within `answer_s` after that → goodbye and hang up.

    The framework reports "away" only on a change, so the second deadline is ours.
    """

    def __init__(
        self,
        say: Callable[[str], Awaitable[Any]],
        hang_up: Callable[[], Awaitable[Any]],
        options: SilenceOptions | None = None,
    ) -> None:
        self.say = say
        self.hang_up = hang_up
        self.options = options or SilenceOptions()
        self.ended = False
        self._spoke = asyncio.Event()
        self._waiting: asyncio.Task[None] | None = None

    def attach(self, session: Any) -> None:
        session.on("user_state_changed", self.on_user_state)

    def on_user_state(self, ev: Any) -> None:
        state = getattr(ev, "new_state", None)
        if state == "speaking":
            self._spoke.set()
        elif state == "away" and not self.ended and self._waiting is None:
            self._spoke.clear()
            self._waiting = asyncio.create_task(self._on_away())

    async def _on_away(self) -> None:
        try:
            await self.say(self.options.still_there)
            try:
                await asyncio.wait_for(self._spoke.wait(), self.options.answer_s)
                return
            except TimeoutError:
                pass
            self.ended = True
            log.info("caller silent; ending the call")
            await self.say(self.options.goodbye)
            await self.hang_up()
        finally:
            self._waiting = None
