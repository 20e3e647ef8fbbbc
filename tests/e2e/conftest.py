"""The whole product on loopback for end-to-end tests: the built livekit-server, the agent
worker (offline profile) and the web app, on free ports, with a temporary database.
Started once per session through the same supervisor `make run` uses."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_stack import Stack
from support.chromium import CHROMIUM
from support.stack import running_stack

from scripts.stack import LIVEKIT_SERVER, ROOT, StackConfig
from scripts.supervisor import free_port

ARTIFACTS = ROOT / "var" / "artifacts"
FRONTEND_STAMP = ROOT / "web" / "frontend" / "node_modules" / ".installed"


def _ensure_built() -> None:
    """The tests install what they need (cached: a second run does nothing)."""
    missing = []
    if not LIVEKIT_SERVER.is_file():
        missing.append("livekit-server")
    if not FRONTEND_STAMP.is_file():
        missing.append("frontend")
    if missing:
        subprocess.run(["make", "-s", *missing], cwd=ROOT, check=True)
    if shutil.which(CHROMIUM) is None:  # Debian's chromium drives the browser test
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            check=True,
            env=env,
        )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    _ensure_built()
    tmp = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite+aiosqlite:///{tmp / 'clinic.db'}"
    config = StackConfig(
        livekit_port=free_port(),
        rtc_tcp_port=free_port(),
        rtc_udp_port=free_port(kind=socket.SOCK_DGRAM),
        web_port=free_port(),
        database_url=database_url,
        worker_http_port=0,
    )
    log_dir = ROOT / "var" / "log" / "e2e"
    with running_stack(config, log_dir, "end-to-end"):
        yield Stack(config=config, database_url=database_url, log_dir=log_dir)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
