"""`python -m sim run PATH... [--mode text|audio] [--preset NAME] [--json OUT]`
and `python -m sim console` (talk to the agent in the terminal, offline, text only)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from sim.scenario import ScenarioError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run scenario files or directories")
    run.add_argument("paths", nargs="+")
    run.add_argument("--mode", default="text")
    run.add_argument("--preset", default=None, help="turn-handling preset (audio mode)")
    run.add_argument("--json", type=Path, default=None, dest="json_out")
    run.add_argument("-v", "--verbose", action="store_true", help="framework logs")
    run.add_argument("-t", "--transcripts", action="store_true", help="print each transcript")
    run.add_argument(
        "--plot",
        nargs="?",
        const="bench/results",
        default=None,
        metavar="DIR",
        help="audio mode: a PNG timeline per scenario into DIR (bench/results)",
    )
    con = sub.add_parser("console", help="chat with the agent in the terminal (text, offline)")
    con.add_argument("--today", default=None, help="clinic clock, e.g. 2026-03-02T09:00")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.ERROR)
    if args.command == "console":
        from sim.console import console

        return asyncio.run(console(today=args.today))
    from sim.runner import run_paths

    if args.plot:
        from sim.audio.mode import configure

        configure(plot_dir=Path(args.plot))

    try:
        return asyncio.run(
            run_paths(
                args.paths,
                mode=args.mode,
                preset=args.preset,
                json_out=args.json_out,
                out=sys.stdout,
                show_transcripts=args.transcripts,
            )
        )
    except (ScenarioError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
