"""Name rescoring: whisper judges sound-alike common names, the prior breaks near-ties."""

from __future__ import annotations

from collections.abc import Sequence

from support.names import NAME_RANKS

from agent.nlu.names import name_in_answer
from agent.speech.name_lexicon import NameLexicon
from agent.speech.name_prior import Hypothesis, NamePrior
from agent.speech.name_rescore import NameRescorer, replace_name
from agent.speech.name_sounds import NameSoundIndex, sounds


def rescorer() -> NameRescorer:
    lexicon = NameLexicon(NAME_RANKS)
    index = NameSoundIndex([(n, f, la, sounds(n)) for n, (f, la) in NAME_RANKS.items()])
    return NameRescorer(NamePrior(lexicon, name_in_answer), index, name_in_answer)


class Fits:
    """Whisper's fit of each text to the audio, as a table; records what it was asked."""

    def __init__(self, fits: dict[str, float], default: float = -30.0) -> None:
        self.fits = fits
        self.default = default
        self.asked: list[str] = []

    def __call__(self, texts: Sequence[str]) -> list[float]:
        self.asked.extend(texts)
        return [self.fits.get(t, self.default) for t in texts]


def test_sound_alikes_are_written_into_the_heard_sentence() -> None:
    texts = rescorer().candidates([Hypothesis("Grace Ken, December 1, 1990.", -3.0)])
    assert texts[0] == "Grace Ken, December 1, 1990."
    assert "Grace Kim, December 1, 1990." in texts


def test_a_common_name_that_fits_almost_as_well_wins() -> None:
    fits = Fits({"Grace Ken, December 1, 1990.": -2.0, "Grace Kim, December 1, 1990.": -4.5})
    chosen = rescorer().choose([Hypothesis("Grace Ken, December 1, 1990.", -3.0)], fits)
    assert chosen == Hypothesis("Grace Kim, December 1, 1990.", -4.5)


def test_a_clearly_heard_rarer_name_is_kept() -> None:
    fits = Fits({"My name is Marta Rossi.": -1.0, "My name is Martha Rossi.": -9.0})
    chosen = rescorer().choose([Hypothesis("My name is Marta Rossi.", -1.0)], fits)
    assert chosen.text == "My name is Marta Rossi."
    assert "My name is Martha Rossi." in fits.asked


def test_an_answer_without_a_name_is_not_rescored() -> None:
    fits = Fits({})
    beam = [Hypothesis("December 1, 1990.", -1.0), Hypothesis("December 1 1990", -2.0)]
    assert rescorer().choose(beam, fits).text == "December 1, 1990."
    assert fits.asked == []
    assert rescorer().choose([], fits) == Hypothesis("", -10.0)


def test_a_common_first_and_last_name_is_kept_without_asking_whisper() -> None:
    fits = Fits({})
    chosen = rescorer().choose([Hypothesis("My name is Maria Lopez.", -1.0)], fits)
    assert chosen.text == "My name is Maria Lopez."
    assert fits.asked == []


def test_replace_name_keeps_the_rest_of_the_answer() -> None:
    assert replace_name("my name is grace ken.", "Grace Ken", "Grace Kim") == (
        "my name is Grace Kim."
    )
    assert replace_name("December 1, 1990.", "Grace Ken", "Grace Kim") is None
