"""Every patient line of the shared scenarios (../shared/scenarios), with exact readings.

The scenarios all start on Monday 2026-03-02 09:00. `expecting` is what the agent would
have just asked at that point of the call (None for an opening or volunteered line).
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.nlu import Intent as I

SCENARIOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios"
SCENARIOS = SCENARIOS if SCENARIOS.is_dir() else Path("/work/shared/scenarios")

MON, TUE, WED, THU, FRI, SAT = (date(2026, 3, d) for d in (2, 3, 4, 5, 6, 7))
NEXT_MON = date(2026, 3, 9)
PATEL_THU_10 = {
    "visit_type": "checkup",
    "provider": "Patel",
    "day": THU,
    "time": time(10),
    "time_relation": "at",
}

# (line as the patient says it, expecting, intents, fields)
LINES: list[tuple[str, str | None, set[I], dict[str, Any]]] = [
    # ask-for-a-person
    ("I have a billing problem, can I talk to a real person?", None, {I.TRANSFER}, {}),
    # backchannels-dont-stop
    (
        "What times do you have for a checkup next Monday?",
        None,
        {I.BOOK},
        {"visit_type": "checkup", "day": NEXT_MON},
    ),
    ("mhm", None, {I.ACK}, {}),
    ("okay", None, {I.ACK}, {}),
    ("The first one", "selection", {I.SELECT}, {"selection": "first"}),
    (
        "Grace Kim, December first, nineteen ninety",
        "name_and_dob",
        {I.INFORM},
        {"name": "Grace Kim", "date_of_birth": date(1990, 12, 1)},
    ),
    ("Yes please", "confirmation", {I.AFFIRM}, {}),
    # barge-in-correction
    (
        "Can I get a sick visit tomorrow morning?",
        None,
        {I.BOOK},
        {"visit_type": "sick visit", "day": TUE, "part_of_day": "morning"},
    ),
    ("Actually no, make it Friday instead", None, {I.INFORM}, {"day": FRI, "correction": True}),
    ("Ten o'clock please", "time", {I.INFORM}, {"time": time(10), "time_relation": "at"}),
    (
        "Priya Nair, born May second, two thousand one",
        "name_and_dob",
        {I.INFORM},
        {"name": "Priya Nair", "date_of_birth": date(2001, 5, 2)},
    ),
    ("Correct", "confirmation", {I.AFFIRM}, {}),
    # clarification-copay
    (
        "I'm a new patient and want to book a first visit. How much is the copay?",
        None,
        {I.BOOK, I.ASK_COPAY},
        {"visit_type": "new patient"},
    ),
    ("Sorry, what did you say about the copay?", None, {I.CLARIFY}, {"topic": "copay"}),
    (
        "Okay. Next Tuesday morning please",
        "day",
        {I.INFORM},
        {"day": TUE, "part_of_day": "morning"},
    ),
    ("Any time is fine", "time", {I.ANY_TIME}, {}),
    (
        "Sam Ortiz, born June sixth, nineteen ninety nine",
        "name_and_dob",
        {I.INFORM},
        {"name": "Sam Ortiz", "date_of_birth": date(1999, 6, 6)},
    ),
    ("Yes, book it", "confirmation", {I.AFFIRM}, {}),
    # hangup-mid-hold
    (
        "Book me a checkup Friday at eleven",
        None,
        {I.BOOK},
        {"visit_type": "checkup", "day": FRI, "time": time(11), "time_relation": "at"},
    ),
    (
        "Ben Carter, March fifth, nineteen seventy seven",
        "name_and_dob",
        {I.INFORM},
        {"name": "Ben Carter", "date_of_birth": date(1977, 3, 5)},
    ),
    # midsentence-correction ([pause] markers are stripped by the parser too)
    (
        "I need a follow-up visit on Tuesday [pause 500] no wait, Wednesday afternoon",
        None,
        {I.BOOK},
        {"visit_type": "follow-up", "day": WED, "part_of_day": "afternoon", "correction": True},
    ),
    ("The earliest one is fine", "selection", {I.SELECT}, {"selection": "earliest"}),
    ("Tom Becker", "name", {I.INFORM}, {"name": "Tom Becker"}),
    (
        "July ninth, nineteen seventy",
        "date_of_birth",
        {I.INFORM},
        {"date_of_birth": date(1970, 7, 9)},
    ),
    ("Yes", "confirmation", {I.AFFIRM}, {}),
    # side-question-then-back
    (
        "I'd like a vaccination appointment on Thursday",
        None,
        {I.BOOK},
        {"visit_type": "vaccination", "day": THU},
    ),
    ("Before we go on, what are your hours on Saturday?", None, {I.ASK_HOURS}, {"day": SAT}),
    ("And is parking free?", None, {I.ASK_PARKING}, {}),
    (
        "Okay, Thursday at two then",
        "time",
        {I.INFORM},
        {"day": THU, "time": time(14), "time_relation": "at"},
    ),
    (
        "Leo Martin, April fourth, nineteen sixty two",
        "name_and_dob",
        {I.INFORM},
        {"name": "Leo Martin", "date_of_birth": date(1962, 4, 4)},
    ),
    # simple-booking
    (
        "Hi, I'd like to book a checkup with Doctor Patel on Thursday morning",
        None,
        {I.GREETING, I.BOOK},
        {"visit_type": "checkup", "provider": "Patel", "day": THU, "part_of_day": "morning"},
    ),
    ("Nine thirty works", "time", {I.INFORM}, {"time": time(9, 30), "time_relation": "at"}),
    ("My name is Maria Lopez", "name", {I.INFORM}, {"name": "Maria Lopez"}),
    (
        "March third, nineteen eighty five",
        "date_of_birth",
        {I.INFORM},
        {"date_of_birth": date(1985, 3, 3)},
    ),
    ("Yes, please confirm it", "confirmation", {I.AFFIRM}, {}),
    # slot-taken-alternatives
    ("Can I see Doctor Patel Thursday at ten for a checkup?", None, {I.BOOK}, PATEL_THU_10),
    ("Then the closest time after that", "selection", {I.SELECT}, {"selection": "closest_after"}),
    (
        "Nora Singh, February second, nineteen eighty",
        "name_and_dob",
        {I.INFORM},
        {"name": "Nora Singh", "date_of_birth": date(1980, 2, 2)},
    ),
]


@pytest.mark.parametrize(
    ("text", "expecting", "intents", "fields"), LINES, ids=[x[0] for x in LINES]
)
def test_scenario_line(
    expect: Any, text: str, expecting: str | None, intents: set[I], fields: dict[str, Any]
) -> None:
    expect(text, intents, expecting=expecting, **fields)


# Lines that carry their own meaning must read the same when the agent expected nothing.
CONTEXT_FREE = [x for x in LINES if x[1] in ("name_and_dob", "date_of_birth", "day", "time")]


@pytest.mark.parametrize(
    ("text", "expecting", "intents", "fields"), CONTEXT_FREE, ids=[x[0] for x in CONTEXT_FREE]
)
def test_scenario_line_without_context(
    expect: Any, text: str, expecting: str | None, intents: set[I], fields: dict[str, Any]
) -> None:
    expect(text, intents, **fields)


def _scenario_lines() -> list[str]:
    lines: list[str] = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        assert doc["today"] is not None
        for step in doc.get("steps", []):
            if "say" in step:
                lines.append(step["say"])
    return lines


@pytest.mark.skipif(not SCENARIOS.is_dir(), reason="shared scenarios not present")
def test_every_shared_scenario_line_is_in_the_table() -> None:
    covered = {text for text, *_ in LINES}
    missing = [line for line in _scenario_lines() if line not in covered]
    assert not missing, f"add these scenario lines to LINES: {missing}"


@pytest.mark.skipif(not SCENARIOS.is_dir(), reason="shared scenarios not present")
def test_shared_scenarios_start_on_the_monday_these_tables_assume() -> None:
    for path in SCENARIOS.glob("*.yaml"):
        today = yaml.safe_load(path.read_text())["today"]
        assert re.match(r"2026-03-02", str(today)), path.name


# The same lines as a speech-to-text engine tends to write them (digits, punctuation, case,
# small misspellings): the reading must not change.
STT_VARIANTS: list[tuple[str, str | None, set[I], dict[str, Any]]] = [
    (
        "Grace Kim, December 1st, 1990.",
        None,
        {I.INFORM},
        {"name": "Grace Kim", "date_of_birth": date(1990, 12, 1)},
    ),
    (
        "priya nair born may 2nd 2001",
        "name_and_dob",
        {I.INFORM},
        {"name": "Priya Nair", "date_of_birth": date(2001, 5, 2)},
    ),
    ("March 3rd, 1985.", None, {I.INFORM}, {"date_of_birth": date(1985, 3, 3)}),
    (
        "Okay, Thursday at 2 then.",
        None,
        {I.INFORM},
        {"day": THU, "time": time(14), "time_relation": "at"},
    ),
    (
        "I need a follow-up visit on Tuesday. No wait, Wednesday afternoon.",
        None,
        {I.BOOK},
        {"visit_type": "follow-up", "day": WED, "part_of_day": "afternoon", "correction": True},
    ),
    (
        "Can I see Dr. Pattel Thursday at 10 for a check up?",
        None,
        {I.BOOK},
        {
            "visit_type": "checkup",
            "provider": "Patel",
            "day": THU,
            "time": time(10),
            "time_relation": "at",
        },
    ),
    (
        "HI, I'D LIKE TO BOOK A CHECK-UP WITH DR. PATEL ON THURSDAY MORNING.",
        None,
        {I.GREETING, I.BOOK},
        {"visit_type": "checkup", "provider": "Patel", "day": THU, "part_of_day": "morning"},
    ),
    ("9.30 works.", None, {I.INFORM}, {"time": time(9, 30), "time_relation": "at"}),
    ("930 works", None, {I.INFORM}, {"time": time(9, 30), "time_relation": "at"}),
    ("The 1st one.", None, {I.SELECT}, {"selection": "first"}),
    ("Yes, please.", None, {I.AFFIRM}, {}),
    (
        "Book me a checkup Friday at 11.",
        None,
        {I.BOOK},
        {"visit_type": "checkup", "day": FRI, "time": time(11), "time_relation": "at"},
    ),
    ("Actually, no, make it Friday instead.", None, {I.INFORM}, {"day": FRI, "correction": True}),
    (
        "can i get a sick visit tomorow morning",
        None,
        {I.BOOK},
        {"visit_type": "sick visit", "day": TUE, "part_of_day": "morning"},
    ),
    (
        "no wait wensday afternoon",
        None,
        {I.INFORM},
        {"day": WED, "part_of_day": "afternoon", "correction": True},
    ),
    # "no wait" as whisper heard it, the patient's pause turned into a full stop
    (
        "I need a follow-up visit on Tuesday. No way. Wednesday afternoon.",
        None,
        {I.BOOK},
        {"visit_type": "follow-up", "day": WED, "part_of_day": "afternoon", "correction": True},
    ),
    ("Mm-hmm.", None, {I.ACK}, {}),
    ("Uh-huh.", "confirmation", {I.AFFIRM}, {}),
    # a soft "born" before the month, as whisper writes the piper voice
    (
        "Jane Doe, or in January 2, 1990.",
        None,
        {I.INFORM},
        {"name": "Jane Doe", "date_of_birth": date(1990, 1, 2)},
    ),
    (
        "Sue Park, Orn April 4, 1955",
        None,
        {I.INFORM},
        {"name": "Sue Park", "date_of_birth": date(1955, 4, 4)},
    ),
    ("11. 30, please.", None, {I.INFORM}, {"time": time(11, 30), "time_relation": "at"}),
    ("And where you located?", None, {I.ASK_ADDRESS}, {}),
    (
        "I need to check up first day after 3pm.",
        None,
        {I.INFORM},
        {"visit_type": "checkup", "day": THU, "time": time(15), "time_relation": "after"},
    ),
    (
        "Make it 3-0 clock.",
        None,
        {I.INFORM},
        {"time": time(15), "time_relation": "at", "correction": True},
    ),
    # "afternoon" cut short at the end of the turn, "checkup on" run together
    ("How about Friday after", "day", {I.INFORM}, {"day": FRI, "part_of_day": "afternoon"}),
    (
        "Great, then I'd like to check up Monday after",
        None,
        {I.INFORM},
        {"visit_type": "checkup", "day": date(2026, 3, 9), "part_of_day": "afternoon"},
    ),
    (
        "I'd like to check upon Wednesday morning.",
        None,
        {I.INFORM},
        {"visit_type": "checkup", "day": WED, "part_of_day": "morning"},
    ),
    (
        "Is Friday after 3 okay?",
        None,
        {I.INFORM},
        {"day": FRI, "time": time(15), "time_relation": "after"},
    ),
    # whisper's "eighth" after a month, on the piper voice
    (
        "Tom Becker, August state, 1975.",
        "name_and_dob",
        {I.INFORM},
        {"name": "Tom Becker", "date_of_birth": date(1975, 8, 8)},
    ),
    ("Hi, how much are your coffees?", None, {I.GREETING, I.ASK_COPAY}, {}),
    ("Sorry. What did you say about the coffee?", None, {I.CLARIFY}, {"topic": "copay"}),
    (
        "Make it 3-2 o'clock.",
        None,
        {I.INFORM},
        {"time": time(15), "time_relation": "at", "correction": True},
    ),
    (
        "Checkup, please, Tuesday at 9. 30.",
        None,
        {I.INFORM},
        {"visit_type": "checkup", "day": TUE, "time": time(9, 30), "time_relation": "at"},
    ),
    # whisper base glued "Patel Thursday" together
    ("Can I see doctor Patelthors day at 10 for a checkup?", None, {I.BOOK}, PATEL_THU_10),
]


@pytest.mark.parametrize(
    ("text", "expecting", "intents", "fields"), STT_VARIANTS, ids=[x[0] for x in STT_VARIANTS]
)
def test_stt_variant(
    expect: Any, text: str, expecting: str | None, intents: set[I], fields: dict[str, Any]
) -> None:
    expect(text, intents, expecting=expecting, **fields)
