"""Name rescoring: whisper judges sound-alike common names, the prior breaks near-ties."""

from __future__ import annotations

from collections.abc import Sequence

from support.names import NAME_RANKS
from support.stepper import Heard

from agent.nlu.names import name_in_answer
from agent.speech.name_lexicon import NameLexicon
from agent.speech.name_prior import Hypothesis, NamePrior
from agent.speech.name_rescore import NameRescorer, heard_name_span, replace_name
from agent.speech.name_search import NameSearch, NameSearchOptions
from agent.speech.name_sounds import NameSoundIndex, sounds


def rescorer(search: NameSearch | None = None) -> NameRescorer:
    lexicon = NameLexicon(NAME_RANKS)
    index = NameSoundIndex([(n, f, la, sounds(n)) for n, (f, la) in NAME_RANKS.items()])
    return NameRescorer(NamePrior(lexicon, name_in_answer), index, name_in_answer, search=search)


def name_search(firsts: list[str], lasts: list[str]) -> NameSearch:
    # the fake decoder spends a step per character
    return NameSearch(firsts, lasts, NameSearchOptions(max_steps=24))


class Fits:
    """Whisper's fit of each text to the audio, as a table; records what it was asked."""

    def __init__(self, fits: dict[str, float], default: float = -30.0) -> None:
        self.fits = fits
        self.default = default
        self.asked: list[str] = []

    def __call__(self, texts: Sequence[str]) -> list[float]:
        self.asked.extend(texts)
        return [self.fits.get(t, self.default) for t in texts]


class HeardFits(Heard, Fits):
    """Both faces of whisper over one utterance: a fit table and a decoder that heard `spoken`."""

    def __init__(self, spoken: str, fits: dict[str, float]) -> None:
        Heard.__init__(self, spoken)
        Fits.__init__(self, fits)


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


def test_words_whisper_wrote_for_a_name_are_searched_by_sound() -> None:
    # "Ada Park, January second ..." came out with no name the finder could read
    heard = "8 a park, January 2, 1990."
    assert heard_name_span(heard) == "8 a park"
    fits = Fits({heard: -4.0, "Ada Park, January 2, 1990.": -5.0})
    assert rescorer().choose([Hypothesis(heard, -4.0)], fits).text == "Ada Park, January 2, 1990."


def test_only_a_name_and_date_shape_is_read_as_a_misheard_name() -> None:
    assert heard_name_span("2 Park, born April 4, 1955") == "2 Park"
    assert heard_name_span("Yes, March 3, 1990") is None
    assert heard_name_span("My name is, March 3") is None
    assert heard_name_span("I don't remember") is None


def test_a_name_heard_as_other_words_is_found_by_stepping_the_decoder() -> None:
    # no sound-alike of "Preion air" is "Priya Nair"; the decoder, walked through the names,
    # finds it, and fit + prior decide (neither name is in this small table)
    search = name_search(["Brian", "Priya"], ["Nair", "Ell"])
    answer = "Priya Nair, born May 2."
    whisper = HeardFits(" " + answer, {"Preion air, born May 2.": -7.0, answer: -6.5})
    chosen = rescorer(search).choose([Hypothesis("Preion air, born May 2.", -6.0)], whisper)
    assert chosen == Hypothesis(answer, -6.5)
    assert rescorer().choose([Hypothesis("Preion air, born May 2.", -6.0)], whisper).text != answer


def test_a_common_last_name_heard_is_kept_and_only_the_first_name_searched() -> None:
    search = name_search(["Mara", "Mia"], ["Parker", "Perez"])
    whisper = HeardFits(" Mara Park, born May 2.", {})
    texts = rescorer(search).searched([Hypothesis("Mora Park, born May 2.", -4.0)], whisper)
    assert "Mara Park, born May 2." in texts
    assert not [t for t in texts if "Parker" in t or "Perez" in t]
    assert all("Park" not in prefix for prefix in whisper.prefixes)


def test_a_heard_name_known_in_both_places_is_not_searched() -> None:
    # "Maria" and "Rossi" are both known names where they stand: the search would only add
    # latency, so the decoder is never stepped
    search = name_search(["Mario"], ["Rossini"])
    answer = "Maria Rossi, December 1, 1990."
    whisper = HeardFits(" Mario Rossini", {answer: -2.0})
    assert rescorer(search).choose([Hypothesis(answer, -3.0)], whisper).text == answer
    assert whisper.steps == []


def test_a_name_before_or_and_a_date_is_weighed_by_the_prior_too() -> None:
    # whisper writes "born" as "or"; the name finder reads no name there, candidates() does
    heard = "Grace Ken or December 1, 1990."
    fits = Fits({heard: -2.0, "Grace Kim or December 1, 1990.": -4.5})
    assert (
        rescorer().choose([Hypothesis(heard, -3.0)], fits).text == "Grace Kim or December 1, 1990."
    )


def test_words_the_finder_rejects_as_a_name_get_no_prior_where_a_name_stands() -> None:
    # "Can" is a surname (900th here) that sounds like "Ken", but the name finder reads no name
    # in "Grace Can" (a verb): it must not win on that prior over "Grace Ken"
    ranks = {**NAME_RANKS, "can": (0, 900)}
    prior = NamePrior(NameLexicon(ranks), name_in_answer)
    index = NameSoundIndex([(n, f, la, sounds(n)) for n, (f, la) in ranks.items()])
    heard, other = "Grace Ken, December 1, 1990.", "Grace Can, December 1, 1990."
    fits = Fits({heard: -2.0, other: -1.5})
    chosen = NameRescorer(prior, index, name_in_answer).choose([Hypothesis(heard, -2.0)], fits)
    assert other in fits.asked
    assert chosen.text != other


def usual_spelling_rescorer(us_births: dict[str, int]) -> NameRescorer:
    # the two spellings rank alike in the lexicon, as "Nora" (512th) and "Norah" (532nd) do
    ranks = {**NAME_RANKS, "nora": (512, 0), "norah": (520, 0), "singh": (0, 540)}
    lexicon = NameLexicon(ranks, us_births=us_births)
    index = NameSoundIndex([(n, f, la, sounds(n)) for n, (f, la) in ranks.items()])
    return NameRescorer(NamePrior(lexicon, name_in_answer), index, name_in_answer)


NOR_SING = "Nor Sing, February 2, 1980."
NORA, NORAH = "Nora Singh, February 2, 1980.", "Norah Singh, February 2, 1980."


def test_of_names_spoken_alike_the_spelling_given_to_more_us_babies_is_kept() -> None:
    # whisper fits "Norah" better (its tokens start like the " Nor" it heard), not the audio
    fits = Fits({NOR_SING: -4.0, NORAH: -5.9, NORA: -7.0})
    chosen = usual_spelling_rescorer({"nora": 99756, "norah": 19987}).choose(
        [Hypothesis(NOR_SING, -4.0)], fits
    )
    assert NORA in fits.asked and NORAH in fits.asked
    assert chosen == Hypothesis(NORA, -7.0)


def test_the_usual_spelling_follows_the_births_not_the_fit() -> None:
    fits = Fits({NOR_SING: -4.0, NORAH: -7.0, NORA: -5.9})
    chosen = usual_spelling_rescorer({"nora": 19987, "norah": 99756}).choose(
        [Hypothesis(NOR_SING, -4.0)], fits
    )
    assert chosen.text == NORAH


def test_a_name_that_sounds_different_is_never_swapped_in_for_its_spelling() -> None:
    # "Noor" is given to more babies here, but it is a different sound from the winner
    fits = Fits({NOR_SING: -4.0, NORA: -5.0, "Noor Singh, February 2, 1980.": -9.0})
    rescorer = usual_spelling_rescorer({"nora": 100, "noor": 100000})
    assert rescorer.choose([Hypothesis(NOR_SING, -4.0)], fits).text == NORA
