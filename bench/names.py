"""Names bench: how often the patient's name comes out right, beam + prior vs rescoring.

    python -m bench.names [--forms 0,1,2] [--json]

60 first + last names (common, foreign-born and rare ones) in three answer phrasings, spoken
by the simulator's piper voice (cached under .cache/sim-audio), decoded as an answer to "may I
have your name?" is: whisper beam 5. Two pickers are compared on the same decode: the beam's
hypotheses with the name prior (`NamePrior.pick`) and the full rescoring with sound-alike
common names (`NameRescorer`). Homophones ("Sara"/"Sarah", "Fischer"/"Fisher") count as wrong:
no decoder can hear a spelling.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence

from agent.nlu.names import name_in_answer
from agent.speech.name_lexicon import get_lexicon
from agent.speech.name_prior import Hypothesis, NamePrior
from agent.speech.name_rescore import NameRescorer, TextScorer
from agent.speech.name_search import get_name_search
from agent.speech.name_sounds import get_sound_index
from agent.speech.vocabulary import build_prompt
from agent.speech.whisper_engine import get_engine
from sim.audio.voices import synthesize

NAMES: tuple[str, ...] = (
    *("Grace Kim", "Priya Nair", "Leo Martin", "Nora Singh", "Maria Lopez", "Sam Ortiz"),
    *("Ben Carter", "Tom Becker", "Anna Schmidt", "James Wilson", "Olivia Brown", "Lucas Nguyen"),
    *("Fatima Khan", "Diego Ramirez", "Emily Chen", "Noah Patel", "Chloe Dubois", "Omar Haddad"),
    *("Mei Tanaka", "Ethan Walsh", "Sofia Rossi", "Liam Murphy", "Aisha Bello", "Hannah Becker"),
    *("Jack Thompson", "Rosa Alvarez", "Daniel Cohen", "Zoe Park", "Ivan Petrov", "Kate Sullivan"),
    *("Carlos Mendoza", "Ruth Adams", "Helen Ward", "Mark Russo", "Jin Lee", "Sara Novak"),
    *("Paul Fischer", "Amir Shah", "Lily Evans", "Victor Hugo", "Zelda Quist", "Thaddeus Vance"),
    *("Ingrid Solberg", "Bram Okonkwo", "Soren Lindqvist", "Keanu Alapai", "Dmitri Volkov"),
    *("Yusuf Demir", "Niamh Gallagher", "Kwame Mensah", "Ravi Iyer", "Elena Petrova"),
    *("Hugo Lambert", "Julia Weber", "Marco Bianchi", "Anh Tran", "Chidi Obi", "Greta Lund"),
    *("Felix Wagner", "Tessa Marsh"),
)
FORMS: tuple[str, ...] = (
    "{name}, born May second, two thousand one",
    "My name is {name}",
    "{name}, {date}",
)
DATES = (
    "December first, nineteen ninety",
    "April fourth, nineteen sixty two",
    "July ninth, nineteen seventy",
)


def run(forms: Sequence[int]) -> dict[str, float]:
    engine = get_engine()
    prior = NamePrior(get_lexicon(), name_in_answer)
    rescorer = NameRescorer(prior, get_sound_index(), name_in_answer, search=get_name_search())
    prompt = build_prompt()
    beam_right = rescored_right = lines = 0
    extra_ms: list[float] = []
    for i, name in enumerate(NAMES):
        for form in forms:
            text = FORMS[form].format(name=name, date=DATES[i % len(DATES)])
            picked: dict[str, str] = {}

            def choose(
                hyps: Sequence[Hypothesis], fit: TextScorer, picked: dict[str, str] = picked
            ) -> Hypothesis:
                picked["beam"] = hyps[prior.pick(hyps)].text
                started = time.perf_counter()
                chosen = rescorer.choose(hyps, fit)
                extra_ms.append((time.perf_counter() - started) * 1000)
                return chosen

            result = engine.transcribe(synthesize(text), prompt, 5, choose)
            want = name.lower()
            beam_right += (name_in_answer(picked.get("beam", result.text)) or "").lower() == want
            rescored_right += (name_in_answer(result.text) or "").lower() == want
            lines += 1
    return {
        "lines": lines,
        "beam_prior_right": beam_right,
        "rescored_right": rescored_right,
        "rescore_ms_p50": statistics.median(extra_ms) if extra_ms else 0.0,
        "rescore_ms_p90": sorted(extra_ms)[int(0.9 * len(extra_ms))] if extra_ms else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", default="0,1,2", help="answer phrasings to use (0-2)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    results = run([int(f) for f in args.forms.split(",")])
    if args.json:
        print(json.dumps(results))
    else:
        print("| lines | beam + prior | rescored | rescoring p50 / p90 ms |")
        print("|---|---|---|---|")
        print(
            f"| {results['lines']:.0f} | {results['beam_prior_right']:.0f} "
            f"| {results['rescored_right']:.0f} "
            f"| {results['rescore_ms_p50']:.0f} / {results['rescore_ms_p90']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
