import pytest

from agent.turn import expectation_from_prompt, expectations_from_prompt, lexical_completeness


@pytest.mark.parametrize(
    "text",
    [
        "My date of birth is",
        "can I come in on",
        "I'd like a",
        "um",
        "Tuesday and",
        "so uh",
        "I would like to book",
        "I need to schedule",
    ],
)
def test_dangling_words_mean_wait(text: str) -> None:
    assert lexical_completeness(text) == "incomplete"


def test_dob_without_year_is_incomplete_only_when_asked_for_a_dob() -> None:
    assert lexical_completeness("March fifth", "date_of_birth") == "incomplete"
    assert lexical_completeness("March fifth, 1980", "date_of_birth") == "complete"
    assert lexical_completeness("March fifth nineteen eighty", "date_of_birth") == "complete"
    assert lexical_completeness("3/5/1980", "date_of_birth") == "complete"


def test_a_name_and_date_of_birth_answer_is_complete_with_its_year() -> None:
    asked = "name_and_dob"
    assert lexical_completeness("Leo Martin, April 4th", asked) == "incomplete"
    assert lexical_completeness("Leo Martin, April 4, 1962", asked) == "complete"
    assert lexical_completeness("Leo Martin", asked) == "unknown"  # the date may follow


def test_a_closing_then_ends_the_sentence_but_and_then_does_not() -> None:
    assert lexical_completeness("Okay, Thursday at 2 then.", "selection") == "complete"
    assert lexical_completeness("Tuesday and then", "day") == "incomplete"


def test_phone_needs_ten_digits() -> None:
    assert lexical_completeness("555 201", "phone") == "incomplete"
    assert lexical_completeness("555 201 3344", "phone") == "complete"


@pytest.mark.parametrize(
    ("text", "expecting"),
    [
        ("Tuesday at 3 pm", None),
        ("yes please", "confirmation"),
        ("Thursday", "day"),
        ("No, that's fine.", None),
        ("What are your hours?", None),
    ],
)
def test_complete_answers(text: str, expecting: str | None) -> None:
    assert lexical_completeness(text, expecting) == "complete"


def test_whisper_full_stop_is_not_evidence() -> None:
    assert lexical_completeness("I would like to book a checkup.") == "unknown"
    assert lexical_completeness("") == "unknown"


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Can I have your date of birth?", "date_of_birth"),
        ("What's your full name?", "name"),
        ("Shall I book it?", "confirmation"),
        ("Which day works for you?", "day"),
        ("We're at 120 Maple Street.", None),
    ],
)
def test_expectation_from_the_agents_question(prompt: str, expected: str | None) -> None:
    assert expectation_from_prompt(prompt) == expected


def test_every_request_in_one_question_is_found() -> None:
    asked = expectations_from_prompt("May I have your full name and date of birth?")
    assert asked == {"name", "date_of_birth"}
    assert expectations_from_prompt("Which works best?") == frozenset()
