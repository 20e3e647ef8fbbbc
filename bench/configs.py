"""Bench configurations (one row each) and the scenario sets they run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PUBLIC_SCENARIOS = REPO.parent / "shared" / "scenarios"
AUDIO_SCENARIOS = REPO / "tests" / "scenarios" / "audio"
# Written for text mode (the scenario tests); `own` replays them as audio calls.
OWN_SCENARIOS = REPO / "tests" / "scenarios"


@dataclass(frozen=True)
class BenchConfig:
    name: str  # the row label
    preset: str  # agent.turn preset name


# livekit-default: the framework's own turn handling for a self-hosted setup (VAD
# interruption, min_duration 0.5 s, local v1-mini end-of-turn model, 3 s AEC warm-up).
CONFIGS: tuple[BenchConfig, ...] = (
    BenchConfig("livekit-default", "livekit_default"),
    BenchConfig("turn_by_turn", "turn_by_turn"),
    BenchConfig("fast", "fast"),
    BenchConfig("natural", "natural"),
    BenchConfig("noisy", "noisy"),
)

# Own scenarios dense in overlaps (6 backchannel/noise overlaps, 3 interruptions), mid-utterance
# pauses and a noisy line. The bench's default `standard` run is built from this set and the
# public one (bench.run._passes); `full` = every public and own audio scenario (~1 h).
QUICK_SET: tuple[str, ...] = (
    "audio:dense-backchannels-and-noise",
    "audio:dense-interruptions",
    "audio:slow-speaker-pauses",
    "audio:correction-after-pause",
    "audio:babble-line-backchannel",
)


def resolve(entry: str) -> Path:
    """'public:NAME' / 'audio:NAME' / a path -> the scenario file."""
    if entry.startswith("public:"):
        return PUBLIC_SCENARIOS / f"{entry.split(':', 1)[1]}.yaml"
    if entry.startswith("audio:"):
        return AUDIO_SCENARIOS / f"{entry.split(':', 1)[1]}.yaml"
    return Path(entry)


def scenario_set(name: str) -> list[Path]:
    if name == "quick":
        return [resolve(e) for e in QUICK_SET]
    if name == "full":
        return sorted(PUBLIC_SCENARIOS.glob("*.yaml")) + sorted(AUDIO_SCENARIOS.glob("*.yaml"))
    if name == "public":
        return sorted(PUBLIC_SCENARIOS.glob("*.yaml"))
    if name == "audio":
        return sorted(AUDIO_SCENARIOS.glob("*.yaml"))
    if name == "own":
        return sorted(OWN_SCENARIOS.glob("*.yaml"))
    raise ValueError(f"unknown scenario set {name!r} (quick, full, public, audio, own)")
