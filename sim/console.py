"""Talk to the agent in the terminal: text in, the agent's replies out. Offline, no audio.

Lines starting with "/" are commands: /dtmf DIGITS, /state, /quit. End of input hangs up.
Uses a throwaway database with the demo clinic, so nothing real is booked.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from agent.call import CallOptions, build_call
from sim.scenario import Scenario
from sim.text_mode import agent_lines
from sim.world import scenario_world


async def _readline(prompt: str) -> str | None:
    print(prompt, end="", flush=True)
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None


async def console(today: str | None = None) -> int:
    now = (
        datetime.fromisoformat(today) if today else datetime.now().replace(second=0, microsecond=0)
    )
    world = Scenario(name="console", today=now, steps=(), expect=None)  # type: ignore[arg-type]
    async with scenario_world(world) as (booking, clock):
        call = build_call(
            booking=booking, session_id="console", clock=clock, options=CallOptions(max_call_s=0)
        )
        await call.start()
        shown = 0

        def show() -> None:
            nonlocal shown
            lines = agent_lines(call)
            for line in lines[shown:]:
                print(f"agent> {line}")
            shown = len(lines)

        show()
        while True:
            line = await _readline("you> ")
            if line is None:
                break
            text = line.strip()
            if not text:
                continue
            if text in ("/quit", "/exit"):
                break
            if text.startswith("/dtmf"):
                await call.handle_dtmf(text.removeprefix("/dtmf").strip() or "0")
            elif text == "/state":
                print(json.dumps(call.state.to_dict(), indent=2, default=str))
                continue
            else:
                await call.session.run(user_input=text)
            show()
        record = await call.finish()
        print(f"[call ended: {record.outcome}]")
    return 0
