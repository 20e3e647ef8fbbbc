"""One word for a name: the agent asks for the last name, and a 'yes' is not a last name."""

from __future__ import annotations

from support.dialogue import agent_lines

from agent.call import Call, CallOptions, build_call
from booking import BookingService

HELD = ("Book a checkup Thursday at ten", "Maria")


async def _replies(call: Call, lines: tuple[str, ...]) -> list[str]:
    return (await agent_lines(call, HELD + lines))[len(HELD) :]


def _call(booking: BookingService, session_id: str) -> Call:
    opts = CallOptions(max_call_s=0, filler=False)
    return build_call(booking=booking, session_id=session_id, options=opts)


async def test_a_yes_to_the_last_name_question_gets_the_question_again(
    booking_service: BookingService,
) -> None:
    call = _call(booking_service, "last-name-yes")
    asked, after_yes, after_name = await _replies(call, ("Yes", "Lopez"))
    assert "last name" in asked
    assert "last name" in after_yes and after_yes.startswith("Sorry")
    assert "date of birth" in after_name
    assert call.state.booking.name == "Maria Lopez"


async def test_a_caller_with_one_name_is_asked_twice_at_most(
    booking_service: BookingService,
) -> None:
    call = _call(booking_service, "last-name-none")
    asked, again, then = await _replies(call, ("Yes", "Yes"))
    assert "last name" in asked and "last name" in again
    assert "last name" not in then and "date of birth" in then
    assert call.state.booking.name == "Maria"
