"""Clinic vocabulary the parser matches against (providers, insurers, visit types).

The defaults describe the demo clinic; a deployment passes its own `Lexicon` to `parse`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType


def _phrase_regex(phrases: Mapping[str, tuple[str, ...]]) -> re.Pattern[str]:
    alts = []
    for canonical, aliases in phrases.items():
        for alias in sorted({canonical.lower(), *aliases}, key=len, reverse=True):
            alts.append((alias, canonical))
    alts.sort(key=lambda pair: len(pair[0]), reverse=True)
    body = "|".join(re.escape(alias).replace(r"\ ", r"\s+") for alias, _ in alts)
    return re.compile(rf"(?<![\w'])(?:{body})(?:'s)?(?![\w'])")


DEFAULT_PROVIDERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Patel": ("patel", "patil", "pattel", "patell", "ana patel", "anna patel", "doctor ana"),
        "Okafor": (
            "okafor", "okafur", "okefor", "o'kafor", "oka for", "okay for doctor",
            "james okafor", "doctor james", "pediatrician", "the kids doctor",
        ),
        "Chen": (
            "chen", "lee chen", "li chen", "nurse chen", "nurse practitioner",
            "the np", "the nurse", "a nurse",
        ),
    }
)  # fmt: skip

DEFAULT_INSURERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "Aetna": ("aetna", "etna", "atena"),
        "Blue Cross": ("blue cross", "blue shield", "blue cross blue shield", "bcbs"),
        "Cigna": ("cigna", "signa", "sigma"),
        "UnitedHealthcare": (
            "unitedhealthcare", "united healthcare", "united health care", "united health",
            "united",
        ),
        "Medicare": ("medicare",),
        "Medicaid": ("medicaid", "medi cal", "medi-cal"),
        "Humana": ("humana",),
        "Kaiser": ("kaiser", "kaiser permanente"),
        "Anthem": ("anthem",),
        "Tricare": ("tricare", "tri care"),
        "Oscar": ("oscar",),
    }
)  # fmt: skip

# Strong: the patient names the visit type. Weak: a symptom that implies it.
DEFAULT_VISIT_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "checkup": (
            "checkup", "physical", "physical exam", "annual exam", "annual visit", "annual",
            "wellness visit", "wellness check", "routine exam", "yearly exam",
        ),
        "sick visit": ("sick visit", "sick appointment", "sick call", "sick"),
        "follow-up": ("follow up", "follow up visit", "follow up appointment", "followup"),
        "vaccination": (
            "vaccination", "vaccinations", "vaccinated", "vaccinate", "vaccine", "vaccines",
            "flu shot", "shot", "shots",
            "immunization", "immunizations", "booster", "jab", "covid shot", "tetanus shot",
        ),
        "new patient": (
            "new patient", "first visit", "first appointment", "first time here",
            "first time visiting", "first time patient", "never been here",
            "haven't been here before", "new here", "i'm new", "i am new",
        ),
    }
)  # fmt: skip
SYMPTOMS: tuple[str, ...] = (
    "fever", "cough", "coughing", "cold", "flu", "sore throat", "ill", "not feeling well",
    "feeling sick", "under the weather", "headache", "earache", "ear infection", "rash",
    "stomach ache", "throwing up", "vomiting", "infection", "pain", "hurts", "i'm sick",
)  # fmt: skip


@dataclass(frozen=True)
class Lexicon:
    providers: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_PROVIDERS)
    insurers: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_INSURERS)
    visit_types: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_VISIT_TYPES)
    symptoms: tuple[str, ...] = SYMPTOMS

    @cached_property
    def provider_regex(self) -> re.Pattern[str]:
        return _phrase_regex(self.providers)

    @cached_property
    def insurer_regex(self) -> re.Pattern[str]:
        return _phrase_regex(self.insurers)

    @cached_property
    def visit_regex(self) -> re.Pattern[str]:
        return _phrase_regex(self.visit_types)

    @cached_property
    def symptom_regex(self) -> re.Pattern[str]:
        return _phrase_regex({"sick visit": self.symptoms})

    def canonical(self, table: Mapping[str, tuple[str, ...]], alias: str) -> str:
        key = re.sub(r"\s+", " ", alias.lower())
        key = key[:-2] if key.endswith("'s") else key
        for canonical, aliases in table.items():
            if key == canonical.lower() or key in aliases:
                return canonical
        raise KeyError(alias)


DEFAULT_LEXICON = Lexicon()
