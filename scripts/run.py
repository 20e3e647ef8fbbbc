"""`make run`: livekit-server, the agent worker and the web app, until Ctrl-C.

Logs go to var/log/<service>.log. A second `make run`, or a port already taken, stops
with a message saying what to do instead of half-starting.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from types import FrameType
from urllib.parse import urlparse

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.stack import LIVEKIT_SERVER, ROOT, StackConfig, is_loopback_url, services
from scripts.supervisor import StartError, Supervisor, SupervisorOptions, log_tail, port_is_free

PID_FILE = ROOT / "var" / "run" / "clinic.pid"
LOG_DIR = ROOT / "var" / "log"


class Stop(Exception):
    """SIGTERM (or SIGINT) asked us to stop."""


def load_dotenv(path: Path, env: MutableMapping[str, str]) -> None:
    """KEY=VALUE lines from .env; the real environment wins."""
    if not path.is_file():
        return
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip().strip('"').strip("'")
        env.setdefault(key, value)


def config_from_env(env: Mapping[str, str]) -> StackConfig:
    defaults = StackConfig()
    url = env.get("LIVEKIT_URL") or ""
    external = url if url and not is_loopback_url(url) else None
    livekit_port = defaults.livekit_port
    if url and not external:
        livekit_port = urlparse(url).port or defaults.livekit_port
    return StackConfig(
        livekit_port=livekit_port,
        web_host=env.get("WEB_HOST") or defaults.web_host,
        web_port=int(env.get("WEB_PORT") or defaults.web_port),
        external_livekit_url=external,
        api_key=env.get("LIVEKIT_API_KEY") or defaults.api_key,
        api_secret=env.get("LIVEKIT_API_SECRET") or defaults.api_secret,
        database_url=env.get("DATABASE_URL") or None,
        agent_profile=env.get("AGENT_PROFILE") or defaults.agent_profile,
        worker_http_port=int(env.get("AGENT_HTTP_PORT") or defaults.worker_http_port),
        sip=env.get("SIP", "") not in ("", "0"),
        sip_port=int(env.get("SIP_PORT") or defaults.sip_port),
    )


def already_running() -> int | None:
    try:
        pid = int(PID_FILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def taken_ports(config: StackConfig) -> list[str]:
    wanted: list[tuple[str, int, int, str]] = [
        (config.web_host, config.web_port, socket.SOCK_STREAM, "web app (WEB_PORT)"),
    ]
    if config.worker_http_port:
        health = "worker health (AGENT_HTTP_PORT)"
        wanted.append(("0.0.0.0", config.worker_http_port, socket.SOCK_STREAM, health))
    if config.sip:
        wanted.append(("127.0.0.1", config.sip_port, socket.SOCK_DGRAM, "phone gateway (SIP_PORT)"))
    if config.runs_local_livekit:
        wanted += [
            ("127.0.0.1", config.livekit_port, socket.SOCK_STREAM, "livekit-server signalling"),
            ("0.0.0.0", config.rtc_tcp_port, socket.SOCK_STREAM, "livekit-server ICE/TCP"),
            ("127.0.0.1", config.rtc_udp_port, socket.SOCK_DGRAM, "livekit-server media (UDP)"),
        ]
    proto: dict[int, str] = {socket.SOCK_STREAM: "tcp", socket.SOCK_DGRAM: "udp"}
    return [
        f"{proto[kind]} port {port} ({what})"
        for host, port, kind, what in wanted
        if not port_is_free(host, port, kind)
    ]


def preflight(config: StackConfig) -> str | None:
    """A message explaining why we cannot start, or None."""
    pid = already_running()
    if pid is not None:
        return (
            f"The clinic is already running (make run, pid {pid}). Open {config.web_url} — "
            f"or stop it with Ctrl-C in its terminal (or `kill {pid}`) before starting again."
        )
    if config.runs_local_livekit and not LIVEKIT_SERVER.is_file():
        return f"{LIVEKIT_SERVER} is missing: run `make livekit-server` (or `make run`)."
    taken = taken_ports(config)
    if taken:
        return (
            "Cannot start: in use by another program — "
            + "; ".join(taken)
            + ". Stop it, or choose other ports (WEB_PORT, LIVEKIT_URL, AGENT_HTTP_PORT)."
        )
    return None


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def banner(config: StackConfig) -> str:
    lines = [
        "",
        "  Maple Street Family Clinic is running.",
        f"  Patient page:  {config.web_url}/",
        f"  Staff console: {config.web_url}/staff",
        "                 (first sign-in: start with STAFF_PASSWORD=... set, or run",
        "                 `python -m booking staff add NAME --role admin`)",
        f"  LiveKit:       {config.livekit_url}"
        + ("" if config.runs_local_livekit else "  (external)"),
        *(
            [f"  Phone (SIP):   sip:clinic@127.0.0.1:{config.sip_port} (udp, G.711)"]
            if config.sip
            else []
        ),
        f"  Logs:          {LOG_DIR}/",
        "  Press Ctrl-C to stop everything.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    os.chdir(ROOT)
    env = dict(os.environ)
    load_dotenv(ROOT / ".env", env)
    os.environ.update(env)
    config = config_from_env(env)
    problem = preflight(config)
    if problem:
        print(problem, file=sys.stderr)
        return 2

    PID_FILE.parent.mkdir(parents=True, exist_ok=True)
    PID_FILE.write_text(str(os.getpid()))
    # Explicit handlers: a shell that starts us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    supervisor = Supervisor(SupervisorOptions(log_dir=LOG_DIR, cwd=ROOT))
    code = 0
    try:
        for service in services(config):
            print(f"starting {service.name} (log: var/log/{service.name}.log) …", flush=True)
            supervisor.start(service)
        print(banner(config), flush=True)
        while True:
            gone = supervisor.exited()
            if gone:
                name, status, log_path = gone[0]
                print(
                    f"\n{name} stopped unexpectedly (exit code {status}); stopping the rest.\n"
                    f"Last lines of {log_path}:\n{log_tail(log_path)}",
                    file=sys.stderr,
                )
                code = 1
                break
            time.sleep(0.5)
    except StartError as exc:
        print(f"\n{exc}", file=sys.stderr)
        code = 1
    except (KeyboardInterrupt, Stop):
        print("\nstopping …", flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up
        supervisor.stop_all()
        PID_FILE.unlink(missing_ok=True)
        print("all stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
