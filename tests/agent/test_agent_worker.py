"""Worker wiring that can be checked without a LiveKit server."""

from __future__ import annotations

import os

from agent.name import DEFAULT_AGENT_NAME
from agent.worker import (
    WorkerSettings,
    _lower_priority,
    clinic_vocabulary,
    worker_options,
)
from booking import BookingService


def test_worker_settings_from_env() -> None:
    s = WorkerSettings.from_env(
        {
            "AGENT_INIT_TIMEOUT_S": "90",
            "AGENT_IDLE_PROCESSES": "2",
            "AGENT_HTTP_PORT": "0",
            "AGENT_MAX_CALLS": "3",
        }
    )
    assert (s.init_timeout_s, s.idle_processes, s.http_port, s.max_calls) == (90.0, 2, 0, 3)
    assert WorkerSettings.from_env({}) == WorkerSettings()


def test_worker_options_load_counts_calls() -> None:
    opts = worker_options(WorkerSettings(max_calls=4))
    assert opts.agent_name == DEFAULT_AGENT_NAME
    assert opts.initialize_process_timeout == 180.0
    assert opts.load_threshold == 0.99

    class Server:
        def __init__(self) -> None:
            self.active_jobs = [object(), object()]

    assert opts.load_fnc(Server()) == 0.5  # type: ignore[call-arg,arg-type]


def test_prewarm_priority_is_restored() -> None:
    before = os.getpriority(os.PRIO_PROCESS, 0)
    with _lower_priority(5):
        assert os.getpriority(os.PRIO_PROCESS, 0) in (before + 5, before)
    after = os.getpriority(os.PRIO_PROCESS, 0)
    assert after == before or os.geteuid() != 0


def test_stt_vocabulary_comes_from_the_clinic(booking_service: BookingService) -> None:
    words = clinic_vocabulary(booking_service)
    assert {"Doctor Patel", "Lee Chen", "checkup", "Aetna"} <= set(words)
