"""Gateway options: one table of defaults, overridable from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from agent.name import DEFAULT_AGENT_NAME, agent_name

DEV_API_SECRET = "clinic-dev-secret-loopback-only-0123456789abcdef"


@dataclass(frozen=True)
class GatewayOptions:
    sip_host: str = "127.0.0.1"  # loopback only: no trunk provider reaches this gateway
    sip_port: int = 5060
    rtp_host: str = "127.0.0.1"
    rtp_port_min: int = 20000
    rtp_port_max: int = 20999
    livekit_url: str = "ws://127.0.0.1:7880"
    api_key: str = "devkey"
    api_secret: str = DEV_API_SECRET
    agent_name: str = DEFAULT_AGENT_NAME  # AGENT_NAME, shared with the worker
    trunk_number: str = "+15550100"  # the clinic's own number, as livekit-sip reports it
    room_prefix: str = "clinic-phone-"
    ring_s: float = 0.2  # 180 Ringing before 200 OK
    max_call_s: float = 900.0  # the gateway's own hard cap (the agent closes politely earlier)
    agent_wait_s: float = 60.0  # ring this long for the agent to be ready, then 480

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> GatewayOptions:
        env = os.environ if env is None else env
        table = {
            "sip_host": "SIP_HOST", "sip_port": "SIP_PORT", "rtp_host": "SIP_RTP_HOST",
            "rtp_port_min": "SIP_RTP_PORT_MIN", "rtp_port_max": "SIP_RTP_PORT_MAX",
            "livekit_url": "LIVEKIT_URL", "api_key": "LIVEKIT_API_KEY",
            "api_secret": "LIVEKIT_API_SECRET",
            "trunk_number": "SIP_TRUNK_NUMBER", "max_call_s": "SIP_MAX_CALL_S",
            "agent_wait_s": "SIP_AGENT_WAIT_S",
        }  # fmt: skip
        kinds = {f.name: f.type for f in fields(cls)}
        values: dict[str, object] = {"agent_name": agent_name(env)}
        for name, var in table.items():
            raw = env.get(var)
            if not raw:
                continue
            kind = kinds[name]
            try:
                values[name] = int(raw) if kind == "int" else float(raw) if kind == "float" else raw
            except ValueError:
                raise ValueError(f"{var}={raw!r} is not a valid {kind}") from None
        return cls(**values)  # type: ignore[arg-type]


def mask_number(number: str | None) -> str:
    """Caller numbers in logs: '***-***-1234'."""
    if not number:
        return "unknown"
    digits = "".join(ch for ch in number if ch.isdigit())
    return "***-***-" + digits[-4:] if len(digits) >= 4 else "***"
