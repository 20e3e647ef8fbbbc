"""Engines and migrations. SQLite writes are serialized (BEGIN IMMEDIATE + an in-process
lock) so that racing writers queue instead of failing with 'database is locked'; the unique
keys in the schema, not this serialization, are what rule out double bookings."""

from __future__ import annotations

import asyncio
import json
import os
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from booking.options import BookingOptions

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_PG_MIGRATION_LOCK = 7_223_001  # advisory lock id: concurrent starters migrate one at a time


def resolve_url(database_url: str | None, options: BookingOptions) -> str:
    """Explicit URL, else $DATABASE_URL, else the SQLite file; sync driver names get async ones."""
    url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{options.sqlite_path}"
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    if parsed.drivername not in ("postgresql+asyncpg", "sqlite+aiosqlite"):
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")
    if parsed.drivername.startswith("sqlite"):
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("SQLite needs a file path (an in-memory database is per-connection)")
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return parsed.render_as_string(hide_password=False)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, default=str)


class Database:
    """Read and write connections for one database."""

    def __init__(self, url: str, options: BookingOptions) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self._writer = create_async_engine(url, json_serializer=_json_dumps)
            self._reader = create_async_engine(url, json_serializer=_json_dumps)
            _sqlite_setup(self._writer, options, immediate=True)
            _sqlite_setup(self._reader, options, immediate=False)
            self._lock: asyncio.Lock | None = asyncio.Lock()
        else:
            self._writer = create_async_engine(
                url,
                json_serializer=_json_dumps,
                pool_size=options.pool_size,
                max_overflow=options.max_overflow,
            )
            self._reader = self._writer
            self._lock = None

    @property
    def engine(self) -> AsyncEngine:
        return self._writer

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One transaction; committed on normal exit, rolled back on any exception."""
        if self._lock is None:
            async with self._writer.begin() as conn:
                yield conn
            return
        async with self._lock, self._writer.begin() as conn:
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self._reader.connect() as conn:
            yield conn

    async def migrate(self) -> None:
        # Alembic keeps the running migration in module globals (`context`, `op`): two
        # databases migrating at once in one process (concurrent simulated calls) would
        # write into each other's connection, so migrations take turns per event loop.
        async with _migration_lock(), self.write() as conn:
            if not self.is_sqlite:
                await conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"))
            await conn.run_sync(_upgrade)

    async def revision(self) -> str | None:
        async with self.read() as conn:
            try:
                result = await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            except sa.exc.DBAPIError:
                return None
            return result.scalar_one_or_none()

    async def dispose(self) -> None:
        await self._writer.dispose()
        if self._reader is not self._writer:
            await self._reader.dispose()


_MIGRATION_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _migration_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _MIGRATION_LOCKS.get(loop)
    if lock is None:
        lock = _MIGRATION_LOCKS[loop] = asyncio.Lock()
    return lock


def head_revision() -> str | None:
    """The newest revision in booking/migrations/versions."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def _upgrade(sync_conn: sa.Connection) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


def _sqlite_setup(engine: AsyncEngine, options: BookingOptions, *, immediate: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN is ours to issue.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {options.sqlite_busy_timeout_ms}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that later upgrades
        # to a writer can fail at once with SQLITE_BUSY instead of waiting.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
