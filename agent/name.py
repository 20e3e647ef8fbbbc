"""The agent name: the worker registers under it, and the web app's tokens and the phone
gateway dispatch it into their rooms. All of them read it here (AGENT_NAME), because a worker
and a dispatcher that disagree fail silently: the room is created and no agent ever joins."""

from __future__ import annotations

import os
from collections.abc import Mapping

AGENT_NAME_VAR = "AGENT_NAME"
DEFAULT_AGENT_NAME = "clinic-receptionist"


def agent_name(env: Mapping[str, str] | None = None) -> str:
    """$AGENT_NAME, else the default (an empty value counts as unset, as in .env files)."""
    e = os.environ if env is None else env
    return e.get(AGENT_NAME_VAR) or DEFAULT_AGENT_NAME
