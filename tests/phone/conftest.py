"""A real phone call needs the whole product plus the gateway: the web team's stack
(scripts.stack, scripts.supervisor — the same specs `make run SIP=1` starts) on free ports
with a temporary database, and synthesized patient audio as G.711 WAVs for sipp."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.stack import running_stack

from scripts.stack import LIVEKIT_SERVER, ROOT, StackConfig
from scripts.supervisor import free_port

LOG_DIR = ROOT / "var" / "log" / "phone-e2e"


@dataclass(frozen=True)
class PhoneStack:
    config: StackConfig
    database_url: str
    log_dir: Path

    @property
    def sip_target(self) -> str:
        return f"127.0.0.1:{self.config.sip_port}"

    def log(self, service: str) -> str:
        path = self.log_dir / f"{service}.log"
        return path.read_text(errors="replace") if path.is_file() else ""


# module scope: the stack (a second server + worker beside tests/e2e's) stops as soon as the
# phone calls are done instead of at the end of the whole run
@pytest.fixture(scope="module")
def phone_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PhoneStack]:
    if shutil.which("sipp") is None:
        pytest.fail("sipp is missing: `make sysdeps` installs Debian's sip-tester")
    if not LIVEKIT_SERVER.is_file():
        subprocess.run(["make", "-s", "livekit-server"], cwd=ROOT, check=True)
    tmp = tmp_path_factory.mktemp("phone")
    database_url = f"sqlite+aiosqlite:///{tmp / 'clinic.db'}"
    config = StackConfig(
        livekit_port=free_port(),
        rtc_tcp_port=free_port(),
        rtc_udp_port=free_port(kind=socket.SOCK_DGRAM),
        web_port=free_port(),
        database_url=database_url,
        worker_http_port=0,
        sip=True,
        sip_port=free_port(kind=socket.SOCK_DGRAM),
    )
    # on a busy machine a job process can take minutes to load its models; the gateway
    # keeps the call ringing until the agent is ready
    os.environ.setdefault("SIP_AGENT_WAIT_S", "300")
    with running_stack(config, LOG_DIR, "phone"):
        yield PhoneStack(config=config, database_url=database_url, log_dir=LOG_DIR)
