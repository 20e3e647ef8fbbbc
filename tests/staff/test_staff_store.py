"""StaffStore on a real SQLite database: accounts, lockout (per account and per address),
sessions, API and calendar tokens. The clock is a FixedClock so expiry is exact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from booking import BookingService, FixedClock
from web.staff.options import StaffOptions
from web.staff.store import StaffError, StaffStore

NOW = datetime(2026, 3, 2, 9, 0)
PW = "a-long-enough-password"
# Cheap argon2 for tests; production cost is the StaffOptions default.
FAST_HASHING = StaffOptions(argon2_time_cost=1, argon2_memory_kib=8192)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def staff_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'c.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
async def store(staff_db_url: str) -> AsyncIterator[tuple[StaffStore, FixedClock]]:
    clock = FixedClock(NOW)
    svc = await BookingService.open(staff_db_url, clock=clock)
    yield await StaffStore.open(svc.db, FAST_HASHING), clock
    await svc.close()


async def test_accounts(store: tuple[StaffStore, FixedClock]) -> None:
    s, _ = store
    admin = await s.add_user("Alice", PW, "admin", NOW)
    assert admin.username == "alice" and admin.is_admin
    for bad in (
        ("alice", PW, "staff"),
        ("x", PW, "staff"),
        ("bob", "short", "staff"),
        ("bob", PW, "root"),
        ("bad name", PW, "staff"),
    ):
        with pytest.raises(StaffError):
            await s.add_user(*bad, NOW)
    with pytest.raises(StaffError, match="last admin"):
        await s.remove_user("alice")
    await s.add_user("bob", PW, "staff", NOW)
    assert [u.username for u in await s.list_users()] == ["alice", "bob"]


async def test_role_change_keeps_an_admin(store: tuple[StaffStore, FixedClock]) -> None:
    s, clock = store
    await s.add_user("alice", PW, "admin", NOW)
    bob = await s.add_user("bob", PW, "staff", NOW)
    token, _ = await s.create_session(bob, clock.now())
    with pytest.raises(StaffError, match="last admin"):
        await s.set_role("alice", "staff")
    with pytest.raises(StaffError, match="role must be"):
        await s.set_role("bob", "root")
    with pytest.raises(StaffError, match="no staff account"):
        await s.set_role("carol", "admin")
    assert (await s.set_role("Bob", "admin")).is_admin
    # bob's open session carries the new role at once
    session = await s.get_session(token, clock.now())
    assert session is not None and session.user.is_admin
    assert not (await s.set_role("alice", "staff")).is_admin  # bob is an admin now
    with pytest.raises(StaffError, match="last admin"):
        await s.remove_user("bob")
    assert {u.username: u.role for u in await s.list_users()} == {"alice": "staff", "bob": "admin"}


async def test_lockout_per_account_then_expiry(store: tuple[StaffStore, FixedClock]) -> None:
    s, clock = store
    await s.add_user("alice", PW, "staff", NOW)
    results = [
        (await s.authenticate("alice", "wrong", f"10.0.0.{i}", clock.now())).status
        for i in range(5)
    ]
    assert results == ["invalid"] * 4 + ["locked"]
    # Locked: even the right password from a fresh address is refused...
    assert (await s.authenticate("alice", PW, "10.0.9.9", clock.now())).status == "locked"
    clock.advance(timedelta(minutes=14, seconds=59))
    assert (await s.authenticate("alice", PW, "10.0.9.9", clock.now())).status == "locked"
    # ...until the 15 minutes are over.
    clock.advance(timedelta(seconds=2))
    ok = await s.authenticate("alice", PW, "10.0.9.9", clock.now())
    assert ok.status == "ok" and ok.user is not None


async def test_lockout_per_address(store: tuple[StaffStore, FixedClock]) -> None:
    s, clock = store
    await s.add_user("alice", PW, "staff", NOW)
    for i in range(5):  # guessing five different accounts from one address
        await s.authenticate(f"user{i}", "guess", "10.1.1.1", clock.now())
    assert (await s.authenticate("alice", PW, "10.1.1.1", clock.now())).status == "locked"
    assert (await s.authenticate("alice", PW, "10.1.1.2", clock.now())).status == "ok"


async def test_a_sign_in_clears_the_address_count(store: tuple[StaffStore, FixedClock]) -> None:
    s, clock = store
    for name in ("alice", "bob"):
        await s.add_user(name, PW, "staff", NOW)
    # Colleagues behind one address: typos below the limit, then a good sign-in...
    for _ in range(4):
        await s.authenticate("alice", "typo", "10.3.0.1", clock.now())
    assert (await s.authenticate("alice", PW, "10.3.0.1", clock.now())).status == "ok"
    # ...so the next colleague's typos start from zero: four more do not lock the address.
    for _ in range(4):
        assert (await s.authenticate("bob", "typo", "10.3.0.1", clock.now())).status == "invalid"
    assert (await s.authenticate("bob", PW, "10.3.0.1", clock.now())).status == "ok"


async def test_failures_outside_the_window_do_not_add_up(
    store: tuple[StaffStore, FixedClock],
) -> None:
    s, clock = store
    await s.add_user("alice", PW, "staff", NOW)
    for _ in range(4):
        await s.authenticate("alice", "wrong", "10.2.0.1", clock.now())
    clock.advance(timedelta(minutes=16))
    assert (await s.authenticate("alice", "wrong", "10.2.0.1", clock.now())).status == "invalid"
    assert (await s.authenticate("alice", PW, "10.2.0.1", clock.now())).status == "ok"


async def test_sessions_expire_and_password_change_ends_them(
    store: tuple[StaffStore, FixedClock],
) -> None:
    s, clock = store
    user = await s.add_user("alice", PW, "staff", NOW)
    token, session = await s.create_session(user, clock.now())
    got = await s.get_session(token, clock.now())
    assert got is not None and got.csrf_token == session.csrf_token
    assert await s.get_session("forged", clock.now()) is None
    clock.advance(timedelta(hours=8, seconds=1))
    assert await s.get_session(token, clock.now()) is None
    token2, _ = await s.create_session(user, clock.now())
    await s.set_password("alice", "another-long-password")
    assert await s.get_session(token2, clock.now()) is None


async def test_api_and_calendar_tokens(store: tuple[StaffStore, FixedClock]) -> None:
    s, clock = store
    user = await s.add_user("alice", PW, "staff", NOW)
    token = await s.create_api_token(user, "crm", clock.now())
    assert (await s.user_for_api_token(token, clock.now())) == user
    [info] = await s.list_api_tokens(user)
    assert info.label == "crm" and info.last_used_at == clock.now()
    assert await s.revoke_api_token(user, info.id)
    assert await s.user_for_api_token(token, clock.now()) is None
    cal = await s.new_calendar_token("patel", clock.now())
    assert await s.check_calendar_token("patel", cal)
    assert not await s.check_calendar_token("okafor", cal)
    assert not await s.check_calendar_token("patel", cal + "x")


async def test_bootstrap_admin_from_staff_password(
    store: tuple[StaffStore, FixedClock], caplog: pytest.LogCaptureFixture
) -> None:
    from web.staff.router import bootstrap_admin

    s, clock = store
    await bootstrap_admin(s, "short", clock.now())
    assert await s.list_users() == [] and "STAFF_PASSWORD was not used" in caplog.text
    await bootstrap_admin(s, PW, clock.now())
    [admin] = await s.list_users()
    assert (admin.username, admin.role) == ("admin", "admin")
    assert (await s.authenticate("admin", PW, "10.3.0.1", clock.now())).status == "ok"
    await bootstrap_admin(s, "another-long-password", clock.now())  # accounts exist: no-op
    assert len(await s.list_users()) == 1
