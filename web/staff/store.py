"""Staff accounts, sessions, API and calendar tokens, login lockout, settings, webhook outbox."""

from __future__ import annotations

import re
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from web.staff import tables as t
from web.staff.options import StaffOptions
from web.staff.security import (
    Passwords,
    check_password_rules,
    new_token,
    same,
    token_digest,
)

Role = Literal["staff", "admin"]
ROLES: tuple[Role, ...] = ("staff", "admin")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")


class StaffError(ValueError):
    """A staff-account request that cannot be done; the message says why, for the console."""


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    role: Role
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class StaffSession:
    user: StaffUser
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginResult:
    user: StaffUser | None
    # ok | invalid | locked
    status: str


@dataclass(frozen=True)
class ApiTokenInfo:
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class OutboxItem:
    id: int
    event: str
    payload: str
    attempts: int


def _user(row: sa.Row) -> StaffUser:
    return StaffUser(row.id, row.username, row.role, row.created_at)


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise StaffError(
            "username must be 2-40 characters: lowercase letters, digits, '.', '_' or '-'"
        )
    return name


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return role  # type: ignore[return-value]


class Db(Protocol):
    """What the store needs of booking.db.Database: one-transaction writes and reads."""

    def write(self) -> AbstractAsyncContextManager[AsyncConnection]: ...

    def read(self) -> AbstractAsyncContextManager[AsyncConnection]: ...


class StaffStore:
    """All staff state, in the booking database (tables prefixed `staff_`)."""

    def __init__(self, db: Db, options: StaffOptions) -> None:
        self.db = db
        self.options = options
        self.passwords = Passwords(options.argon2_time_cost, options.argon2_memory_kib)

    @classmethod
    async def open(cls, db: Db, options: StaffOptions | None = None) -> StaffStore:
        # The Alembic revision normally made these; create_all only fills gaps (checkfirst).
        async with db.write() as conn:
            await conn.run_sync(t.metadata.create_all)
        return cls(db, options or StaffOptions())

    # accounts -------------------------------------------------------------------------------

    async def add_user(self, username: str, password: str, role: str, now: datetime) -> StaffUser:
        name, role_ = check_username(username), check_role(role)
        try:
            check_password_rules(password)
        except ValueError as exc:
            raise StaffError(str(exc)) from None
        digest = await self.passwords.hash(password)
        try:
            async with self.db.write() as conn:
                result = await conn.execute(
                    t.users.insert().values(
                        username=name, password_hash=digest, role=role_, created_at=now
                    )
                )
                user_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        except IntegrityError:
            raise StaffError(f"a staff account named {name!r} already exists") from None
        return StaffUser(user_id, name, role_, now)

    async def set_password(self, username: str, password: str) -> None:
        try:
            check_password_rules(password)
        except ValueError as exc:
            raise StaffError(str(exc)) from None
        user = await self.require_user(username)
        digest = await self.passwords.hash(password)
        async with self.db.write() as conn:
            await conn.execute(
                t.users.update().where(t.users.c.id == user.id).values(password_hash=digest)
            )
            # A new password ends every open session of that account.
            await conn.execute(t.sessions.delete().where(t.sessions.c.user_id == user.id))

    async def remove_user(self, username: str) -> None:
        user = await self.require_user(username)
        async with self.db.write() as conn:
            if user.is_admin:
                await self._keep_an_admin(conn, "cannot remove the last admin account")
            for table in (t.sessions, t.api_tokens):
                await conn.execute(table.delete().where(table.c.user_id == user.id))
            await conn.execute(t.users.delete().where(t.users.c.id == user.id))

    async def set_role(self, username: str, role: str) -> StaffUser:
        """Change an account's role. Its sessions and API tokens stay: every request reads the
        role afresh (auth.py), so the change applies from the next one."""
        role_ = check_role(role)
        user = await self.require_user(username)
        async with self.db.write() as conn:
            if user.is_admin and role_ != "admin":
                await self._keep_an_admin(conn, "cannot take the admin role from the last admin")
            await conn.execute(t.users.update().where(t.users.c.id == user.id).values(role=role_))
        return StaffUser(user.id, user.username, role_, user.created_at)

    async def _keep_an_admin(self, conn: AsyncConnection, refusal: str) -> None:
        """Refuse (StaffError) when the admin about to go is the only one: nobody could manage
        accounts from the console any more. The admin rows are locked (PostgreSQL; SQLite
        writes take turns anyway), so two admins demoting each other at once can't both pass."""
        admins = await conn.execute(
            sa.select(t.users.c.id).where(t.users.c.role == "admin").with_for_update()
        )
        if len(admins.all()) <= 1:
            raise StaffError(refusal)

    async def list_users(self) -> list[StaffUser]:
        async with self.db.read() as conn:
            rows = await conn.execute(sa.select(t.users).order_by(t.users.c.username))
            return [_user(r) for r in rows]

    async def get_user(self, username: str) -> StaffUser | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    sa.select(t.users).where(t.users.c.username == username.strip().lower())
                )
            ).first()
        return _user(row) if row else None

    async def require_user(self, username: str) -> StaffUser:
        user = await self.get_user(username)
        if user is None:
            raise StaffError(f"no staff account named {username.strip().lower()!r}")
        return user

    # login with lockout -----------------------------------------------------------------------

    async def authenticate(
        self, username: str, password: str, client: str, now: datetime
    ) -> LoginResult:
        name = username.strip().lower()[:40]
        keys = (f"user:{name}", f"ip:{client[:100]}")
        async with self.db.read() as conn:
            rows = await conn.execute(
                sa.select(t.login_failures).where(t.login_failures.c.key.in_(keys))
            )
            if any(r.locked_until is not None and r.locked_until > now for r in rows):
                return LoginResult(None, "locked")
            row = (await conn.execute(sa.select(t.users).where(t.users.c.username == name))).first()
        ok = await self.passwords.verify(row.password_hash if row else None, password)
        if ok and row is not None:
            # The address's count goes too: colleagues behind one NAT must not add up their
            # typos into a lockout. Guessing stays bounded by each account's own counter.
            async with self.db.write() as conn:
                await conn.execute(
                    t.login_failures.delete().where(t.login_failures.c.key.in_(keys))
                )
            return LoginResult(_user(row), "ok")
        for attempt in range(2):
            try:
                locked = False
                async with self.db.write() as conn:
                    for key in keys:
                        locked = await self._count_failure(conn, key, now) or locked
                break
            except IntegrityError:
                # Two failures raced to create the same counter row; counting again
                # now finds it.
                if attempt:
                    raise
        return LoginResult(None, "locked" if locked else "invalid")

    async def _count_failure(self, conn: AsyncConnection, key: str, now: datetime) -> bool:
        opts = self.options
        row = (
            await conn.execute(sa.select(t.login_failures).where(t.login_failures.c.key == key))
        ).first()
        if row is None:
            await conn.execute(t.login_failures.insert().values(key=key, count=1, window_start=now))
            count, start = 1, now
        else:
            fresh = now - row.window_start > opts.failure_window
            count, start = (1, now) if fresh else (row._mapping["count"] + 1, row.window_start)
        locked_until = now + opts.lockout if count >= opts.max_failures else None
        if locked_until is not None:
            count, start = 0, now  # the lock itself is the penalty; counting restarts after it
        await conn.execute(
            t.login_failures.update()
            .where(t.login_failures.c.key == key)
            .values(count=count, window_start=start, locked_until=locked_until)
        )
        return locked_until is not None

    # browser sessions ---------------------------------------------------------------------------

    async def create_session(self, user: StaffUser, now: datetime) -> tuple[str, StaffSession]:
        token, csrf = new_token(), new_token()
        expires = now + self.options.session_ttl
        async with self.db.write() as conn:
            await conn.execute(t.sessions.delete().where(t.sessions.c.expires_at <= now))
            await conn.execute(
                t.sessions.insert().values(
                    token_hash=token_digest(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=expires,
                )
            )
        return token, StaffSession(user, csrf, expires)

    async def get_session(self, token: str, now: datetime) -> StaffSession | None:
        query = (
            sa.select(t.sessions, t.users)
            .join(t.users, t.users.c.id == t.sessions.c.user_id)
            .where(t.sessions.c.token_hash == token_digest(token))
        )
        async with self.db.read() as conn:
            row = (await conn.execute(query)).first()
        if row is None or row.expires_at <= now:
            return None
        return StaffSession(_user(row), row.csrf_token, row.expires_at)

    async def end_session(self, token: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                t.sessions.delete().where(t.sessions.c.token_hash == token_digest(token))
            )

    # API tokens ---------------------------------------------------------------------------------

    async def create_api_token(self, user: StaffUser, label: str, now: datetime) -> str:
        label = label.strip()[:80] or "api"
        token = "cst_" + new_token()
        async with self.db.write() as conn:
            await conn.execute(
                t.api_tokens.insert().values(
                    user_id=user.id, token_hash=token_digest(token), label=label, created_at=now
                )
            )
        return token

    async def user_for_api_token(self, token: str, now: datetime) -> StaffUser | None:
        digest = token_digest(token)
        query = (
            sa.select(t.users, t.api_tokens.c.id.label("token_id"))
            .join(t.api_tokens, t.api_tokens.c.user_id == t.users.c.id)
            .where(t.api_tokens.c.token_hash == digest)
        )
        async with self.db.write() as conn:
            row = (await conn.execute(query)).first()
            if row is None:
                return None
            await conn.execute(
                t.api_tokens.update()
                .where(t.api_tokens.c.id == row.token_id)
                .values(last_used_at=now)
            )
        return _user(row)

    async def list_api_tokens(self, user: StaffUser) -> list[ApiTokenInfo]:
        async with self.db.read() as conn:
            rows = await conn.execute(
                sa.select(t.api_tokens)
                .where(t.api_tokens.c.user_id == user.id)
                .order_by(t.api_tokens.c.id)
            )
            return [ApiTokenInfo(r.id, r.label, r.created_at, r.last_used_at) for r in rows]

    async def revoke_api_token(self, user: StaffUser, token_id: int) -> bool:
        async with self.db.write() as conn:
            result = await conn.execute(
                t.api_tokens.delete().where(
                    t.api_tokens.c.id == token_id, t.api_tokens.c.user_id == user.id
                )
            )
        return bool(result.rowcount)

    # calendar feed tokens -----------------------------------------------------------------------

    async def new_calendar_token(self, provider_id: str, now: datetime) -> str:
        token = new_token(24)
        async with self.db.write() as conn:
            await conn.execute(
                t.calendar_tokens.delete().where(t.calendar_tokens.c.provider_id == provider_id)
            )
            await conn.execute(
                t.calendar_tokens.insert().values(
                    provider_id=provider_id, token_hash=token_digest(token), created_at=now
                )
            )
        return token

    async def check_calendar_token(self, provider_id: str, token: str) -> bool:
        async with self.db.read() as conn:
            stored = await conn.scalar(
                sa.select(t.calendar_tokens.c.token_hash).where(
                    t.calendar_tokens.c.provider_id == provider_id
                )
            )
        return stored is not None and same(stored, token_digest(token))

    async def calendar_tokens_created(self) -> dict[str, datetime]:
        async with self.db.read() as conn:
            rows = await conn.execute(sa.select(t.calendar_tokens))
            return {r.provider_id: r.created_at for r in rows}

    # settings -----------------------------------------------------------------------------------

    async def get_setting(self, key: str) -> str | None:
        async with self.db.read() as conn:
            value = await conn.scalar(sa.select(t.settings.c.value).where(t.settings.c.key == key))
        return None if value is None else str(value)

    async def set_setting(self, key: str, value: str | None) -> None:
        async with self.db.write() as conn:
            await conn.execute(t.settings.delete().where(t.settings.c.key == key))
            if value is not None:
                await conn.execute(t.settings.insert().values(key=key, value=value))

    # webhook bookkeeping ------------------------------------------------------------------------

    async def seen_fingerprints(self) -> dict[str, str]:
        async with self.db.read() as conn:
            rows = await conn.execute(sa.select(t.webhook_seen))
            return {r.appointment_id: r.fingerprint for r in rows}

    async def record_changes(
        self,
        seen: dict[str, str],
        events: list[tuple[str, str]],
        now: datetime,
    ) -> None:
        """Store the new fingerprints and queue the events, in one transaction."""
        async with self.db.write() as conn:
            await conn.execute(
                t.webhook_seen.delete().where(t.webhook_seen.c.appointment_id.in_(seen))
            )
            if seen:
                await conn.execute(
                    t.webhook_seen.insert(),
                    [{"appointment_id": k, "fingerprint": v} for k, v in seen.items()],
                )
            for event, payload in events:
                await conn.execute(
                    t.webhook_outbox.insert().values(
                        event=event,
                        payload=payload,
                        created_at=now,
                        attempts=0,
                        next_attempt_at=now,
                    )
                )

    async def due_deliveries(self, now: datetime, limit: int = 20) -> list[OutboxItem]:
        query = (
            sa.select(t.webhook_outbox)
            .where(
                t.webhook_outbox.c.delivered_at.is_(None),
                t.webhook_outbox.c.next_attempt_at <= now,
                t.webhook_outbox.c.attempts < self.options.webhook_max_attempts,
            )
            .order_by(t.webhook_outbox.c.id)
            .limit(limit)
        )
        async with self.db.read() as conn:
            rows = await conn.execute(query)
            return [OutboxItem(r.id, r.event, r.payload, r.attempts) for r in rows]

    async def mark_delivery(
        self,
        item_id: int,
        *,
        delivered_at: datetime | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> None:
        values: dict[str, object] = {"attempts": t.webhook_outbox.c.attempts + 1}
        if delivered_at is not None:
            values["delivered_at"] = delivered_at
        if error is not None:
            values["last_error"] = error[:300]
        if retry_at is not None:
            values["next_attempt_at"] = retry_at
        async with self.db.write() as conn:
            await conn.execute(
                t.webhook_outbox.update().where(t.webhook_outbox.c.id == item_id).values(**values)
            )

    async def outbox(self, limit: int = 50) -> list[sa.Row]:
        async with self.db.read() as conn:
            rows = await conn.execute(
                sa.select(t.webhook_outbox).order_by(t.webhook_outbox.c.id.desc()).limit(limit)
            )
            return list(rows)


def retry_delay(options: StaffOptions, attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8 ... times the base, capped at 5 minutes."""
    return timedelta(seconds=min(options.webhook_backoff_s * 2**attempts, 300.0))
