"""`python -m booking`: seed the database, look at availability, hold, confirm, list, cancel.

Exit codes: 0 ok, 2 bad arguments, 3 the booking was refused (taken, expired, closed, ...),
4 configuration or database problem."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from booking.clinic import ClinicConfigError
from booking.clock import Clock, FixedClock
from booking.errors import BookingError
from booking.models import Appointment, PatientInfo, Slot
from booking.service import BookingService

EXIT_USAGE, EXIT_REFUSED, EXIT_SETUP = 2, 3, 4


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-03-05, got {text!r}") from None


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a time like 14:30, got {text!r}") from None


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date and time like '2026-03-05 14:30', got {text!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m booking",
        description=__doc__,
        # booking/__main__.py hands `staff` to web/staff/cli.py before this parser runs.
        epilog="Staff console accounts and API tokens: python -m booking staff --help",
    )
    parser.add_argument("--db", help="database URL (default: $DATABASE_URL or var/clinic.db)")
    parser.add_argument("--clinic", type=Path, help="clinic YAML (default: booking/clinic.yaml)")
    parser.add_argument("--now", type=_datetime, help="pretend it is this clinic-local time")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("seed", help="create/upgrade the schema and load the clinic's providers")

    p = sub.add_parser("availability", help="free slots, earliest first")
    p.add_argument("--visit-type", required=True, help="checkup, sick visit, new patient, ...")
    p.add_argument("--provider", help='"Patel", "Dr. Okafor", "Lee Chen", ...')
    p.add_argument("--date", type=_date, help="one day (YYYY-MM-DD); default: next two weeks")
    p.add_argument("--to", type=_date, help="last day of a range starting at --date")
    p.add_argument("--part-of-day", choices=["morning", "afternoon", "evening"])
    p.add_argument("--after", type=_time, help="HH:MM")
    p.add_argument("--before", type=_time, help="HH:MM")
    p.add_argument("--limit", type=int, default=5)

    p = sub.add_parser("hold", help="hold a slot for a few minutes")
    p.add_argument("--provider", required=True)
    p.add_argument("--visit-type", required=True)
    p.add_argument("--start", type=_datetime, required=True, help="'YYYY-MM-DD HH:MM'")
    p.add_argument("--session", default="cli")
    p.add_argument("--ttl-minutes", type=float, default=5.0)

    p = sub.add_parser("confirm", help="turn a hold into an appointment")
    p.add_argument("hold_id")
    p.add_argument("--name", required=True)
    p.add_argument("--dob", type=_date, required=True, help="date of birth YYYY-MM-DD")
    p.add_argument("--phone")
    p.add_argument("--key", help="idempotency key (default: the hold id)")

    p = sub.add_parser("list", help="appointments")
    p.add_argument("--date", type=_date)
    p.add_argument("--provider")
    p.add_argument("--all", action="store_true", help="include cancelled and busy blocks")

    p = sub.add_parser("cancel", help="cancel an appointment")
    p.add_argument("appointment_id")
    return parser


def _slot_line(s: Slot) -> str:
    return f"{s.start:%a %Y-%m-%d %H:%M}-{s.end:%H:%M}  {s.visit_type:<12} {s.provider_name}"


def _appt_line(a: Appointment) -> str:
    return f"{a.id}  {_slot_line(a.slot)}  {a.patient_name}  [{a.status}]"


async def _run(args: argparse.Namespace) -> int:
    clock: Clock | None = FixedClock(args.now) if args.now else None
    svc = await BookingService.open(args.db, clock=clock, clinic_config=args.clinic)
    try:
        return await _command(svc, args)
    finally:
        await svc.close()


async def _command(svc: BookingService, args: argparse.Namespace) -> int:
    if args.command == "seed":
        rev = await svc.db.revision()
        print(
            f"{svc.clinic.name}: schema {rev}, {len(svc.clinic.providers)} providers, "
            f"{len(svc.clinic.visit_types)} visit types; hours {svc.clinic.hours_text()}"
        )
    elif args.command == "availability":
        av = await svc.find_availability(
            args.visit_type,
            provider=args.provider,
            date_from=args.date,
            date_to=args.to,
            part_of_day=args.part_of_day,
            after=args.after,
            before=args.before,
            limit=args.limit,
        )
        for s in av.slots:
            print(_slot_line(s))
        if not av.slots:
            print(av.note or "Nothing available.")
            if av.alternatives:
                print("Nearest alternatives:")
                for s in av.alternatives:
                    print("  " + _slot_line(s))
    elif args.command == "hold":
        slot = svc.slot_at(args.provider, args.visit_type, args.start)
        hold = await svc.hold(slot, args.session, timedelta(minutes=args.ttl_minutes))
        print(f"{hold.id}  {_slot_line(hold.slot)}  held until {hold.expires_at:%H:%M:%S}")
    elif args.command == "confirm":
        patient = PatientInfo(args.name, args.dob, args.phone)
        print(_appt_line(await svc.confirm(args.hold_id, patient, args.key or args.hold_id)))
    elif args.command == "list":
        appts = await svc.list_appointments(
            args.date, args.provider, include_cancelled=args.all, include_busy=args.all
        )
        for a in appts:
            print(_appt_line(a))
        if not appts:
            print("No appointments.")
    elif args.command == "cancel":
        print(_appt_line(await svc.cancel(args.appointment_id)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "limit", 1) < 1:
        parser.error("--limit must be at least 1")
    if getattr(args, "ttl_minutes", 1.0) <= 0:
        parser.error("--ttl-minutes must be positive")
    try:
        return asyncio.run(_run(args))
    except BookingError as e:
        print(f"error: {e} ({e.spoken})", file=sys.stderr)
        return EXIT_REFUSED
    except (ClinicConfigError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_SETUP
