"""Staff console options: one table of defaults, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

# env var -> default. Everything the console can be tuned with lives here.
DEFAULTS: dict[str, Any] = {
    "STAFF_SESSION_HOURS": 8,
    "STAFF_MAX_FAILURES": 5,
    "STAFF_FAILURE_WINDOW_MIN": 15,
    "STAFF_LOCKOUT_MIN": 15,
    "STAFF_COOKIE_SECURE": False,
    "STAFF_WEBHOOK_URL": None,
    "STAFF_WEBHOOK_SECRET": None,
    "STAFF_WEBHOOK_POLL_S": 2.0,
    "STAFF_WEBHOOK_MAX_ATTEMPTS": 6,
    "STAFF_WEBHOOK_BACKOFF_S": 1.0,
    "STAFF_WEBHOOK_TIMEOUT_S": 5.0,
    "STAFF_RECORDINGS_ROOT": "var",
    # argon2id cost (OWASP's 2 passes over 19 MiB or more); tests may lower it.
    "STAFF_ARGON2_TIME_COST": 3,
    "STAFF_ARGON2_MEMORY_KIB": 65536,
}


@dataclass(frozen=True)
class StaffOptions:
    session_ttl: timedelta = timedelta(hours=DEFAULTS["STAFF_SESSION_HOURS"])
    # Lockout: this many failures inside the window locks the account (and, separately,
    # the client address) for `lockout`.
    max_failures: int = DEFAULTS["STAFF_MAX_FAILURES"]
    failure_window: timedelta = timedelta(minutes=DEFAULTS["STAFF_FAILURE_WINDOW_MIN"])
    lockout: timedelta = timedelta(minutes=DEFAULTS["STAFF_LOCKOUT_MIN"])
    cookie_secure: bool = DEFAULTS["STAFF_COOKIE_SECURE"]
    # Start values for the webhook; admins can change both in the console (stored in the DB).
    webhook_url: str | None = DEFAULTS["STAFF_WEBHOOK_URL"]
    webhook_secret: str | None = DEFAULTS["STAFF_WEBHOOK_SECRET"]
    webhook_poll_s: float = DEFAULTS["STAFF_WEBHOOK_POLL_S"]
    webhook_max_attempts: int = DEFAULTS["STAFF_WEBHOOK_MAX_ATTEMPTS"]
    webhook_backoff_s: float = DEFAULTS["STAFF_WEBHOOK_BACKOFF_S"]
    webhook_timeout_s: float = DEFAULTS["STAFF_WEBHOOK_TIMEOUT_S"]
    # Recordings are served only from inside this folder, whatever path a call record names.
    recordings_root: Path = Path(DEFAULTS["STAFF_RECORDINGS_ROOT"])
    argon2_time_cost: int = DEFAULTS["STAFF_ARGON2_TIME_COST"]
    argon2_memory_kib: int = DEFAULTS["STAFF_ARGON2_MEMORY_KIB"]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StaffOptions:
        e = os.environ if env is None else env

        def raw(name: str) -> Any:
            value = e.get(name)
            return DEFAULTS[name] if value in (None, "") else value

        def num(name: str, kind: type) -> Any:
            value = raw(name)
            try:
                return kind(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a number, got {value!r}") from None

        secure = raw("STAFF_COOKIE_SECURE")
        return cls(
            session_ttl=timedelta(hours=num("STAFF_SESSION_HOURS", float)),
            max_failures=num("STAFF_MAX_FAILURES", int),
            failure_window=timedelta(minutes=num("STAFF_FAILURE_WINDOW_MIN", float)),
            lockout=timedelta(minutes=num("STAFF_LOCKOUT_MIN", float)),
            cookie_secure=str(secure).lower() in ("1", "true", "yes", "on"),
            webhook_url=raw("STAFF_WEBHOOK_URL"),
            webhook_secret=raw("STAFF_WEBHOOK_SECRET"),
            webhook_poll_s=num("STAFF_WEBHOOK_POLL_S", float),
            webhook_max_attempts=num("STAFF_WEBHOOK_MAX_ATTEMPTS", int),
            webhook_backoff_s=num("STAFF_WEBHOOK_BACKOFF_S", float),
            webhook_timeout_s=num("STAFF_WEBHOOK_TIMEOUT_S", float),
            recordings_root=Path(raw("STAFF_RECORDINGS_ROOT")),
            argon2_time_cost=num("STAFF_ARGON2_TIME_COST", int),
            argon2_memory_kib=num("STAFF_ARGON2_MEMORY_KIB", int),
        )
