"""The whole stack (livekit-server, worker, web app, optional SIP gateway) for one test module."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.stack import ROOT, StackConfig, services
from scripts.supervisor import StartError, Supervisor, SupervisorOptions


@contextmanager
def running_stack(config: StackConfig, log_dir: Path, what: str) -> Iterator[None]:
    """Start every service of `config` (logs in `log_dir`), fail the test if one doesn't come up,
    and stop them all afterwards."""
    log_dir.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(SupervisorOptions(log_dir=log_dir, cwd=ROOT))
    try:
        for service in services(config):
            supervisor.start(service)
    except StartError as exc:
        supervisor.stop_all()
        pytest.fail(f"the {what} stack did not start: {exc}")
    try:
        yield
    finally:
        supervisor.stop_all()
