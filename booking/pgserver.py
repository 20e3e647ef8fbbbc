"""A throwaway PostgreSQL server for tests and benchmarks: Debian's initdb/pg_ctl on a free
loopback port in a temporary directory. As root it runs the server as the `postgres` user,
because PostgreSQL refuses to run as root."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL binaries or the account to run them are missing."""


def find_pg_bin() -> Path:
    """$PG_BIN, else the newest /usr/lib/postgresql/*/bin, else pg_ctl on PATH."""
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )[::-1]
    on_path = shutil.which("pg_ctl")
    candidates.append(str(Path(on_path).parent) if on_path else "")
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (looked in $PG_BIN, /usr/lib/postgresql/*/bin, "
        "PATH); install them with `apt-get install -y postgresql` (make test does this)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bin_dir: Path
    root: Path
    port: int
    run_as: str | None  # account the server runs as (None: the current user)

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the server's default `postgres` database."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        self._psql(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _psql(self, sql: str) -> None:
        psql = str(self.bin_dir / "psql")
        where = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres"]
        self._run(psql, "-X", "-q", *where, "-v", "ON_ERROR_STOP=1", "-c", sql)

    def _run(self, *args: str) -> None:
        cmd = ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.strip() or proc.stdout}")

    def start(self, *, fsync: bool, max_connections: int) -> None:
        data, log = self.root / "data", self.root / "server.log"
        initdb = str(self.bin_dir / "initdb")
        self._run(
            initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        durability = "on" if fsync else "off"
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            f"-c max_connections={max_connections} -c fsync={durability} "
            f"-c synchronous_commit={durability} -c full_page_writes={durability}"
        )
        pg_ctl = str(self.bin_dir / "pg_ctl")
        try:
            self._run(
                pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"
            )
        except RuntimeError as e:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{e}\n{tail}") from e

    def stop(self) -> None:
        pg_ctl = str(self.bin_dir / "pg_ctl")
        with contextlib.suppress(RuntimeError):
            self._run(pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")


@contextlib.contextmanager
def temp_postgres(*, fsync: bool = False, max_connections: int = 300) -> Iterator[PgServer]:
    """Start a private server; stop it and delete its files on exit. fsync=False is for
    tests (fast, not crash-safe); benchmarks pass fsync=True for honest commit costs."""
    bin_dir = find_pg_bin()
    run_as: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root and there is no `postgres` account to run the server as"
            ) from None
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="booking-pg-"))
    if run_as:
        shutil.chown(root, user=run_as)
    server = PgServer(bin_dir=bin_dir, root=root, port=_free_port(), run_as=run_as)
    try:
        server.start(fsync=fsync, max_connections=max_connections)
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
