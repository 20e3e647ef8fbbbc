"""The bench's outputs: latest.json, latest.md (also printed), and PNG plots."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ROW_KEYS = (
    "config",
    "scenarios",
    "success_rate",
    "barge_in_pause_ms_p50",
    "barge_in_pause_ms_p95",
    "false_stop_rate",
    "missed_interruption_rate",
    "response_latency_ms_p50",
    "response_latency_ms_p95",
    "cutoff_rate",
    "cpu_s_per_call_min",
)
_HEAD = (
    "config",
    "n",
    "success",
    "barge-in pause p50/p95 ms",
    "false stops",
    "missed int.",
    "response p50/p95 ms",
    "cut-offs",
    "CPU s/call-min",
)


def _f(x: Any, pct: bool = False) -> str:
    if x is None:
        return "–"
    if pct:
        return f"{100 * x:.0f}%"
    return f"{x:.0f}" if isinstance(x, float) and abs(x) >= 10 else str(x)


def table(runs: Sequence[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(_HEAD) + " |", "|" + "---|" * len(_HEAD)]
    for r in runs:
        cells = [
            r["config"],
            str(r["scenarios"]),
            _f(r["success_rate"], pct=True),
            f"{_f(r['barge_in_pause_ms_p50'])} / {_f(r['barge_in_pause_ms_p95'])}",
            f"{_f(r['false_stop_rate'], pct=True)} ({r.get('false_stops_n', '?')})",
            f"{_f(r['missed_interruption_rate'], pct=True)} ({r.get('missed_n', '?')})",
            f"{_f(r['response_latency_ms_p50'])} / {_f(r['response_latency_ms_p95'])}",
            f"{_f(r['cutoff_rate'], pct=True)} ({r.get('cutoffs_n', '?')})",
            f"{r['cpu_s_per_call_min']:.1f}" if r["cpu_s_per_call_min"] is not None else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(
    out_dir: Path,
    runs: Sequence[dict[str, Any]],
    extra: dict[str, Any],
    samples: dict[str, dict[str, list[float]]],
    notes: Sequence[str],
) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(
        json.dumps({"runs": list(runs), **extra}, indent=1, default=str)
    )
    md = ["# Turn-taking bench (offline profile, audio mode)", "", table(runs), ""]
    md += [f"- {n}" for n in notes]
    text = "\n".join(md) + "\n"
    (out_dir / "latest.md").write_text(text)
    _plot_latencies(out_dir / "latency.png", samples)
    _plot_tradeoff(out_dir / "false_stops_vs_barge_in.png", runs)
    return text


def _plot_latencies(path: Path, samples: dict[str, dict[str, list[float]]]) -> None:
    names = list(samples)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for ax, key, title in (
        (axes[0], "response_ms", "patient end of speech → agent audio (ms)"),
        (axes[1], "barge_in_pause_ms", "barge-in onset → agent audio paused (ms)"),
    ):
        data = [samples[n].get(key, []) or [float("nan")] for n in names]
        ax.boxplot(data, tick_labels=names, showfliers=True)
        for i, d in enumerate(data, start=1):
            ax.scatter([i] * len(d), d, s=8, alpha=0.5)
        ax.set_title(title, fontsize=9)
        ax.tick_params(axis="x", labelrotation=20, labelsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_tradeoff(path: Path, runs: Sequence[dict[str, Any]]) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    for r in runs:
        x, y = r.get("barge_in_pause_ms_p50"), r.get("false_stop_rate")
        if x is None or y is None:
            continue
        ax.scatter([x], [100 * y], s=40)
        ax.annotate(r["config"], (x, 100 * y), fontsize=8)
    ax.set_xlabel("barge-in pause latency p50 (ms)")
    ax.set_ylabel("false stops (% of backchannel/noise overlaps)")
    ax.set_title("false stops vs barge-in latency", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
