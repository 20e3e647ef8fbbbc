"""Whisper writing its prompt (the earlier turns) instead of the audio: decoded again without."""

from __future__ import annotations

import numpy as np

from agent.speech.stt_whisper import WhisperSTT
from agent.speech.vocabulary import copies_context
from agent.speech.whisper_engine import Transcript

EARLIER = "I want to book a checkup for Friday at 4."


class PromptCopyingEngine:
    """Copies the earlier turn when it is in the prompt, as whisper base did in a call."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def transcribe(self, audio, prompt="", beam_size=None, choose=None):  # type: ignore[no-untyped-def]
        self.prompts.append(prompt)
        text = EARLIER if EARLIER in prompt else "Kay Wu, born February 9, 1986."
        return Transcript(text, 0.9, -0.1, 0.0, 1.0, 1.0)


def test_a_copy_of_the_earlier_turns_is_recognised() -> None:
    assert copies_context("I want to book a checkup for Friday at 4.", "Hi. " + EARLIER)
    assert copies_context("book a checkup for Friday", EARLIER)
    assert not copies_context("Yes.", "Yes. " + EARLIER)  # short replies repeat by chance
    assert not copies_context("Kay Wu, born February 9, 1986.", EARLIER)
    assert not copies_context("I want to book a checkup", "")


async def test_a_decode_that_copies_its_prompt_is_decoded_again_without_it() -> None:
    engine = PromptCopyingEngine()
    stt_ = WhisperSTT(engine=engine)  # type: ignore[arg-type]
    result = await stt_.transcribe_pcm(np.zeros(16000, dtype=np.int16), EARLIER, final=True)
    assert result.text == "Kay Wu, born February 9, 1986."
    assert len(engine.prompts) == 2 and EARLIER not in engine.prompts[1]


async def test_a_new_turn_is_decoded_once() -> None:
    engine = PromptCopyingEngine()
    stt_ = WhisperSTT(engine=engine)  # type: ignore[arg-type]
    result = await stt_.transcribe_pcm(np.zeros(16000, dtype=np.int16), "Hello there.")
    assert result.text == "Kay Wu, born February 9, 1986."
    assert len(engine.prompts) == 1
