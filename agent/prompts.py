"""Instructions for an LLM-driven (cloud) agent, from prompts/instructions.md."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from agent.state import DialogueState
from booking.clinic import ClinicInfo

DEFAULT_INSTRUCTIONS = Path(__file__).resolve().parents[1] / "prompts" / "instructions.md"


def load_template(path: Path | None = None) -> str:
    return (path or DEFAULT_INSTRUCTIONS).read_text()


def render_instructions(
    template: str, clinic: ClinicInfo, state: DialogueState, now: datetime
) -> str:
    """The template filled with the clinic, today's date and the live dialogue state."""
    return template.format(
        clinic=clinic.name,
        address=clinic.address,
        today=f"{now:%A, %B %d, %Y, %H:%M}",
        state=state.summary(),
    )
