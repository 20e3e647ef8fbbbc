"""`python -m phone.bench`: what the phone line costs the speech recogniser.

Every patient line of the public scenarios (patient → agent) and a set of the agent's
typical replies (agent → patient, whisper standing in for the caller's ear) is synthesized
with piper, then transcribed by the agent's whisper twice: wideband (16 kHz, as from the web
page) and through the phone line (`telephone_band`: 8 kHz band-limit + G.711 round trip).
Prints one JSON object and a two-row markdown table. Real-time factors are measured on a
shared machine (noisy); WER is deterministic for a given model and voice.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from phone.g711 import telephone_band

PUBLIC_SCENARIOS = Path(__file__).resolve().parent.parent.parent / "shared" / "scenarios"
RATE = 16000
# The agent's side: phrases it says on every call, heard by the caller through the line.
AGENT_LINES = (
    "Thanks for calling Maple Street Family Clinic. How can I help you today?",
    "With Doctor Patel, I have Thursday, March fifth at 9 AM, 9:30 AM or 10 AM. Which works best?",
    "May I have your full name and date of birth?",
    "Let me read that back: a checkup with Doctor Patel on Thursday at 9:30 AM. Shall I book it?",
    "Your copay for a checkup is twenty five dollars.",
)


def patient_lines(folder: Path, limit: int | None = None) -> list[str]:
    lines: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        for step in data.get("patient", data.get("steps", [])) or []:
            if isinstance(step, dict) and isinstance(step.get("say"), str):
                lines.append(step["say"])
    return lines[:limit] if limit else lines


async def measure(lines: Sequence[str], codec: str) -> dict[str, float]:
    from agent.speech.stt_whisper import WhisperSTT
    from agent.speech.synth import synthesize_to_pcm
    from agent.speech.wer import wer
    from agent.speech.whisper_engine import get_engine

    stt = WhisperSTT(engine=get_engine())
    wide: list[tuple[str, str]] = []
    phone: list[tuple[str, str]] = []
    stt_s = {"wideband": 0.0, "phone": 0.0}
    audio_s = 0.0
    for text in lines:
        pcm = await asyncio.to_thread(synthesize_to_pcm, text, "piper", RATE)
        audio_s += len(pcm) / RATE
        for label, clip, out in (
            ("wideband", pcm, wide),
            ("phone", telephone_band(pcm, RATE, codec), phone),
        ):
            t0 = time.perf_counter()
            heard = await stt.transcribe_pcm(np.asarray(clip, dtype=np.int16))
            stt_s[label] += time.perf_counter() - t0
            out.append((text, heard.text))
    return {
        "utterances": len(lines),
        "audio_s": round(audio_s, 1),
        "wer_wideband": round(wer(wide), 4),
        "wer_phone": round(wer(phone), 4),
        "stt_rtf_wideband": round(stt_s["wideband"] / audio_s, 3),
        "stt_rtf_phone": round(stt_s["phone"] / audio_s, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m phone.bench")
    ap.add_argument("--scenarios", type=Path, default=PUBLIC_SCENARIOS)
    ap.add_argument("--codec", default="PCMU", choices=("PCMU", "PCMA"))
    ap.add_argument("--limit", type=int, default=None, help="first N patient lines only")
    ap.add_argument("--json", action="store_true", help="print only the JSON object")
    args = ap.parse_args(argv)
    lines = patient_lines(args.scenarios, args.limit)
    if not lines:
        print(f"no patient lines under {args.scenarios}", file=sys.stderr)
        return 2
    patient = asyncio.run(measure(lines, args.codec))
    agent = asyncio.run(measure(AGENT_LINES, args.codec))
    result = {"codec": args.codec, "patient_to_agent": patient, "agent_to_patient": agent}
    print(json.dumps(result))
    if not args.json:
        print()
        print("| channel | patient→agent WER | agent→patient WER | STT RTF |")
        print("|---|---|---|---|")
        for label in ("wideband", "phone"):
            print(
                f"| {label} | {patient[f'wer_{label}']:.1%} | {agent[f'wer_{label}']:.1%} "
                f"| {patient[f'stt_rtf_{label}']:.2f} |"
            )
        print(f"({patient['utterances']} patient lines, {agent['utterances']} agent lines, "
              f"{args.codec}; shared 2-core machine: RTF is noisy)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
