"""`python -m booking staff ...` on a temp SQLite database: roles change from the shell too,
and the last admin keeps the role."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from web.staff import cli

PW = "a-long-enough-password\n"


def run(url: str, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["--database-url", url, *argv], stdin=io.StringIO(PW), out=out)
    return code, out.getvalue()


def test_role_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STAFF_ARGON2_TIME_COST", "1")  # cheap hashing in tests
    monkeypatch.setenv("STAFF_ARGON2_MEMORY_KIB", "8192")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert run(url, "add", "alice", "--role", "admin", "--password-stdin")[0] == 0
    assert run(url, "add", "bob", "--password-stdin")[0] == 0
    assert run(url, "role", "bob", "admin") == (0, "bob is now admin\n")
    assert run(url, "role", "alice", "staff") == (0, "alice is now staff\n")
    assert run(url, "role", "bob", "staff")[0] == 2
    assert "last admin" in capsys.readouterr().err
    code, listed = run(url, "list")
    assert code == 0 and [line.split("\t")[:2] for line in listed.splitlines()] == [
        ["alice", "staff"],
        ["bob", "admin"],
    ]
    with pytest.raises(SystemExit):  # argparse: not one of the roles
        run(url, "role", "bob", "root")
