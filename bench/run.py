"""`make bench`: turn-taking configurations side by side on audio scenarios, plus capacity.

    python -m bench [--set standard|quick|full|public|audio] [--configs a,b] [--jobs 1]
                    [--public-jobs 2] [--capacity-max 4] [--no-capacity] [--with-subbenches]
                    [--with-speech] [--timelines] [--out bench/results]

Each configuration runs the same scenarios in real time, `--jobs` calls at a time (see
`_passes` for the default `standard` run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.audio.aggregate import aggregate
from sim.audio.runner import RunOptions, ScenarioResult, run_many

from . import capacity, report
from .configs import CONFIGS, REPO, BenchConfig, resolve, scenario_set
from .pool import run_pool

# (module, extra args, time limit s): the other layers' benches, each also its own command; only
# with --with-subbenches (booking ~1.5 min, phone ~2.5 min) or --with-speech (~4 min), so that
# `make bench` stays inside 20 minutes on 2 cores.
SUBBENCHES: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("booking", (), 240),
    ("speech", ("--quick",), 420),
    ("phone", (), 300),  # phone-line vs wideband WER (phone team, phone/bench.py), ~2.5 min
)
CAPACITY_SCENARIO = "audio:backchannel-mhm-okay"
WARMUP_SCENARIO = "audio:correction-after-pause"


def _sub_benches(with_speech: bool) -> list[str]:
    """The booking and speech benches (other teams'), printed before the turn-taking table."""
    notes = []
    for name, extra, limit in SUBBENCHES:
        if not (REPO / "bench" / f"{name}.py").exists():
            notes.append(f"bench.{name}: not present, skipped")
            continue
        if name == "speech" and not with_speech:
            notes.append("bench.speech: skipped (~4 min; `python -m bench --with-speech` runs it)")
            continue
        print(f"== python -m bench.{name}", flush=True)
        t0 = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", f"bench.{name}", *extra],
                cwd=REPO,
                timeout=limit,
                capture_output=True,
                text=True,
            )
            print(proc.stdout.rstrip())
            if proc.returncode != 0:
                print(proc.stderr.rstrip()[-2000:])
                notes.append(f"bench.{name}: exit {proc.returncode}")
        except subprocess.TimeoutExpired:
            notes.append(f"bench.{name}: stopped after {limit} s")
            print(f"bench.{name}: stopped after {limit} s")
        print(f"   ({time.monotonic() - t0:.0f} s)\n", flush=True)
    return notes


def _progress(config: str, r: ScenarioResult) -> None:
    m = r.metrics
    status = "PASS" if r.passed else "FAIL"
    print(
        f"   {status} {config:15s} {r.name:34s} {m.call_s:5.0f} s call, overlaps {m.overlaps_turn}+"
        f"{m.overlaps_non_turn}, max frame lateness {m.frame_late_ms_max:.0f} ms",
        flush=True,
    )


def _row(config: str, results: list[ScenarioResult]) -> dict[str, Any]:
    agg = aggregate(results)
    ms = [r.metrics for r in results]
    row = {k: agg.get(k) for k in report.ROW_KEYS if k != "config"}
    row = {"config": config, **row}
    row.update(
        false_stops_n=f"{sum(m.false_stops for m in ms)}/{agg['overlaps_non_turn']}",
        missed_n=f"{sum(m.missed_interruptions for m in ms)}/{agg['overlaps_turn']}",
        cutoffs_n=f"{sum(m.cutoffs for m in ms)}/{sum(m.steps_with_pause for m in ms)}",
        stop_ms_p50=agg["stop_ms_p50"],
        false_pauses=agg["false_pauses"],
        no_reply=agg["no_reply"],
        frame_late_ms_max=agg["frame_late_ms_max"],
        failed=[f"{r.name}: {'; '.join(r.failures)}" for r in results if not r.passed],
    )
    return row


def missed_targets(r: ScenarioResult) -> list[str]:
    """The turn-taking events of a call that count against the targets, even in a call that
    passed: a false stop or a cut-off is seen in the table only as a rate."""
    m = r.metrics
    counts = {
        "false-stop": m.false_stops,
        "missed-interruption": m.missed_interruptions,
        "cut-off": m.cutoffs,
    }
    return [name for name, n in counts.items() if n]


def _save_failures(out: Path, row_name: str, results: list[ScenarioResult]) -> None:
    """Each failed call's steps and timeline (transcripts included) under out/failed/, and each
    call with a false stop, missed interruption or cut-off under out/flagged/, so an event seen
    only under load can be read afterwards."""
    slug = re.sub(r"[^a-z0-9]+", "-", row_name.lower()).strip("-")
    for r in results:
        missed = missed_targets(r)
        folder = "failed" if not r.passed else "flagged" if missed else None
        if folder is None:
            continue
        path = out / folder / f"{slug}-{r.name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"missed": missed, **r.to_json()}, indent=1, default=str))


@dataclass(frozen=True)
class _Pass:
    label: str
    configs: list[BenchConfig]
    paths: list[Path]
    jobs: int
    suffix: str = ""  # appended to the row label


def _passes(set_name: str, wanted: list[BenchConfig], jobs: int, public_jobs: int) -> list[_Pass]:
    """`standard`: turn-taking figures from the overlap-dense own scenarios, one call at a
    time for every configuration (real-time capacity here is ~1-2 calls: more would measure a
    starved CPU); then the public scenarios' outcomes for `natural`, `public_jobs` at a time.
    Any other set: one pass, every configuration, `jobs` at a time."""
    if set_name != "standard":
        return [_Pass(f"set {set_name}", wanted, scenario_set(set_name), jobs)]
    passes = [_Pass("turn-taking (quick set)", wanted, scenario_set("quick"), jobs)]
    natural = [c for c in wanted if c.name == "natural"]
    if natural:
        public = scenario_set("public")
        passes.append(_Pass("public scenarios", natural, public, public_jobs, " · public"))
    return passes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--set", default=os.environ.get("BENCH_SET", "standard"))
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("BENCH_JOBS", "1")))
    ap.add_argument(
        "--public-jobs", type=int, default=2, help="calls at a time for the public pass (standard)"
    )
    ap.add_argument("--configs", default=",".join(c.name for c in CONFIGS))
    ap.add_argument("--capacity-max", type=int, default=4)
    ap.add_argument("--no-capacity", action="store_true")
    ap.add_argument(
        "--with-subbenches", action="store_true", help="also run bench.booking and bench.phone"
    )
    ap.add_argument("--with-speech", action="store_true", help="also run bench.speech --quick")
    ap.add_argument("--timelines", action="store_true", help="PNG timeline per scenario and config")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    wanted = [c for c in CONFIGS if c.name in args.configs.split(",")]
    if not wanted:
        ap.error(f"no known configuration in {args.configs!r}: {[c.name for c in CONFIGS]}")
    passes = _passes(args.set, wanted, args.jobs, args.public_jobs)
    paths = [p for ps in passes for p in ps.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        ap.error(f"scenario files missing: {missing}")

    t_start = time.monotonic()
    notes = _sub_benches(args.with_speech) if args.with_subbenches or args.with_speech else []
    # one discarded call first: lazy model loads and caches must not land in the first row
    t0 = time.monotonic()
    asyncio.run(run_many([resolve(WARMUP_SCENARIO)], RunOptions(preset="natural")))
    print(f"== warm-up call (not counted): {time.monotonic() - t0:.0f} s", flush=True)
    runs: list[dict[str, Any]] = []
    samples: dict[str, dict[str, list[float]]] = {}
    plot_dir = args.out / "timelines" if args.timelines else None
    for stale in [*(args.out / "failed").glob("*.json"), *(args.out / "flagged").glob("*.json")]:
        stale.unlink()  # calls of an earlier run
    for ps in passes:
        t0 = time.monotonic()
        by_config = asyncio.run(
            run_pool(ps.configs, ps.paths, ps.jobs, plot_dir, on_result=_progress)
        )
        print(
            f"== {ps.label}: {len(ps.configs)} x {len(ps.paths)} calls, {ps.jobs} at a time, "
            f"in {time.monotonic() - t0:.0f} s",
            flush=True,
        )
        for cfg in ps.configs:
            results = by_config[cfg.name]
            name = cfg.name + ps.suffix
            row = _row(name, results)
            _save_failures(args.out, name, results)
            runs.append(row)
            samples[name] = {
                "response_ms": [x for r in results for x in r.metrics.response_ms],
                "barge_in_pause_ms": [x for r in results for x in r.metrics.barge_in_pause_ms],
            }
            print(f"== {name}: success {row['success_rate']}", flush=True)
            for f in row["failed"]:
                print(f"   FAIL {f}")
        notes.append(
            f"{ps.label}: {len(ps.paths)} scenarios per row, {ps.jobs} call(s) at a time"
            + ("" if ps.jobs == 1 else " (calls share the CPU: latencies above one at a time)")
        )

    extra: dict[str, Any] = {"scenario_set": args.set, "scenarios": [str(p) for p in paths]}
    if not args.no_capacity:
        levels = asyncio.run(
            capacity.measure(resolve(CAPACITY_SCENARIO), "natural", args.capacity_max)
        )
        extra["capacity"] = capacity.summary(levels)
        natural = next((r for r in runs if r["config"] == "natural"), None)
        if natural and natural["cpu_s_per_call_min"]:
            # what the CPU alone would allow, if nothing else ran: cores * 60 s / CPU s per call-min
            est = (os.cpu_count() or 1) * 60 / natural["cpu_s_per_call_min"]
            extra["capacity"]["cpu_bound_calls_estimate"] = round(est, 1)
            notes.append(f"CPU-bound estimate (natural): {est:.1f} calls on {os.cpu_count()} cores")
        notes.append(
            f"capacity: {extra['capacity']['realtime_calls']} concurrent call(s) in real time "
            f"(99 % of patient frames < {capacity.LATE_LIMIT_MS:.0f} ms late in every call), "
            "natural preset"
        )
    total = time.monotonic() - t_start
    extra["wall_s"] = round(total, 1)
    notes += [
        f"scenario set `{args.set}`; CPU per call = its process CPU / calls running beside it; "
        f"whole bench {total / 60:.1f} min on {os.cpu_count()} cores",
        "rates count overlaps (patient onset while an agent reply segment was open); "
        "n in brackets = events/opportunities",
    ]
    text = report.write(args.out, runs, extra, samples, notes)
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
