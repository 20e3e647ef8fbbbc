"""A scenario's patient side, as the audio patient needs it (FORMAT.md).

Read straight from the YAML mapping: the audio-only fields (`barge_in_ms`, `gap_ms`,
`[pause N]`, `noise:`) are all here, whatever the text-mode model keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KINDS = (
    "request",
    "answer",
    "correction",
    "side_question",
    "clarification",
    "interruption",
    "backchannel",
    "noise",
)
NOISE_TYPES = ("cough", "door", "babble", "white")
# kinds that must NOT stop the agent when they overlap its speech
NON_TURN_KINDS = ("backchannel", "noise")
# kinds that must stop the agent when they overlap its speech
STOP_KINDS = ("interruption", "correction")
DEFAULT_GAP_MS = 400
_PAUSE = re.compile(r"\[pause\s+(\d+)\]", re.IGNORECASE)


class ScriptError(ValueError):
    pass


@dataclass(frozen=True)
class Noise:
    type: str
    snr_db: float | None = None
    ms: int | None = None


@dataclass(frozen=True)
class Step:
    index: int
    action: str  # say | noise | dtmf | silence | hangup
    kind: str = "answer"
    text: str = ""
    barge_in_ms: int | None = None
    gap_ms: int = DEFAULT_GAP_MS
    noise: Noise | None = None
    dtmf: str = ""
    silence_ms: int = 0
    voice: str | None = None

    @property
    def is_turn(self) -> bool:
        """Whether the agent is expected to answer it (backchannels and noise are not turns)."""
        return self.action in ("say", "dtmf") and self.kind not in NON_TURN_KINDS

    def parts(self) -> list[str | int]:
        """The utterance as text pieces and pause lengths (ms), in order."""
        out: list[str | int] = []
        pos = 0
        for m in _PAUSE.finditer(self.text):
            chunk = self.text[pos : m.start()].strip()
            if chunk:
                out.append(chunk)
            out.append(int(m.group(1)))
            pos = m.end()
        tail = self.text[pos:].strip()
        if tail:
            out.append(tail)
        return out

    @property
    def has_pause(self) -> bool:
        return any(isinstance(p, int) for p in self.parts())


@dataclass(frozen=True)
class Script:
    name: str
    steps: tuple[Step, ...]
    noise: Noise | None = None
    voice: str = "piper"
    path: Path | None = None


def _noise(raw: Any, where: str) -> Noise:
    if not isinstance(raw, dict) or "type" not in raw:
        raise ScriptError(
            f"{where}: noise must be a mapping with a type ({', '.join(NOISE_TYPES)})"
        )
    kind = str(raw["type"])
    if kind not in NOISE_TYPES:
        raise ScriptError(f"{where}: unknown noise type {kind!r} ({', '.join(NOISE_TYPES)})")
    snr = raw.get("snr_db")
    ms = raw.get("ms")
    return Noise(
        type=kind,
        snr_db=float(snr) if snr is not None else None,
        ms=int(ms) if ms is not None else None,
    )


def _step(i: int, raw: Any, where: str) -> Step:
    w = f"{where} step {i + 1}"
    if not isinstance(raw, dict):
        raise ScriptError(f"{w}: a step must be a mapping")
    kind = str(raw.get("kind", "answer"))
    if kind not in KINDS:
        raise ScriptError(f"{w}: unknown kind {kind!r} ({', '.join(KINDS)})")
    barge = raw.get("barge_in_ms")
    common: dict[str, Any] = dict(
        index=i,
        kind=kind,
        barge_in_ms=int(barge) if barge is not None else None,
        gap_ms=int(raw.get("gap_ms", DEFAULT_GAP_MS)),
        voice=raw.get("voice"),
    )
    if "say" in raw:
        text = str(raw["say"])
        if not _PAUSE.sub("", text).strip():
            raise ScriptError(f"{w}: say has no words")
        noise = _noise(raw["noise"], w) if "noise" in raw else None
        return Step(action="say", text=text, noise=noise, **common)
    if "noise" in raw:
        noise = _noise(raw["noise"], w)
        if noise.ms is None:
            noise = Noise(type=noise.type, snr_db=noise.snr_db, ms=600)
        return Step(action="noise", noise=noise, **{**common, "kind": "noise"})
    if "dtmf" in raw:
        digits = str(raw["dtmf"])
        if not re.fullmatch(r"[0-9*#]+", digits):
            raise ScriptError(f"{w}: dtmf must be digits, * or # (got {digits!r})")
        return Step(action="dtmf", dtmf=digits, **common)
    if "silence_ms" in raw:
        return Step(action="silence", silence_ms=int(raw["silence_ms"]), **common)
    if raw.get("hangup"):
        return Step(action="hangup", **common)
    raise ScriptError(f"{w}: needs one of say, noise, dtmf, silence_ms, hangup")


def from_dict(data: Any, path: Path | None = None) -> Script:
    where = str(path) if path else "scenario"
    if not isinstance(data, dict):
        raise ScriptError(f"{where}: a scenario must be a mapping")
    name = data.get("name")
    if not name:
        raise ScriptError(f"{where}: missing name")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ScriptError(f"{where}: steps must be a non-empty list")
    noise = _noise(data["noise"], where) if "noise" in data else None
    if noise is not None and noise.type in ("babble", "white") and noise.snr_db is None:
        raise ScriptError(f"{where}: background noise needs snr_db")
    return Script(
        name=str(name),
        steps=tuple(_step(i, s, where) for i, s in enumerate(steps)),
        noise=noise,
        voice=str(data.get("voice", "piper")),
        path=path,
    )


def load(path: Path) -> Script:
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise ScriptError(f"{path}: not valid YAML: {e}") from e
    return from_dict(data, path)
