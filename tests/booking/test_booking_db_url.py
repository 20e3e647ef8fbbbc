"""Which database a service opens when it is given no URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from booking.db import resolve_url
from booking.options import DEFAULT_OPTIONS, PROJECT_ROOT


def test_default_sqlite_file_is_under_the_project_root_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (PROJECT_ROOT / "Makefile").is_file()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    url = make_url(resolve_url(None, DEFAULT_OPTIONS))
    assert url.drivername == "sqlite+aiosqlite"
    assert Path(str(url.database)) == PROJECT_ROOT / "var" / "clinic.db"
    assert not (tmp_path / "var").exists()


def test_database_url_still_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    url = make_url(resolve_url(None, DEFAULT_OPTIONS))
    assert Path(str(url.database)) == tmp_path / "other.db"
    explicit = make_url(resolve_url(f"sqlite:///{tmp_path / 'given.db'}", DEFAULT_OPTIONS))
    assert Path(str(explicit.database)) == tmp_path / "given.db"
