"""`make console` (`python -m sim console`): typed lines in, the agent's replies out."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from sim.console import console

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-03-02T09:00"


def test_piped_lines_book_an_appointment() -> None:
    """The command `make console` runs, fed through a pipe as a terminal would; the end of
    input hangs up."""
    lines = "I need a checkup Thursday at 10\nMaria Lopez, March 3rd 1985\n/state\nyes\n"
    done = subprocess.run(
        [sys.executable, "-m", "sim", "console", "--today", TODAY],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,  # a guard against a hang, not a timing claim
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "agent> Thanks for calling" in out
    assert "Shall I book it?" in out
    assert '"awaiting": "confirmation"' in out  # /state shows the dialogue state as JSON
    assert "You're all set for Thursday, March 5th at 10 AM" in out
    assert out.rstrip().endswith("[call ended: booked]")


async def test_keypad_zero_and_quit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = "I need a sick visit tomorrow at nine\n\n/dtmf 0\n/quit\nis there parking?\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    assert await console(today=TODAY) == 0
    out = capsys.readouterr().out
    assert "agent> Great, I'm holding tomorrow" in out
    assert "connecting you" in out
    assert "parking" not in out.lower()  # nothing after /quit is read
    assert out.rstrip().endswith("[call ended: transferred]")
