"""`BookingAgent`: the clinic receptionist as a LiveKit `Agent` with booking tools.

The tools are the same for the offline dialogue engine and a cloud LLM. Each tool runs one
`BookingTools` operation; a slow one gets a filler line, and a booking error becomes a short
sentence for the patient (`ToolError(err.spoken)`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from livekit.agents import Agent, ModelSettings, RunContext, ToolError, function_tool, llm
from livekit.agents.llm import ChatContext
from livekit.agents.voice.generation import update_instructions

from agent.prompts import render_instructions
from agent.state import DialogueState
from agent.tools import BookingTools
from booking.errors import BookingError

T = TypeVar("T")

FILLER = "Let me check that."


class BookingAgent(Agent):
    def __init__(
        self,
        *,
        ops: BookingTools,
        state: DialogueState,
        instructions_template: str,
        now: Callable[[], datetime],
        filler: str | None = FILLER,
        filler_delay_s: float = 0.3,
        inject_state: bool = True,
    ) -> None:
        self.ops = ops
        self.state = state
        self._template = instructions_template
        self._now = now
        self._filler = filler
        self._filler_delay_s = filler_delay_s
        self._inject_state = inject_state
        super().__init__(instructions=self.render_instructions())

    def render_instructions(self) -> str:
        return render_instructions(self._template, self.ops.clinic, self.state, self._now())

    def llm_node(
        self,
        chat_ctx: ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
    ) -> Any:
        """Every LLM request carries the live dialogue state in its instructions (cloud)."""
        if self._inject_state:
            update_instructions(
                chat_ctx, instructions=self.render_instructions(), add_if_missing=True
            )
        return Agent.default.llm_node(self, chat_ctx, tools, model_settings)

    async def _run(self, context: RunContext, op: Awaitable[T]) -> T:
        try:
            if self._filler:
                async with context.with_filler(self._filler, delay=self._filler_delay_s):
                    result = await op
            else:
                result = await op
        except BookingError as e:
            raise ToolError(e.spoken) from e
        return result

    # -- tools ---------------------------------------------------------------------------
    @function_tool
    async def find_availability(
        self,
        context: RunContext,
        visit_type: str,
        provider: str | None = None,
        day: str | None = None,
        part_of_day: str | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> str:
        """Find open appointment times and remember them as the numbered offer.

        Args:
            visit_type: checkup, sick visit, follow-up, vaccination or new patient.
            provider: provider's name as the caller said it (e.g. "Patel"), or omit for any.
            day: the day wanted, ISO date YYYY-MM-DD; omit for the next open days.
            part_of_day: morning, afternoon or evening.
            after: earliest start time, HH:MM (24 h). With before equal to after: that exact time.
            before: latest start time, HH:MM (24 h).
        """
        return await self._run(
            context,
            self.ops.find_availability(visit_type, provider, day, part_of_day, after, before),
        )

    @function_tool
    async def hold_slot(self, context: RunContext, option: int) -> str:
        """Hold one of the times from the last find_availability result while details are taken.

        Args:
            option: the 1-based number of the offered time.
        """
        return await self._run(context, self.ops.hold_slot(option))

    @function_tool
    async def confirm_booking(
        self, context: RunContext, name: str, date_of_birth: str, phone: str | None = None
    ) -> str:
        """Book the held time for good. Only after the caller agreed to the read-back.

        Args:
            name: the patient's full name.
            date_of_birth: ISO date YYYY-MM-DD.
            phone: a callback number if the caller gave one.
        """
        return await self._run(context, self.ops.confirm_booking(name, date_of_birth, phone))

    @function_tool
    async def release_hold(self, context: RunContext) -> str:
        """Give back the held time (the caller changed their mind or wants another time)."""
        return await self._run(context, self.ops.release_hold())

    @function_tool
    async def lookup_appointments(self, context: RunContext, name: str, date_of_birth: str) -> str:
        """Find the caller's upcoming appointments; this also verifies who they are.

        Args:
            name: the patient's full name.
            date_of_birth: ISO date YYYY-MM-DD.
        """
        return await self._run(context, self.ops.lookup_appointments(name, date_of_birth))

    @function_tool
    async def cancel_appointment(self, context: RunContext, appointment_id: str) -> str:
        """Cancel one of the caller's own appointments returned by lookup_appointments.

        Args:
            appointment_id: the id from lookup_appointments.
        """
        return await self._run(context, self.ops.cancel_appointment(appointment_id))

    @function_tool
    async def reschedule_appointment(
        self, context: RunContext, appointment_id: str, option: int | None = None
    ) -> str:
        """Move one of the caller's own appointments to an offered (or the held) time.

        Args:
            appointment_id: the id from lookup_appointments.
            option: 1-based number of the offered time; omit to use the held time.
        """
        return await self._run(context, self.ops.reschedule_appointment(appointment_id, option))

    @function_tool
    async def clinic_info(
        self,
        context: RunContext,
        topic: str,
        day: str | None = None,
        visit_type: str | None = None,
        insurer: str | None = None,
    ) -> str:
        """Facts about the clinic, as a short sentence to say.

        Args:
            topic: hours, address, parking, copay, insurance, providers or phone.
            day: for hours on a given day, ISO date YYYY-MM-DD.
            visit_type: for the copay of one visit type.
            insurer: for "do you take X?", the insurer the caller named.
        """
        return await self._run(context, self.ops.clinic_info(topic, day, visit_type, insurer))

    @function_tool
    async def transfer_to_staff(self, context: RunContext, reason: str = "") -> str:
        """Hand the call to a person at the front desk (caller asked for a human, or stuck).

        Args:
            reason: why, in a few words.
        """
        return await self._run(context, self.ops.transfer_to_staff(reason))


def tool_names(agent: Agent) -> list[str]:
    names: list[str] = []
    for t in agent.tools:
        info: Any = getattr(t, "info", None)
        name = getattr(info, "name", None) or getattr(t, "name", None)
        if name:
            names.append(str(name))
    return names
