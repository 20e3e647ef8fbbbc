"""A clinic passes its own vocabulary: providers, insurers, visit types."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType

import pytest

from agent.nlu import DEFAULT_LEXICON, Intent, Lexicon, parse

MON = datetime(2026, 3, 2, 9)

OTHER_CLINIC = Lexicon(
    providers=MappingProxyType({"Garcia": ("garcia", "doctor rosa"), "Nguyen": ("nguyen", "win")}),
    insurers=MappingProxyType({"Kaiser": ("kaiser",), "Aetna": ("aetna",)}),
)


def test_custom_providers_are_recognised() -> None:
    u = parse("can I see Doctor Garcia on Friday", now=MON, lexicon=OTHER_CLINIC, strict=True)
    assert u.provider == "Garcia"
    assert Intent.BOOK in u.intents
    assert parse("Doctor Rosa please", now=MON, lexicon=OTHER_CLINIC).provider == "Garcia"


def test_default_providers_are_not_known_to_another_clinic() -> None:
    assert parse("can I see Doctor Patel", now=MON, lexicon=OTHER_CLINIC).provider is None
    assert parse("can I see Doctor Patel", now=MON, lexicon=DEFAULT_LEXICON).provider == "Patel"


def test_custom_insurers_are_canonicalised() -> None:
    u = parse("do you take kaiser", now=MON, lexicon=OTHER_CLINIC, strict=True)
    assert u.insurer == "Kaiser"
    assert u.intents == {Intent.ASK_INSURANCE}


def test_default_visit_types_still_apply() -> None:
    assert parse("I need a physical", now=MON, lexicon=OTHER_CLINIC).visit_type == "checkup"


def test_canonical_rejects_unknown_alias() -> None:
    with pytest.raises(KeyError, match="smith"):
        DEFAULT_LEXICON.canonical(DEFAULT_LEXICON.providers, "smith")
