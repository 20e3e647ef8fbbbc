"""A small process supervisor: start services in order, each in its own process group with
its log in a file, wait until each is ready, and stop them all (in reverse) on request.

Used by `make run` (scripts/run.py) and by the end-to-end tests (tests/e2e/conftest.py).
It is deliberately synchronous: it only waits on child processes and polls sockets.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol


class StartError(RuntimeError):
    """A service could not start; the message says which and why (with its log's tail)."""


class ReadyCheck(Protocol):
    def describe(self) -> str: ...

    def __call__(self, log_path: Path) -> bool: ...


@dataclass(frozen=True)
class HttpReady:
    url: str

    def describe(self) -> str:
        return f"HTTP 200 from {self.url}"

    def __call__(self, log_path: Path) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=1.0) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError, ValueError):
            return False


@dataclass(frozen=True)
class PortReady:
    host: str
    port: int

    def describe(self) -> str:
        return f"TCP {self.host}:{self.port} accepting"

    def __call__(self, log_path: Path) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False


@dataclass(frozen=True)
class LogReady:
    """Ready once the service wrote every marker to its log (e.g. the agent worker's
    "registered worker", which only appears after the server accepted it)."""

    markers: tuple[str, ...]

    def __init__(self, *markers: str) -> None:
        if not markers:
            raise ValueError("LogReady needs at least one marker")
        object.__setattr__(self, "markers", markers)

    def describe(self) -> str:
        return " and ".join(repr(m) for m in self.markers) + " in its log"

    def __call__(self, log_path: Path) -> bool:
        try:
            text = log_path.read_text(errors="replace")
        except FileNotFoundError:
            return False
        return all(m in text for m in self.markers)


@dataclass(frozen=True)
class Service:
    name: str
    argv: Sequence[str]
    ready: ReadyCheck
    env: Mapping[str, str] = field(default_factory=dict)  # added to the parent's environment
    ready_timeout_s: float = 60.0
    stop_timeout_s: float = 10.0


@dataclass(frozen=True)
class SupervisorOptions:
    log_dir: Path = Path("var/log")
    cwd: Path = Path(".")
    poll_s: float = 0.2


@dataclass
class _Running:
    service: Service
    proc: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]


def log_tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def port_is_free(host: str, port: int, kind: int = socket.SOCK_STREAM) -> bool:
    with socket.socket(socket.AF_INET, kind) as s:
        if kind == socket.SOCK_STREAM:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1", kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class Supervisor:
    def __init__(self, options: SupervisorOptions | None = None) -> None:
        self.options = options or SupervisorOptions()
        self._running: list[_Running] = []

    @property
    def running(self) -> list[str]:
        return [r.service.name for r in self._running]

    def log_path(self, name: str) -> Path:
        return self.options.log_dir / f"{name}.log"

    def start(self, service: Service) -> None:
        """Start one service and block until it is ready; on failure it is stopped again
        and StartError carries the reason and the tail of its log."""
        self.options.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_path(service.name)
        log_file = log_path.open("wb")
        env = {**os.environ, **service.env}
        try:
            proc = subprocess.Popen(
                list(service.argv),
                cwd=self.options.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: Ctrl-C in the terminal is ours
            )
        except OSError as exc:
            log_file.close()
            raise StartError(f"{service.name}: cannot run {service.argv[0]}: {exc}") from exc
        running = _Running(service, proc, log_path, log_file)
        self._running.append(running)
        deadline = time.monotonic() + service.ready_timeout_s
        while True:
            code = proc.poll()
            if code is not None:
                self._forget(running)
                raise StartError(
                    f"{service.name} exited with code {code} before it was ready "
                    f"(log: {log_path}):\n{log_tail(log_path)}"
                )
            if service.ready(log_path):
                return
            if time.monotonic() > deadline:
                self._stop_one(running)
                raise StartError(
                    f"{service.name} was not ready after {service.ready_timeout_s:.0f} s "
                    f"(waited for {service.ready.describe()}; log: {log_path}):\n"
                    f"{log_tail(log_path)}"
                )
            time.sleep(self.options.poll_s)

    def exited(self) -> list[tuple[str, int, Path]]:
        """Services that stopped on their own: (name, exit code, log path)."""
        out = []
        for r in self._running:
            code = r.proc.poll()
            if code is not None:
                out.append((r.service.name, code, r.log_path))
        return out

    def stop_all(self) -> None:
        """Stop in reverse start order, so the worker leaves before the server goes."""
        while self._running:
            self._stop_one(self._running[-1])

    def _forget(self, running: _Running) -> None:
        running.log_file.close()
        if running in self._running:
            self._running.remove(running)

    def _stop_one(self, running: _Running) -> None:
        proc = running.proc
        try:
            for sig, wait_s in (
                (signal.SIGINT, running.service.stop_timeout_s),
                (signal.SIGTERM, 5.0),
                (signal.SIGKILL, 5.0),
            ):
                if proc.poll() is not None:
                    break
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=wait_s)
                except subprocess.TimeoutExpired:
                    continue
            # children that outlived the leader (e.g. the worker's job processes)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        finally:
            self._forget(running)

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()
