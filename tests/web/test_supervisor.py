"""The `make run` supervisor with real child processes: readiness, early exits, clean stops."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support.processes import alive

from scripts.supervisor import (
    HttpReady,
    LogReady,
    Service,
    StartError,
    Supervisor,
    SupervisorOptions,
    free_port,
)


def supervisor(tmp_path: Path) -> Supervisor:
    return Supervisor(SupervisorOptions(log_dir=tmp_path / "log", poll_s=0.05))


def test_http_service_becomes_ready_and_stops(tmp_path: Path) -> None:
    port = free_port()
    server = Service(
        name="http",
        argv=[sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        ready=HttpReady(f"http://127.0.0.1:{port}/"),
        ready_timeout_s=20,
    )
    with supervisor(tmp_path) as sup:
        sup.start(server)
        assert sup.running == ["http"]
        assert HttpReady(f"http://127.0.0.1:{port}/")(tmp_path)
    assert sup.running == []
    assert not HttpReady(f"http://127.0.0.1:{port}/")(tmp_path)


def test_children_of_a_service_are_stopped_too(tmp_path: Path) -> None:
    # the service forks a grandchild (as the agent worker does) and reports its pid
    script = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        "print('child', p.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    service = Service("forker", [sys.executable, "-c", script], ready=LogReady("child"))
    sup = supervisor(tmp_path)
    sup.start(service)
    child = int(sup.log_path("forker").read_text().split()[1])
    assert alive(child)
    sup.stop_all()
    assert not alive(child)


def test_early_exit_is_reported_with_the_log(tmp_path: Path) -> None:
    failing = Service(
        name="broken",
        argv=[sys.executable, "-c", "import sys; print('bad config: port'); sys.exit(3)"],
        ready=LogReady("never"),
    )
    with pytest.raises(StartError, match="exited with code 3") as info:
        supervisor(tmp_path).start(failing)
    assert "bad config: port" in str(info.value)


def test_not_ready_in_time_is_stopped_and_reported(tmp_path: Path) -> None:
    slow = Service(
        name="slow",
        argv=[sys.executable, "-c", "import time; time.sleep(600)"],
        ready=LogReady("ready"),
        ready_timeout_s=0.5,
    )
    sup = supervisor(tmp_path)
    with pytest.raises(StartError, match="not ready after"):
        sup.start(slow)
    assert sup.running == []


def test_missing_program_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StartError, match="cannot run"):
        supervisor(tmp_path).start(Service("ghost", ["/nonexistent/bin"], ready=LogReady("x")))
