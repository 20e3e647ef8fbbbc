"""Staff console fixtures: one live app per module (uvicorn on loopback, temp SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from staff_live import LiveApp, start_live_app


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    tmp: Path = tmp_path_factory.mktemp("staff")
    with pytest.MonkeyPatch.context() as mp:
        # Recordings are served only from inside this root; webhooks poll fast in tests.
        mp.setenv("STAFF_RECORDINGS_ROOT", str(tmp / "recordings"))
        mp.setenv("STAFF_ARGON2_TIME_COST", "1")  # cheap hashing in tests
        mp.setenv("STAFF_ARGON2_MEMORY_KIB", "8192")
        mp.setenv("STAFF_WEBHOOK_POLL_S", "0.2")
        mp.setenv("STAFF_WEBHOOK_BACKOFF_S", "0.2")
        app = start_live_app(tmp)
    yield app
    app.stop()
