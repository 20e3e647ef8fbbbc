"""Scenario files (see ../shared/scenarios/FORMAT.md): load, validate, expand paths.

One model for every mode: text and audio runners read the same `Scenario`.

Extension (ours, documented in sim/README.md): `existing:` lists appointments that exist
before the call, so reschedule / cancel / lookup calls can be scripted:

    existing:
      - {patient: Maria Lopez, dob: 1985-03-03, provider: Ana Patel,
         start: 2026-03-05T09:30, visit_type: checkup}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

STEP_KINDS = (
    "request",
    "answer",
    "correction",
    "side_question",
    "clarification",
    "interruption",
    "backchannel",
    "noise",
)
NO_TURN_KINDS = ("backchannel", "noise")  # must not start a turn: they produce none
STATUSES = ("confirmed", "none", "cancelled")
APPOINTMENT_KEYS = (
    "patient",
    "status",
    "date",
    "weekday",
    "time",
    "part_of_day",
    "provider",
    "visit_type",
)
EXPECT_KEYS = (
    "appointment",
    "holds_left",
    "agent_said_any",
    "agent_said_all",
    "agent_never_said",
    "transferred",
)
UNKNOWN_CALLER = "unknown caller"
DEFAULT_TODAY = datetime(2026, 3, 2, 9, 0)
_PAUSE = re.compile(r"\[pause\s+(\d+)\]", re.IGNORECASE)


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message names the file and the field."""


@dataclass(frozen=True)
class Busy:
    provider: str
    start: datetime
    visit_type: str = "checkup"


@dataclass(frozen=True)
class Existing:
    patient: str
    dob: date
    provider: str
    start: datetime
    visit_type: str = "checkup"


@dataclass(frozen=True)
class Step:
    say: str | None = None
    kind: str = "answer"
    barge_in_ms: int | None = None
    gap_ms: int = 400
    noise: dict[str, Any] | None = None
    dtmf: str | None = None
    silence_ms: int | None = None
    hangup: bool = False

    @property
    def text(self) -> str:
        """The line without `[pause N]` marks (text mode speaks it as one turn)."""
        return " ".join(_PAUSE.sub(" ", self.say or "").split())

    @property
    def segments(self) -> list[tuple[str, int]]:
        """(text, pause_ms_after) pieces for audio mode."""
        out: list[tuple[str, int]] = []
        pos = 0
        for m in _PAUSE.finditer(self.say or ""):
            out.append(((self.say or "")[pos : m.start()].strip(), int(m.group(1))))
            pos = m.end()
        out.append(((self.say or "")[pos:].strip(), 0))
        return [(t, p) for t, p in out if t or p]

    @property
    def makes_turn(self) -> bool:
        return self.say is not None and self.kind not in NO_TURN_KINDS


@dataclass(frozen=True)
class ExpectAppointment:
    patient: str
    status: str = "confirmed"
    fields: dict[str, str] = field(default_factory=dict)  # date, weekday, time, ...


@dataclass(frozen=True)
class Expect:
    appointment: ExpectAppointment | None = None
    holds_left: int | None = None
    agent_said_any: tuple[str, ...] = ()
    agent_said_all: tuple[str, ...] = ()
    agent_never_said: tuple[str, ...] = ()
    transferred: bool | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    today: datetime
    steps: tuple[Step, ...]
    expect: Expect
    busy: tuple[Busy, ...] = ()
    existing: tuple[Existing, ...] = ()
    noise: dict[str, Any] | None = None
    path: Path | None = None


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories become their *.yaml files (sorted). Missing paths raise."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.yaml")))
        elif p.is_file():
            out.append(p)
        else:
            raise ScenarioError(f"{p}: no such file or directory")
    return out


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read: {e}") from e
    except yaml.YAMLError as e:
        raise ScenarioError(f"{path}: not valid YAML: {e}") from e
    try:
        return parse_scenario(raw, path)
    except ScenarioError as e:
        raise ScenarioError(f"{path}: {e}") from None
    except (TypeError, ValueError, KeyError) as e:
        raise ScenarioError(f"{path}: {e}") from None


def load_all(paths: Sequence[str | Path]) -> list[Scenario]:
    scenarios = [load_scenario(p) for p in expand_paths(paths)]
    seen: dict[str, Path | None] = {}
    for s in scenarios:
        if s.name in seen:
            raise ScenarioError(
                f"{s.path}: duplicate scenario name {s.name!r} (also {seen[s.name]})"
            )
        seen[s.name] = s.path
    return scenarios


def parse_scenario(raw: Any, path: Path | None = None) -> Scenario:
    if not isinstance(raw, dict):
        raise ScenarioError("a scenario must be a mapping")
    unknown = set(raw) - {"name", "today", "busy", "noise", "steps", "expect", "existing"}
    if unknown:
        raise ScenarioError(f"unknown keys {sorted(unknown)}")
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        raise ScenarioError(f"name must be kebab-case text, got {name!r}")
    today = _datetime(raw.get("today", DEFAULT_TODAY), "today")
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise ScenarioError("steps must be a non-empty list")
    steps = tuple(_step(s, i) for i, s in enumerate(steps_raw))
    busy = tuple(
        Busy(
            provider=str(_req(b, "provider", f"busy[{i}]")),
            start=_datetime(_req(b, "start", f"busy[{i}]"), f"busy[{i}].start"),
            visit_type=str(b.get("visit_type", "checkup")),
        )
        for i, b in enumerate(_list(raw.get("busy"), "busy"))
    )
    existing = tuple(
        Existing(
            patient=str(_req(e, "patient", f"existing[{i}]")),
            dob=_date(_req(e, "dob", f"existing[{i}]"), f"existing[{i}].dob"),
            provider=str(_req(e, "provider", f"existing[{i}]")),
            start=_datetime(_req(e, "start", f"existing[{i}]"), f"existing[{i}].start"),
            visit_type=str(e.get("visit_type", "checkup")),
        )
        for i, e in enumerate(_list(raw.get("existing"), "existing"))
    )
    noise = raw.get("noise")
    if noise is not None and not isinstance(noise, dict):
        raise ScenarioError("noise must be a mapping like {type: babble, snr_db: 15}")
    return Scenario(
        name=name,
        today=today,
        steps=steps,
        expect=_expect(raw.get("expect") or {}),
        busy=busy,
        existing=existing,
        noise=noise,
        path=path,
    )


def _step(raw: Any, i: int) -> Step:
    where = f"steps[{i}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where} must be a mapping")
    actions = [k for k in ("say", "dtmf", "silence_ms", "hangup") if k in raw]
    if not actions and "noise" in raw:
        actions = ["noise"]  # a non-speech sound on its own: {noise: {type: cough}, kind: noise}
    if len(actions) != 1:
        raise ScenarioError(f"{where} needs exactly one of say, dtmf, silence_ms, hangup, noise")
    if "noise" in raw and not isinstance(raw["noise"], dict):
        raise ScenarioError(f"{where}.noise must be a mapping like {{type: cough, ms: 500}}")
    unknown = set(raw) - {
        "say",
        "kind",
        "barge_in_ms",
        "gap_ms",
        "noise",
        "dtmf",
        "silence_ms",
        "hangup",
    }
    if unknown:
        raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
    kind = str(raw.get("kind", "answer"))
    if kind not in STEP_KINDS:
        raise ScenarioError(f"{where}.kind must be one of {STEP_KINDS}, got {kind!r}")
    say = raw.get("say")
    if say is not None and (not isinstance(say, str) or not say.strip()):
        raise ScenarioError(f"{where}.say must be non-empty text")
    return Step(
        say=say,
        kind=kind,
        barge_in_ms=_opt_int(raw.get("barge_in_ms"), f"{where}.barge_in_ms"),
        gap_ms=_opt_int(raw.get("gap_ms"), f"{where}.gap_ms") or 400,
        noise=raw.get("noise"),
        dtmf=str(raw["dtmf"]) if "dtmf" in raw else None,
        silence_ms=_opt_int(raw.get("silence_ms"), f"{where}.silence_ms"),
        hangup=bool(raw.get("hangup", False)),
    )


def _expect(raw: Any) -> Expect:
    if not isinstance(raw, dict):
        raise ScenarioError("expect must be a mapping")
    unknown = set(raw) - set(EXPECT_KEYS)
    if unknown:
        raise ScenarioError(f"expect: unknown keys {sorted(unknown)}")
    appt = None
    if raw.get("appointment") is not None:
        a = raw["appointment"]
        if not isinstance(a, dict):
            raise ScenarioError("expect.appointment must be a mapping")
        bad = set(a) - set(APPOINTMENT_KEYS)
        if bad:
            raise ScenarioError(f"expect.appointment: unknown keys {sorted(bad)}")
        status = str(a.get("status", "confirmed"))
        if status not in STATUSES:
            raise ScenarioError(f"expect.appointment.status must be one of {STATUSES}")
        appt = ExpectAppointment(
            patient=str(_req(a, "patient", "expect.appointment")),
            status=status,
            fields={k: str(v) for k, v in a.items() if k not in ("patient", "status")},
        )
    holds = raw.get("holds_left")
    transferred = raw.get("transferred")
    if transferred is not None and not isinstance(transferred, bool):
        raise ScenarioError("expect.transferred must be true or false")
    return Expect(
        appointment=appt,
        holds_left=_opt_int(holds, "expect.holds_left"),
        agent_said_any=_strs(raw.get("agent_said_any"), "agent_said_any"),
        agent_said_all=_strs(raw.get("agent_said_all"), "agent_said_all"),
        agent_never_said=_strs(raw.get("agent_never_said"), "agent_never_said"),
        transferred=transferred,
    )


def _req(raw: Any, key: str, where: str) -> Any:
    if not isinstance(raw, dict) or raw.get(key) is None:
        raise ScenarioError(f"{where}: missing {key}")
    return raw[key]


def _list(raw: Any, where: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScenarioError(f"{where} must be a list")
    return raw


def _strs(raw: Any, where: str) -> tuple[str, ...]:
    return tuple(str(x) for x in _list(raw, where))


def _opt_int(raw: Any, where: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ScenarioError(f"{where} must be a non-negative integer, got {raw!r}")
    return raw


def _datetime(raw: Any, where: str) -> datetime:
    if isinstance(raw, datetime):
        return raw.replace(tzinfo=None)
    if isinstance(raw, date):
        return datetime.combine(raw, datetime.min.time())
    try:
        return datetime.fromisoformat(str(raw))
    except ValueError:
        raise ScenarioError(f"{where}: expected YYYY-MM-DDTHH:MM, got {raw!r}") from None


def _date(raw: Any, where: str) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ScenarioError(f"{where}: expected YYYY-MM-DD, got {raw!r}") from None
