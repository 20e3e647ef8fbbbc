"""Settings of the web app, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent.name import DEFAULT_AGENT_NAME, agent_name

# The development key pair from livekit.yaml. Only valid against the loopback server that
# `make run` starts; LiveKit Cloud users set LIVEKIT_* (see .env.example).
DEV_API_KEY = "devkey"
DEV_API_SECRET = "clinic-dev-secret-loopback-only-0123456789abcdef"

# One table of defaults: env var -> default (None = unset).
DEFAULTS: dict[str, Any] = {
    "WEB_HOST": "127.0.0.1",
    "WEB_PORT": 8000,
    "DATABASE_URL": None,
    "LIVEKIT_URL": "ws://127.0.0.1:7880",
    "LIVEKIT_API_KEY": DEV_API_KEY,
    "LIVEKIT_API_SECRET": DEV_API_SECRET,
    "AGENT_NAME": DEFAULT_AGENT_NAME,  # the worker reads the same setting (agent/name.py)
    "TOKEN_TTL_S": 600,
    "STAFF_PASSWORD": None,
}


class SettingsError(ValueError):
    """A setting has a value the app cannot use; the message names the variable."""


@dataclass(frozen=True)
class WebSettings:
    host: str = DEFAULTS["WEB_HOST"]
    port: int = DEFAULTS["WEB_PORT"]
    database_url: str | None = DEFAULTS["DATABASE_URL"]
    livekit_url: str = DEFAULTS["LIVEKIT_URL"]
    livekit_api_key: str = DEFAULTS["LIVEKIT_API_KEY"]
    livekit_api_secret: str = DEFAULTS["LIVEKIT_API_SECRET"]
    agent_name: str = DEFAULTS["AGENT_NAME"]
    token_ttl_s: int = DEFAULTS["TOKEN_TTL_S"]
    staff_password: str | None = DEFAULTS["STAFF_PASSWORD"]

    def __post_init__(self) -> None:
        if not self.livekit_url.startswith(("ws://", "wss://", "http://", "https://")):
            raise SettingsError(
                f"LIVEKIT_URL must start with ws:// or wss://, got {self.livekit_url!r}"
            )
        if not 30 <= self.token_ttl_s <= 24 * 3600:
            raise SettingsError(f"TOKEN_TTL_S must be between 30 and 86400, got {self.token_ttl_s}")
        if not self.livekit_api_key or not self.livekit_api_secret:
            raise SettingsError("LIVEKIT_API_KEY and LIVEKIT_API_SECRET must both be set")

    @property
    def browser_livekit_url(self) -> str:
        """The URL the browser's livekit-client connects to (ws scheme)."""
        url = self.livekit_url
        if url.startswith("http://"):
            return "ws://" + url.removeprefix("http://")
        if url.startswith("https://"):
            return "wss://" + url.removeprefix("https://")
        return url

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebSettings:
        e = os.environ if env is None else env

        def get(name: str) -> Any:
            value = e.get(name)
            return DEFAULTS[name] if value in (None, "") else value

        def get_int(name: str) -> int:
            raw = get(name)
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise SettingsError(f"{name} must be an integer, got {raw!r}") from None

        return cls(
            host=get("WEB_HOST"),
            port=get_int("WEB_PORT"),
            database_url=get("DATABASE_URL"),
            livekit_url=get("LIVEKIT_URL"),
            livekit_api_key=get("LIVEKIT_API_KEY"),
            livekit_api_secret=get("LIVEKIT_API_SECRET"),
            agent_name=agent_name(e),
            token_ttl_s=get_int("TOKEN_TTL_S"),
            staff_password=get("STAFF_PASSWORD"),
        )
