"""`make run` refuses clearly when it is already running or a port is taken."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

from scripts import run
from scripts.stack import StackConfig, livekit_config_body
from scripts.supervisor import free_port


def config_on_free_ports() -> StackConfig:
    return StackConfig(
        livekit_port=free_port(),
        rtc_tcp_port=free_port(),
        rtc_udp_port=free_port(kind=socket.SOCK_DGRAM),
        web_port=free_port(),
        worker_http_port=free_port(),
    )


@pytest.fixture
def pid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "clinic.pid"
    monkeypatch.setattr(run, "PID_FILE", path)
    return path


def test_second_run_is_refused_with_the_url(pid_file: Path) -> None:
    pid_file.write_text(str(os.getpid()))  # a live process "owns" the run
    message = run.preflight(config_on_free_ports())
    assert message is not None
    assert "already running" in message
    assert str(os.getpid()) in message


def test_stale_pid_file_is_ignored(pid_file: Path) -> None:
    pid_file.write_text("999999999")
    assert run.already_running() is None


def test_taken_port_is_named(pid_file: Path) -> None:
    config = config_on_free_ports()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", config.web_port))
        busy.listen()
        message = run.preflight(config)
    assert message is not None
    assert f"port {config.web_port}" in message
    assert "WEB_PORT" in message


def test_free_ports_pass(pid_file: Path) -> None:
    assert run.preflight(config_on_free_ports()) is None


def test_cloud_url_skips_the_local_server() -> None:
    cloud = {"LIVEKIT_URL": "wss://demo.livekit.cloud", "LIVEKIT_API_KEY": "k"}
    config = run.config_from_env(cloud)
    assert not config.runs_local_livekit
    assert config.livekit_url == "wss://demo.livekit.cloud"
    assert run.config_from_env({}).runs_local_livekit


def test_dotenv_does_not_override_the_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nWEB_PORT=9001\nexport AGENT_PROFILE='cloud'\nbroken line\n")
    env = {"WEB_PORT": "8000"}
    run.load_dotenv(env_file, env)
    assert env == {"WEB_PORT": "8000", "AGENT_PROFILE": "cloud"}


def test_livekit_config_keeps_loopback_settings() -> None:
    import yaml

    body = yaml.safe_load(livekit_config_body(StackConfig(livekit_port=17880, rtc_udp_port=17882)))
    assert body["port"] == 17880
    assert body["rtc"]["udp_port"] == 17882
    assert body["rtc"]["use_external_ip"] is False
    assert body["rtc"]["node_ip"] == "127.0.0.1"
    assert body["bind_addresses"] == ["127.0.0.1"]
    # no public STUN: without stun_servers, clients are handed Google's and Twilio's
    stun = body["rtc"]["stun_servers"]
    assert stun, "an empty list falls back to the public STUN servers"
    for server in stun:
        host, _, port = server.rpartition(":")
        assert ipaddress.ip_address(host.strip("[]")).is_loopback, server
        assert port.isdigit(), server
    # ICE candidates come from the loopback interface only
    assert body["rtc"]["interfaces"] == {"includes": ["lo"]}
    assert body["rtc"]["enable_loopback_candidate"] is True
