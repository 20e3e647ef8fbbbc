"""Sound-alike names: what whisper wrote -> common names a few phonemes away."""

from __future__ import annotations

from agent.speech.name_sounds import NameSoundIndex, SoundIndexOptions, sound_distance, sounds


def index(*rows: tuple[str, int, int], **options: object) -> NameSoundIndex:
    entries = [(name, first, last, sounds(name)) for name, first, last in rows]
    return NameSoundIndex(entries, SoundIndexOptions(**options))  # type: ignore[arg-type]


NAMES = index(
    ("grace", 113, 353),
    ("kim", 46, 10),
    ("ken", 60, 1370),
    ("nora", 512, 0),
    ("singh", 542, 1),
    ("priya", 480, 1620),
    ("nair", 0, 350),
    ("aisha", 370, 0),
    ("bello", 500, 170),
    ("lopez", 0, 4),
    ("lópez", 0, 6),
    ("zebulon", 9000, 0),
)


def test_sounds_are_phonemes_without_stress_or_gaps() -> None:
    assert sounds("Grace Kim") == sounds("grace kim")
    assert not set("ˈˌː -") & set(sounds("Grace Kim"))
    assert sounds("Pre-In-Air").endswith(sounds("Nair"))


def test_near_misses_cost_a_fraction_of_an_edit() -> None:
    assert sound_distance(sounds("Kim"), sounds("Kim")) == 0
    assert sound_distance(sounds("Kim"), sounds("Ken")) < 1.0  # a vowel and a nasal
    assert sound_distance(sounds("Nor"), sounds("Nora")) < sound_distance(
        sounds("Nor"), sounds("Paul")
    )
    assert sound_distance(sounds("Kim"), sounds("Ken")) < sound_distance(
        sounds("Kim"), sounds("Fox")
    )


def test_a_misheard_last_name_finds_the_common_one() -> None:
    names = [c.name for c in NAMES.near("Grace Ken", 8)]
    assert "Grace Kim" in names
    assert "Grace Ken" not in names  # what was heard is not a candidate of itself


def test_words_split_or_merged_by_whisper_are_matched_as_one_sound() -> None:
    assert "Priya Nair" in [c.name for c in NAMES.near("Pre-In-Air", 8)]
    assert "Nora Singh" in [c.name for c in NAMES.near("Norse Singh", 8)]
    assert "Aisha Bello" in [c.name for c in NAMES.near("Asia Bello", 8)]


def test_rare_and_accented_spellings_are_never_proposed() -> None:
    proposed = {c.name for h in ("Zebulon Lopez", "Nora Lopes") for c in NAMES.near(h, 20)}
    assert not any("Zebulon" in n or "López" in n for n in proposed)
    assert "Nora Lopez" in proposed


def test_nothing_sounds_like_a_long_sentence() -> None:
    assert NAMES.near("I would like a checkup on Tuesday") == []
