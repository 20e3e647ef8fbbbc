"""`python -m booking staff ...`: manage staff accounts and API tokens from the shell."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from typing import TextIO

from booking import BookingService
from web.staff.options import StaffOptions
from web.staff.store import ROLES, StaffError, StaffStore


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m booking staff", description=__doc__)
    p.add_argument("--database-url", default=None, help="default: $DATABASE_URL or var/clinic.db")
    sub = p.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create a staff account")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    pw = sub.add_parser("passwd", help="set an account's password (ends its sessions)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    tok = sub.add_parser("token", help="create an API token for an account (printed once)")
    tok.add_argument("username")
    tok.add_argument("--label", default="cli")
    role = sub.add_parser("role", help="change an account's role (an admin must remain)")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    rm = sub.add_parser("remove", help="delete an account")
    rm.add_argument("username")
    sub.add_parser("list", help="list accounts")
    return p


def _read_password(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise StaffError("the passwords differ")
    return first


async def _run(args: argparse.Namespace, stdin: TextIO, out: TextIO) -> None:
    svc = await BookingService.open(args.database_url)
    try:
        store = await StaffStore.open(svc.db, StaffOptions.from_env())
        now = svc.clock.now()
        if args.command == "add":
            password = _read_password(args.password_stdin, stdin)
            user = await store.add_user(args.username, password, args.role, now)
            print(f"added {user.username} ({user.role})", file=out)
        elif args.command == "passwd":
            await store.set_password(args.username, _read_password(args.password_stdin, stdin))
            print(f"password changed for {args.username}", file=out)
        elif args.command == "token":
            user = await store.require_user(args.username)
            print(await store.create_api_token(user, args.label, now), file=out)
        elif args.command == "role":
            user = await store.set_role(args.username, args.role)
            print(f"{user.username} is now {user.role}", file=out)
        elif args.command == "remove":
            await store.remove_user(args.username)
            print(f"removed {args.username}", file=out)
        else:
            for u in await store.list_users():
                print(f"{u.username}\t{u.role}\t{u.created_at:%Y-%m-%d %H:%M}", file=out)
    finally:
        await svc.close()


def main(
    argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, out: TextIO | None = None
) -> int:
    args = _parser().parse_args(list(argv) if argv is not None else None)
    try:
        asyncio.run(_run(args, stdin or sys.stdin, out or sys.stdout))
    except StaffError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
