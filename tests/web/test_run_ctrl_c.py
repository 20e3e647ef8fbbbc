"""Ctrl-C on `make run` (scripts/run.py as a process): every child stops, the job process the
worker forked included, the PID file goes, and the ports are free again. The children are
stand-ins (run_with_stand_ins.py); the supervisor with the real services is what the
end-to-end tests start."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from support.processes import alive

from scripts.stack import ROOT
from scripts.supervisor import free_port, port_is_free

HARNESS = Path(__file__).with_name("run_with_stand_ins.py")
BANNER_END = "Press Ctrl-C to stop everything."
WAIT_S = 60.0  # generous: only a bound on a hang, starting two small Pythons takes ~1 s


def pids_in(log: Path) -> list[int]:
    """The pids a stand-in printed ("web pid 123", "job process pid 456")."""
    return [int(line.split()[-1]) for line in log.read_text().splitlines() if " pid " in line]


def lines_of(proc: subprocess.Popen[str]) -> queue.Queue[str | None]:
    """Its output line by line, read on a thread so that waiting for a line can time out."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def read_until(lines: queue.Queue[str | None], marker: str, seen: list[str]) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            return False
        seen.append(line)
        if marker in line:
            return True
    return False


def test_ctrl_c_stops_every_child_and_removes_the_pid_file(tmp_path: Path) -> None:
    web_port = free_port()
    env = {
        **os.environ,
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(web_port),
        # not loopback: run.py starts no livekit-server and checks none of its fixed ports,
        # which a `make run` beside the tests would hold
        "LIVEKIT_URL": "wss://stand-in.invalid",
        "AGENT_HTTP_PORT": "0",
        "SIP": "0",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, str(HARNESS), str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # our SIGINT reaches run.py alone, a terminal Ctrl-C pytest alone
    )
    lines = lines_of(proc)
    out: list[str] = []
    pid_file = tmp_path / "clinic.pid"
    try:
        assert read_until(lines, BANNER_END, out), f"no banner:\n{''.join(out)}"
        assert pid_file.read_text() == str(proc.pid)
        children = pids_in(tmp_path / "log" / "web.log") + pids_in(tmp_path / "log" / "worker.log")
        assert len(children) == 3, children  # web, worker, the worker's job process
        assert all(alive(pid) for pid in children)
        assert not port_is_free("127.0.0.1", web_port)

        proc.send_signal(signal.SIGINT)
        assert read_until(lines, "all stopped.", out), f"no clean stop:\n{''.join(out)}"
        assert proc.wait(timeout=WAIT_S) == 0
    finally:
        if proc.poll() is None:  # a failed check above: SIGTERM makes run.py stop its children
            proc.terminate()
            proc.wait(timeout=WAIT_S)
    text = "".join(out)
    assert "stopping" in text
    assert "stopped unexpectedly" not in text
    assert not pid_file.exists()
    assert not [pid for pid in children if alive(pid)]
    assert port_is_free("127.0.0.1", web_port)
