"""Data types the language-understanding layer hands to the dialogue engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum


class Intent(StrEnum):
    BOOK = "book"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    LOOKUP = "lookup"
    ASK_HOURS = "ask_hours"
    ASK_ADDRESS = "ask_address"
    ASK_PARKING = "ask_parking"
    ASK_COPAY = "ask_copay"
    ASK_INSURANCE = "ask_insurance"
    ASK_PROVIDERS = "ask_providers"
    CLARIFY = "clarify"
    TRANSFER = "transfer"
    AFFIRM = "affirm"
    DENY = "deny"
    GREETING = "greeting"
    GOODBYE = "goodbye"
    SPELL_REQUEST = "spell_request"
    REPEAT_REQUEST = "repeat_request"
    SELECT = "select"
    ANY_TIME = "any_time"
    UNKNOWN = "unknown"
    # Added after the first contract (additive): an answer that only carries slot values
    # ("Thursday at two", "Maria Lopez"), and a bare acknowledgement ("okay", "mhm",
    # "thanks") heard outside a confirmation question.
    INFORM = "inform"
    ACK = "ack"
    # "any doctor is fine", "whoever is available": no provider preference.
    ANY_PROVIDER = "any_provider"


@dataclass(frozen=True)
class Utterance:
    text: str
    intents: frozenset[Intent]
    visit_type: str | None = None  # checkup | sick visit | follow-up | vaccination | new patient
    provider: str | None = None  # surname as spoken ("Patel"); resolve with clinic.find_provider
    day: date | None = None  # resolved against `now` ("next Tuesday", "tomorrow", "March 5th")
    part_of_day: str | None = None  # morning | afternoon | evening
    time: time | None = None  # "half past two" -> 14:30 (clinic hours disambiguate am/pm)
    time_relation: str | None = None  # at | after | before | around
    name: str | None = None  # "Maria Lopez"
    date_of_birth: date | None = None
    phone: str | None = None
    correction: bool = False  # "no wait", "actually", "I mean", "instead"
    selection: str | None = None  # first|second|third|last|earliest|latest|that|next|closest_after
    topic: str | None = None  # CLARIFY target: copay|hours|address|parking|insurance|time|date|...
    problems: tuple[str, ...] = ()  # spoken-ready issues: "February 30 isn't a real date"
    confidence: float = 1.0  # how sure the parser is that it understood anything
    # Additive fields (defaults keep the first contract valid):
    insurer: str | None = None  # "Aetna" in "do you take Aetna?" (canonical spelling)
    suspicious: bool = False  # prompt-injection style text ("ignore your instructions ...")
    week: date | None = None  # a week without a day: Monday of "next week"; today for "this week"
