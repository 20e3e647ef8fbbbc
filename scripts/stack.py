"""The product's three processes (livekit-server, agent worker, web app) as Service specs,
for one set of ports. `make run` uses the defaults; the end-to-end tests pick free ports."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

from scripts.supervisor import HttpReady, LogReady, Service

ROOT = Path(__file__).resolve().parent.parent
LIVEKIT_SERVER = ROOT / ".tools" / "bin" / "livekit-server"
LIVEKIT_YAML = ROOT / "livekit.yaml"
# Registered with the server, and one job process has its models loaded (so the first
# patient does not wait for whisper and piper to load).
WORKER_READY_MARKERS = ("registered worker", "process initialized")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class StackConfig:
    livekit_port: int = 7880
    rtc_tcp_port: int = 7881
    rtc_udp_port: int = 7882
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    # None: start the local server from livekit.yaml. A URL: use that server (e.g. LiveKit Cloud).
    external_livekit_url: str | None = None
    api_key: str = "devkey"
    api_secret: str = "clinic-dev-secret-loopback-only-0123456789abcdef"
    database_url: str | None = None
    agent_profile: str = "offline"
    worker_mode: str = "start"  # python -m agent start|dev
    worker_http_port: int = 8081
    worker_ready_timeout_s: float = 240.0  # prewarm loads whisper, piper, VAD, EOT on 2 busy cores
    python: str = sys.executable
    sip: bool = False  # SIP=1: also the phone gateway (phone/, in place of livekit-sip)
    sip_port: int = 5060

    @property
    def livekit_url(self) -> str:
        return self.external_livekit_url or f"ws://127.0.0.1:{self.livekit_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"

    @property
    def runs_local_livekit(self) -> bool:
        return self.external_livekit_url is None


def is_loopback_url(url: str) -> bool:
    return (urlparse(url).hostname or "") in LOOPBACK_HOSTS


def livekit_config_body(config: StackConfig) -> str:
    """livekit.yaml with this stack's ports and key pair."""
    data = yaml.safe_load(LIVEKIT_YAML.read_text())
    data["port"] = config.livekit_port
    data["rtc"]["tcp_port"] = config.rtc_tcp_port
    data["rtc"]["udp_port"] = config.rtc_udp_port
    data["keys"] = {config.api_key: config.api_secret}
    return str(yaml.safe_dump(data, sort_keys=False))


def common_env(config: StackConfig) -> dict[str, str]:
    env = {
        "LIVEKIT_URL": config.livekit_url,
        "LIVEKIT_API_KEY": config.api_key,
        "LIVEKIT_API_SECRET": config.api_secret,
        "AGENT_PROFILE": config.agent_profile,
        "PYTHONUNBUFFERED": "1",
    }
    if config.database_url:
        env["DATABASE_URL"] = config.database_url
    return env


def livekit_service(config: StackConfig) -> Service:
    return Service(
        name="livekit-server",
        argv=[str(LIVEKIT_SERVER)],
        # the config (with the key pair) goes by environment, not argv, so `ps` does not show it
        env={"LIVEKIT_CONFIG": livekit_config_body(config)},
        ready=HttpReady(f"http://127.0.0.1:{config.livekit_port}/"),
        ready_timeout_s=30.0,
    )


def web_service(config: StackConfig) -> Service:
    return Service(
        name="web",
        argv=[
            *(config.python, "-m", "uvicorn", "web.app:create_app", "--factory"),
            *("--host", config.web_host, "--port", str(config.web_port), "--no-access-log"),
        ],
        env={
            **common_env(config),
            "WEB_HOST": config.web_host,
            "WEB_PORT": str(config.web_port),
        },
        ready=HttpReady(f"{config.web_url}/healthz"),
        ready_timeout_s=60.0,
    )


def worker_service(config: StackConfig) -> Service:
    return Service(
        name="worker",
        argv=[config.python, "-m", "agent", config.worker_mode],
        env={**common_env(config), "AGENT_HTTP_PORT": str(config.worker_http_port)},
        ready=LogReady(*WORKER_READY_MARKERS),
        ready_timeout_s=config.worker_ready_timeout_s,
        stop_timeout_s=15.0,  # lets a live call finish its record
    )


def phone_service(config: StackConfig) -> Service:
    return Service(
        name="phone",
        argv=[config.python, "-m", "phone", "serve"],
        env={**common_env(config), "SIP_PORT": str(config.sip_port)},
        ready=LogReady("SIP gateway listening"),
        ready_timeout_s=30.0,
    )


def services(config: StackConfig) -> list[Service]:
    """In start order: the server first (the worker registers with it), then the web app
    (its start-up creates and seeds an empty database), then the worker (then, with SIP,
    the phone gateway)."""
    out = [livekit_service(config)] if config.runs_local_livekit else []
    phone = [phone_service(config)] if config.sip else []
    return [*out, web_service(config), worker_service(config), *phone]
