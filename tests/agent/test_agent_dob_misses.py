"""A date of birth the agent cannot make out: sorry and an example first, then a way out."""

from __future__ import annotations

from support.dialogue import agent_lines

from agent.call import Call, CallOptions, build_call
from booking import BookingService

HELD = ("Book a checkup Thursday at ten", "Maria Lopez")


async def _replies(call: Call, lines: tuple[str, ...]) -> list[str]:
    return (await agent_lines(call, HELD + lines))[1 + len(HELD) :]


def _call(booking: BookingService, *, keypad: bool) -> Call:
    opts = CallOptions(max_call_s=0, filler=False, keypad=keypad)
    return build_call(booking=booking, session_id=f"dob-{keypad}", options=opts)


async def test_a_web_caller_gets_an_example_then_a_person(
    booking_service: BookingService,
) -> None:
    call = _call(booking_service, keypad=False)
    first, second, third = await _replies(call, ("blorf snazzle", "florp", "zzzt krrk"))
    assert first.startswith("Sorry") and "date of birth" in first
    assert "1980" in first  # an example of a date said the way it is understood
    assert "person" not in first
    assert "press 0" in second and "agent" in second
    assert "press 0" in third
    assert call.state.booking.awaiting == "date_of_birth"


async def test_a_keypad_caller_is_offered_typing_then_a_person_by_voice(
    booking_service: BookingService,
) -> None:
    call = _call(booking_service, keypad=True)
    first, second, third = await _replies(call, ("blorf snazzle", "florp", "zzzt krrk"))
    assert first.startswith("Sorry") and "person" not in first
    assert "keypad" in second
    # Digits now spell the date of birth, so 0 would not reach anyone: say "agent" instead.
    assert "say 'agent'" in third and "press 0" not in third
    assert call.state.keypad_dob


async def test_a_name_correction_at_the_birthday_question_is_not_a_miss(
    booking_service: BookingService,
) -> None:
    call = _call(booking_service, keypad=False)
    replies = await _replies(call, ("florp", "my name is Maria Lopes", "March 3rd 1985"))
    assert replies[1] == "Okay, changing to Maria Lopes. And your date of birth?"
    assert "Shall I book it?" in replies[2]
    assert call.state.booking.dob_failures == 1
