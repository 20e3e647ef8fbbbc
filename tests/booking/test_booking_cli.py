"""`python -m booking`: one real subprocess for the entry point, the rest in-process
(same argv parsing and exit codes, without paying interpreter start-up each time)."""

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from booking.cli import main

ROOT = Path(__file__).resolve().parents[2]
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["--now", "2026-03-02T09:00", *args])
        except SystemExit as e:  # argparse usage errors
            code = int(e.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_module_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "booking", "availability", "--visit-type", "vaccination"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 5 and "vaccination" in proc.stdout
    bad = subprocess.run([*cmd[:3], "nope"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_cli_book_list_cancel(cli: Cli) -> None:
    code, out, _ = cli("seed")
    assert code == 0 and "Maple Street Family Clinic" in out
    code, out, _ = cli("availability", "--visit-type", "checkup", "--provider", "Patel")
    assert code == 0 and out.splitlines()[0].startswith("Mon 2026-03-02 09:00-09:30  checkup")
    code, out, err = cli(
        "hold", "--provider", "Dr. Patel", "--visit-type", "checkup", "--start", "2026-03-05 10:00"
    )
    assert code == 0, err
    hold_id = out.split()[0]
    code, _, err = cli(
        "hold", "--provider", "Patel", "--visit-type", "checkup", "--start", "2026-03-05 10:15"
    )
    assert code == 3 and "taken" in err
    code, out, _ = cli("confirm", hold_id, "--name", "Maria Lopez", "--dob", "1985-03-03")
    assert code == 0 and "[confirmed]" in out
    appt_id = out.split()[0]
    _, out, _ = cli("list", "--date", "2026-03-05")
    assert re.search(rf"^{appt_id} .*Maria Lopez", out, re.M)
    code, out, _ = cli("cancel", appt_id)
    assert code == 0 and "[cancelled]" in out
    assert "No appointments." in cli("list")[1]


def test_cli_errors(cli: Cli) -> None:
    code, _, err = cli("availability", "--visit-type", "massage")
    assert code == 3 and "unknown visit type" in err
    code, _, err = cli("availability", "--visit-type", "checkup", "--date", "2026-02-30")
    assert code == 2 and "expected a date" in err
    code, _, err = cli(
        "hold", "--provider", "Patel", "--visit-type", "checkup", "--start", "2026-03-08 10:00"
    )
    assert code == 3 and "closed on Sundays" in err
    assert cli("cancel", "nope")[0] == 3
    assert cli("confirm", "nope", "--name", "A B", "--dob", "1990-01-01")[0] == 3
    assert cli("availability", "--visit-type", "checkup", "--limit", "0")[0] == 2
    code, _, err = cli("--db", "mysql://x/y", "seed")
    assert code == 4 and "unsupported database URL" in err
