"""PNG timeline of one simulated call (matplotlib, Agg): who was audible when."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from . import timeline as tl

if TYPE_CHECKING:
    from .runner import ScenarioResult

_COLORS = {"patient": "#1f77b4", "noise": "#7f7f7f", "agent": "#2ca02c", "pause": "#ff7f0e"}


def plot_timeline(result: ScenarioResult, out: Path) -> Path:
    t = result.timeline
    fig, ax = plt.subplots(figsize=(14, 3.2))
    end = max((e.t for e in t), default=1.0)
    for r in result.records:
        if r.start is None or r.end is None or r.end <= r.start:
            continue
        lane = 1 if r.kind != "noise" else 0.5
        color = _COLORS["noise"] if r.action == "noise" else _COLORS["patient"]
        ax.broken_barh([(r.start, r.end - r.start)], (lane, 0.35), color=color)
        label = (r.text or r.kind)[:28]
        ax.text(r.start, lane + 0.4, label, fontsize=6, rotation=20)
        for a, b in r.pauses:
            ax.broken_barh([(a, b - a)], (lane, 0.35), color=_COLORS["pause"])
    for s in t.audible_spans():
        e = min(s.end, end)
        ax.broken_barh([(s.start, e - s.start)], (2, 0.35), color=_COLORS["agent"])
    for ev in t.of(tl.AGENT_AUDIO_PAUSE):
        ax.axvline(ev.t, ymin=0.55, ymax=0.75, color="orange", lw=1)
    for ev in t.of(tl.AGENT_AUDIO_CLEAR):
        ax.axvline(ev.t, ymin=0.55, ymax=0.8, color="red", lw=1.5)
    for ev in t.of(tl.TOOL_CALL):
        ax.text(ev.t, 2.6, str(ev.data.get("name")), fontsize=6, color="purple", rotation=20)
    ax.set_yticks([0.7, 1.2, 2.2], ["noise", "patient", "agent"])
    ax.set_xlabel("call time (s)")
    m = result.metrics
    verdict = {True: "PASS", False: "FAIL", None: "unchecked"}[result.passed]
    ax.set_title(
        f"{result.name} [{result.preset or 'default'}] {verdict} — pause marks orange, stops red; "
        f"false stops {m.false_stops}/{m.overlaps_non_turn}, "
        f"missed {m.missed_interruptions}/{m.overlaps_turn}",
        fontsize=9,
    )
    ax.set_xlim(0, end + 0.5)
    ax.set_ylim(0, 3.2)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out
