"""Name rescoring: a prior on common names moves near-ties in whisper's beam, nothing more."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from support.names import NAME_RANKS

from agent.nlu.names import name_in_answer
from agent.speech.name_lexicon import (
    DEFAULT_PATH,
    MAX_RANK,
    NameLexicon,
    effective_rank,
    us_first_name_births,
)
from agent.speech.name_prior import Hypothesis, NamePrior, NamePriorOptions

LEXICON = NameLexicon(NAME_RANKS)


def prior() -> NamePrior:
    return NamePrior(LEXICON, name_in_answer)


def test_a_near_tie_goes_to_the_common_name() -> None:
    beam = [
        Hypothesis("My name is Marita Lopez.", -1.92),
        Hypothesis("My name is Maria Lopez.", -2.06),
    ]
    assert prior().pick(beam) == 1


def test_a_clearly_heard_rarer_name_is_kept() -> None:
    beam = [
        Hypothesis("My name is Marta Rossi.", -1.3),
        Hypothesis("My name is Martha Rossi.", -4.1),
    ]
    assert prior().pick(beam) == 0


def test_a_last_name_is_judged_as_a_last_name() -> None:
    # "Ken" is a common first name but a rare last name; "Kim" is a common last name
    beam = [
        Hypothesis("Grace Ken, December 1, 1990.", -6.2),
        Hypothesis("Grace Kim, December 1, 1990.", -6.4),
    ]
    assert prior().pick(beam) == 1


def test_a_surname_in_first_place_is_no_commoner_than_an_unlisted_first_name() -> None:
    # "Little" is a 395th surname and no listed first name; whisper heard it 2.8 nats more
    # clearly than "Leo" (public side-question-then-back, audio mode)
    ranks = {"leo": (270, 1320), "little": (0, 395), "martin": (20, 10), "smith": (0, 1)}
    lexicon = NameLexicon(ranks)
    p = NamePrior(lexicon, name_in_answer)
    beam = [
        Hypothesis("Little Martin, April 4, 1962", -4.56),
        Hypothesis("Leo Martin, April 4, 1962", -7.38),
    ]
    assert NamePrior(lexicon, name_in_answer, NamePriorOptions(weight=1.0)).pick(beam) == 1
    # a very common surname as a first name still counts as rarer than every listed one
    assert p.name_log_prior("Martin Smith") > p.name_log_prior("Smith Martin")
    unknown = p.name_log_prior("Zzyzx Martin")
    assert unknown <= p.name_log_prior("Little Martin") < p.name_log_prior("Leo Martin")


def test_an_answer_with_a_name_beats_one_without() -> None:
    p = prior()
    assert p.log_prior("Pre-in-air, or May 2, 2001.") < p.log_prior("Maria Lopez, May 2, 2001")
    beam = [Hypothesis("Pre-in-air, or May 2, 2001.", -5.0), Hypothesis("Maria Lopez.", -5.5)]
    assert p.pick(beam) == 1


def test_a_birth_year_no_patient_has_loses_to_the_next_hypothesis() -> None:
    pinned = NamePrior(LEXICON, name_in_answer, NamePriorOptions(this_year=2026))
    beam = [
        Hypothesis("Maria Lopez, January 2, 1919", -4.6),  # whisper's "nineteen ninety"
        Hypothesis("Maria Lopez, January 2, 1990.", -5.3),
    ]
    assert pinned.pick(beam) == 1
    assert pinned.year_penalty("born March 3rd, 2031") > 0
    assert pinned.year_penalty("Maria Lopez, March 3rd, 1931, 555-1919") == 0


def test_one_hypothesis_is_taken_as_is() -> None:
    assert prior().pick([Hypothesis("Zorblax Quint.", -9.0)]) == 0
    assert prior().pick([]) == 0


def test_effective_rank_prefers_home_and_discounts_foreign_fame() -> None:
    assert effective_rank({"US": 512, "MY": 76}) == 512
    assert effective_rank({"MY": 8}) == 80  # common abroad only: ten times rarer here
    assert effective_rank({"US": 3000, "FR": 16}) == 160


def test_a_first_names_us_births_count_at_home_and_gate_its_foreign_fame() -> None:
    assert effective_rank({"US": 512}, us_births=(567, 99756)) == 512
    assert effective_rank({}, us_births=(567, 99756)) == 567  # missing from the dataset
    assert effective_rank({"MY": 8}, us_births=(600, 6231)) == 80  # used in the US: boosted
    # ... but not beyond ten times its US rank: "Noor" (15th abroad) is no "Nora"
    assert effective_rank({"EG": 15}, us_births=(3071, 6231)) == 307
    # ... and a name rare in the US stays in the table ("Chidi": 194th abroad, 25833rd here)
    assert effective_rank({"NG": 194}, us_births=(25833, 196)) == MAX_RANK
    assert effective_rank({"MY": 8}, us_births=(0, 0)) == 0  # not given in the US: not a name
    assert effective_rank({"MY": 8}, us_births=None) == 80  # last names have no such table


def test_the_shipped_us_first_names_table_ranks_by_births() -> None:
    births = us_first_name_births()
    assert births["james"][0] < births["nora"][0] < births["noor"][0]
    assert births["nora"][1] > 50_000
    assert "nor" not in births  # fewer than 100 US births since 1930


def test_lexicon_loads_a_table(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("# name\tfirst_rank\tlast_rank\nnora\t512\t0\nsingh\t0\t1\n")
    lexicon = NameLexicon.load(path)
    assert len(lexicon) == 2
    assert (lexicon.first_rank("Nora"), lexicon.last_rank("Nora")) == (512, 0)
    assert lexicon.last_rank("SINGH") == 1
    assert lexicon.first_rank("Zorblax") == 0


def test_the_built_lexicon_knows_common_names_from_everywhere() -> None:
    lexicon = NameLexicon.load(DEFAULT_PATH)  # built by `make venv` from names-dataset
    assert 0 < lexicon.first_rank("Maria") < lexicon.first_rank("Marita")
    assert 0 < lexicon.last_rank("Kim") < lexicon.last_rank("Ken") or not lexicon.last_rank("Ken")
    for first, last in [("Priya", "Singh"), ("Aisha", "Khan"), ("Sam", "Ortiz"), ("Mei", "Wong")]:
        assert lexicon.first_rank(first) > 0, first
        assert lexicon.last_rank(last) > 0, last
    assert lexicon.first_rank("Born") == 0  # foreign lists' noise is cut


async def test_a_name_answer_is_still_decoded_when_the_lexicon_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import numpy as np

    from agent.speech import name_lexicon
    from agent.speech.models import ModelMissingError
    from agent.speech.stt_whisper import WhisperSTT
    from agent.speech.whisper_engine import Transcript

    class Engine:
        def __init__(self) -> None:
            self.chose: list[bool] = []

        def transcribe(self, audio, prompt="", beam_size=None, choose=None):  # type: ignore[no-untyped-def]
            self.chose.append(choose is not None)
            return Transcript("Maria Lopez", 0.9, -0.1, 0.0, 1.0, 1.0)

    def missing(*_args: object) -> None:
        raise ModelMissingError("package 'names-dataset' is not installed")

    monkeypatch.setattr(name_lexicon, "_shared", None)
    monkeypatch.setattr(name_lexicon, "build", missing)
    monkeypatch.setenv("NAME_LEXICON", str(tmp_path / "absent.tsv.gz"))
    engine = Engine()
    stt_ = WhisperSTT(engine=engine, name_finder=name_in_answer)  # type: ignore[arg-type]
    stt_.expect_answer({"name"})
    result = await stt_.transcribe_pcm(np.zeros(16000, dtype=np.int16), final=True)
    assert result.text == "Maria Lopez"
    assert engine.chose == [False]
