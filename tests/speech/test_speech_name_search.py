"""Name search: whisper's decoder walked through a tree of the lexicon's names, token by token."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from support.stepper import Heard, chars

from agent.speech.name_search import NameSearch, NameSearchOptions, TokenStepper, build_trie


def search(firsts: list[str], lasts: list[str], beam: int = 5, results: int = 6) -> NameSearch:
    # one token per character: whole names take many more steps than whisper's few
    options = NameSearchOptions(beam=beam, results=results, max_steps=24)
    return NameSearch(firsts, lasts, options)


def test_the_fake_decoder_is_a_token_stepper() -> None:
    assert isinstance(Heard("x"), TokenStepper)


def test_the_name_the_decoder_heard_comes_first() -> None:
    names = search(["Brian", "Priya", "Bryan"], ["Nair", "Ell", "Orr"])
    found = names.search(Heard(" Priya Nair, born May 2"))
    assert found[0][0] == "Priya Nair"
    assert found[0][1] > found[1][1]


def test_words_before_the_name_are_part_of_what_the_decoder_is_given() -> None:
    names = search(["Mia", "Max"], ["Novak", "Nolan"])
    heard = Heard(" My name is Mia Novak")
    after_words = names.search(heard, "My name is")
    at_the_start = names.search(heard, "")
    assert after_words[0][0] == "Mia Novak"
    assert after_words[0][1] > at_the_start[0][1] + 5


def test_a_first_name_that_is_the_start_of_another_is_both_ended_and_continued() -> None:
    names = search(["Leo", "Leon"], ["Martin"])
    found = dict(names.search(Heard(" Leon Martin")))
    assert max(found, key=found.__getitem__) == "Leon Martin"
    assert "Leo Martin" in found  # " Leo" then " Martin" is a path of the tree too


def test_only_the_beam_is_stepped_and_results_are_capped() -> None:
    firsts = [f"N{chr(97 + i)}{chr(97 + j)}" for i in range(10) for j in range(10)]
    heard = Heard(" Nab Nab")
    found = search(firsts, firsts, beam=3, results=4).search(heard)
    assert len(found) == 4
    assert found[0][0] == "Nab Nab"
    assert max(heard.steps) <= 3


def test_a_prefix_the_decoder_gave_no_row_for_is_dropped() -> None:
    class Silent(Heard):
        def next_logprobs(self, prefixes: Sequence[Sequence[int]]) -> list[np.ndarray]:
            return [np.empty(0) for _ in prefixes]

    assert search(["Ann"], ["Lee"]).search(Silent(" Ann Lee")) == []


def test_names_are_split_into_the_tokens_whisper_would_write() -> None:
    root = build_trie(["Ann", "Anna"], chars)
    node = root
    for token in chars(" Ann"):
        node = node.children[token]
    assert node.name == "Ann"
    assert node.children[ord("a")].name == "Anna"
    assert list(root.children) == [ord(" ")]


def test_the_word_said_after_the_name_ranks_the_searched_first_names() -> None:
    names = search(["Le", "Leo"], ["Martin"])
    heard = Heard(" Leo Martin")
    # alone, the shorter name is likelier: fewer tokens to pay for
    assert names.search(heard, "", "first")[0][0] == "Le"
    # " Le Martin" leaves what whisper heard at " Le", " Leo Martin" does not
    with_last = names.search(heard, "", "first", then="Martin")
    assert with_last[0][0] == "Leo"
    assert [name for name, _ in with_last] == ["Leo", "Le"]


class Pieces:
    """A decoder over a few whole-word tokens with a table of next-token probabilities per
    prefix: " Leo" ends in one step, as in whisper's vocabulary, while " Li" is a prefix."""

    vocabulary = "pieces"
    PIECES = (" Martin", " Leo", " Li", "ta", "la")

    def __init__(self, table: dict[str, dict[str, float]]) -> None:
        self.table = table

    def tokenize(self, text: str) -> list[int]:
        tokens: list[int] = []
        while text:
            index = next(i for i, p in enumerate(self.PIECES) if text.startswith(p))
            tokens.append(index)
            text = text[len(self.PIECES[index]) :]
        return tokens

    def next_logprobs(self, prefixes: Sequence[Sequence[int]]) -> list[np.ndarray]:
        out = []
        for prefix in prefixes:
            probs = np.full(len(self.PIECES), 1e-4)
            for piece, p in self.table.get("".join(self.PIECES[t] for t in prefix), {}).items():
                probs[self.PIECES.index(piece)] = p
            out.append(np.log(probs))
        return out


HEARD_LITA_OR_LEO = {
    "": {" Li": 0.7, " Leo": 0.2},
    " Li": {"ta": 0.8, "la": 0.1},
    " Lita": {" Martin": 0.9},
    " Lila": {" Martin": 0.9},
    " Leo": {" Martin": 0.9},
}


def test_a_first_name_waiting_for_the_heard_last_name_keeps_a_place_in_the_beam() -> None:
    # " Leo" ends in one token but scores below the prefix " Li": in a shared beam of one
    # it was dropped before " Martin" could show that it fits
    names = search(["Lita", "Lila", "Leo"], ["Martin"], beam=1)
    found = dict(names.search(Pieces(HEARD_LITA_OR_LEO), "", "first", then="Martin"))
    assert max(found, key=found.__getitem__) == "Lita"
    assert "Leo" in found


def test_an_open_first_and_last_search_shares_one_beam() -> None:
    names = search(["Lita", "Lila", "Leo"], ["Martin"], beam=1)
    found = dict(names.search(Pieces(HEARD_LITA_OR_LEO)))
    assert list(found) == ["Lita Martin"]
