"""The verification gate's decisions, step by step, with strings standing in for STT events."""

from agent.turn import PRESETS
from agent.turn.gate import CheckAfter, Forward, Interrupt, OverlapGate, Resume


def kinds(effects: list) -> list[str]:
    return [type(e).__name__ for e in effects]


def forwarded(effects: list) -> list[str]:
    return [ev for e in effects if isinstance(e, Forward) for ev in e.events]


def test_speech_while_agent_is_silent_passes_straight_through() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    assert gate.on_user_speech_start(0.0, agent_speaking=False) == []
    assert forwarded(gate.on_stt("final:hi", "hi", final=True, now=0.5)) == ["final:hi"]


def test_backchannel_resumes_and_never_reaches_the_framework() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(10.0, agent_speaking=True)
    assert gate.on_stt("interim:mhm", "mhm", final=False, now=10.3) == []
    effects = gate.on_user_speech_end(10.5)
    assert kinds(effects) == ["Resume", "CheckAfter"]
    assert isinstance(effects[0], Resume) and effects[0].verdict == "backchannel"
    # the late final confirms it: dropped, settled, nothing forwarded
    assert gate.on_stt("final:mhm", "Mhm.", final=True, now=10.9) == []
    assert not gate.open
    assert gate.verdicts == [("backchannel", "Mhm.")]


def test_final_before_vad_end_waits_for_end_of_speech() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    assert gate.on_stt("final:okay", "Okay.", final=True, now=0.6) == []  # maybe "okay, but"
    effects = gate.on_user_speech_end(0.9)
    assert kinds(effects) == ["Resume", "CheckAfter"]
    assert gate.on_timer(0.9 + PRESETS["natural"].noise_wait_s) == []
    assert not gate.open


def test_stop_cue_in_an_interim_interrupts_and_releases_held_events() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(5.0, agent_speaking=True)
    effects = gate.on_stt("interim:no wait", "no wait", final=False, now=5.4)
    assert kinds(effects) == ["Interrupt", "Forward"]
    assert isinstance(effects[0], Interrupt) and abs(effects[0].latency_s - 0.4) < 1e-9
    assert forwarded(effects) == ["interim:no wait"]
    # the rest of the utterance flows through untouched
    later = gate.on_stt("final:no wait wednesday", "No wait, Wednesday.", final=True, now=6.2)
    assert forwarded(later) == ["final:no wait wednesday"]


def test_single_content_word_decides_at_the_end_of_speech() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    assert gate.on_stt("final:wednesday", "Wednesday.", final=True, now=0.7) == []
    effects = gate.on_user_speech_end(0.9)
    assert kinds(effects) == ["Interrupt", "Forward"]
    assert forwarded(effects) == ["final:wednesday"]


def test_backchannel_revised_by_a_late_final_becomes_an_interruption() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("interim:okay", "okay", final=False, now=0.3)
    assert kinds(gate.on_user_speech_end(0.5)) == ["Resume", "CheckAfter"]
    effects = gate.on_stt("final:okay but", "Okay, but not Tuesday.", final=True, now=0.9)
    assert kinds(effects) == ["Interrupt", "Forward"]
    assert forwarded(effects) == ["interim:okay", "final:okay but"]


def test_noise_without_words_resumes_after_waiting_for_the_stt() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_energy(-30.0)
    effects = gate.on_user_speech_end(0.4)
    assert effects == [CheckAfter(PRESETS["natural"].noise_wait_s)]
    assert gate.on_timer(0.5) == []  # too early: a stray timer does nothing
    late = gate.on_timer(0.4 + PRESETS["natural"].noise_wait_s)
    assert kinds(late) == ["Resume"]
    assert gate.verdicts == [("noise", "")]


def test_empty_final_after_end_is_noise_at_once() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_user_speech_end(0.3)
    effects = gate.on_stt("final:", "", final=True, now=0.7)
    assert kinds(effects) == ["Resume"]
    assert not gate.open


def test_a_pause_inside_one_utterance_keeps_one_overlap() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("final:can I", "Can I", final=True, now=0.5)
    gate.on_user_speech_end(0.6)  # "can I" is no backchannel: decided now
    assert not gate.holding


def test_agent_question_answered_by_okay_near_its_end_becomes_a_turn() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("final:okay", "Okay.", final=True, now=0.5)
    gate.on_user_speech_end(0.6)
    gate.on_timer(0.6 + PRESETS["natural"].noise_wait_s)  # settled as a backchannel
    effects = gate.on_agent_speech_done(1.5, interrupted=False, ended_with_question=True)
    assert forwarded(effects) == ["final:okay"]


def test_okay_during_a_statement_stays_dropped() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("final:okay", "Okay.", final=True, now=0.5)
    gate.on_user_speech_end(0.6)
    gate.on_timer(1.5)
    assert gate.on_agent_speech_done(1.6, interrupted=False, ended_with_question=False) == []


def test_turn_by_turn_keeps_what_was_said_and_releases_it_after_the_reply() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["turn_by_turn"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    assert gate.on_stt("final:wait wednesday", "Wait, Wednesday.", final=True, now=0.8) == []
    assert gate.on_user_speech_end(1.0) == []  # no interrupt, no resume: the agent goes on
    assert gate.on_timer(5.0) == []
    gate.on_user_speech_start(1.5, agent_speaking=True)
    gate.on_stt("final:please", "please", final=True, now=2.0)
    effects = gate.on_agent_speech_done(3.0, interrupted=False, ended_with_question=False)
    assert kinds(effects) == ["Forward"]
    assert forwarded(effects) == ["final:wait wednesday", "final:please"]


def test_turn_by_turn_drops_backchannels() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["turn_by_turn"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("final:mhm", "mhm", final=True, now=0.5)
    gate.on_user_speech_end(0.6)
    assert gate.on_agent_speech_done(2.0, interrupted=False, ended_with_question=False) == []


def test_late_barge_in_is_a_new_turn() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("interim:yes that", "yes that", final=False, now=0.2)
    # the reply ends while the patient talks: their words still decide
    assert gate.on_agent_speech_done(0.3, interrupted=False, ended_with_question=True) == []
    effects = gate.on_stt("final:yes that works", "Yes, that works.", final=True, now=0.9)
    effects += gate.on_user_speech_end(1.0)
    assert forwarded(effects) == ["interim:yes that", "final:yes that works"]


def test_okay_over_the_end_of_a_question_answers_it() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("interim:okay", "okay", final=False, now=0.2)
    gate.on_agent_speech_done(0.3, interrupted=False, ended_with_question=True)
    gate.on_user_speech_end(0.5)
    effects = gate.on_stt("final:okay", "Okay.", final=True, now=0.9)
    assert forwarded(effects) == ["interim:okay", "final:okay"]


def test_a_late_final_of_a_dropped_backchannel_is_dropped_too() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_stt_start("u1", 0.05)
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("interim:mhm", "mhm", final=False, now=0.3, utterance="u1")
    gate.on_user_speech_end(0.5)
    gate.on_timer(0.5 + PRESETS["natural"].noise_wait_s)
    gate.on_timer(0.5 + PRESETS["natural"].stt_wait_max_s)  # the STT is very late
    assert not gate.open
    assert gate.on_stt("final:mhm", "Mhm.", final=True, now=2.5, utterance="u1") == []


def test_the_patients_earlier_turn_running_on_is_not_gated() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_stt_start("u0", 0.0)  # began before the agent started talking
    gate.on_user_speech_start(3.0, agent_speaking=True)
    effects = gate.on_stt("final:and tuesday", "and Tuesday", final=True, now=3.2, utterance="u0")
    assert kinds(effects) == ["Interrupt", "Forward"]
    assert forwarded(effects) == ["final:and tuesday"]


def test_baseline_preset_has_no_gate() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["livekit_default"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    assert forwarded(gate.on_stt("final:mhm", "mhm", final=True, now=0.5)) == ["final:mhm"]


def test_slow_stt_resume_on_a_guess_then_let_the_words_decide() -> None:
    natural = PRESETS["natural"]
    for text, expected in (("Mhm.", []), ("Wednesday.", ["Interrupt", "Forward"])):
        gate: OverlapGate[str] = OverlapGate(natural)
        gate.on_user_speech_start(0.0, agent_speaking=True)
        gate.on_stt_start("u1", 0.1)
        gate.on_user_speech_end(0.5)
        first = gate.on_timer(0.5 + natural.noise_wait_s)
        assert kinds(first) == ["Resume", "CheckAfter"]  # still transcribing: keep listening
        assert gate.open
        assert kinds(gate.on_stt("final", text, final=True, now=2.0, utterance="u1")) == expected
        assert not gate.holding


def test_slow_stt_gives_up_after_the_wait_limit() -> None:
    natural = PRESETS["natural"]
    gate: OverlapGate[str] = OverlapGate(natural)
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt_start("u1", 0.1)
    gate.on_user_speech_end(0.5)
    gate.on_timer(0.5 + natural.noise_wait_s)
    assert gate.on_timer(0.5 + natural.stt_wait_max_s) == []
    assert not gate.open
    assert gate.on_stt("final", "Mhm.", final=True, now=9.0, utterance="u1") == []


def test_an_stt_utterance_opened_just_before_our_vad_belongs_to_the_overlap() -> None:
    natural = PRESETS["natural"]
    gate: OverlapGate[str] = OverlapGate(natural)
    gate.on_stt_start("u1", 9.95)  # the STT's VAD fired 50 ms before Silero
    gate.on_user_speech_start(10.0, agent_speaking=True)
    gate.on_user_speech_end(10.6)
    assert kinds(gate.on_timer(10.6 + natural.noise_wait_s)) == ["Resume", "CheckAfter"]
    assert gate.on_stt("final", "M. H. N.", final=True, now=12.0, utterance="u1") == []
    assert gate.verdicts == [("backchannel", "M. H. N.")]


def test_a_lagging_stt_utterance_after_a_dropped_overlap_is_judged_with_it() -> None:
    natural = PRESETS["natural"]
    for text, expected in (("Okay.", []), ("Okay, but not Monday.", ["Interrupt", "Forward"])):
        gate: OverlapGate[str] = OverlapGate(natural)
        gate.on_stt_start("u1", 0.0)
        gate.on_user_speech_start(0.05, agent_speaking=True)  # "mhm ... okay": one VAD run
        gate.on_user_speech_end(2.6)
        gate.on_timer(2.6 + natural.noise_wait_s)
        gate.on_stt("f1", "M. H. N.", final=True, now=3.6, utterance="u1")
        assert not gate.open  # dropped as a backchannel
        gate.on_stt_start("u2", 3.9)  # the STT only now reaches the "okay"
        assert gate.open
        assert kinds(gate.on_stt("f2", text, final=True, now=4.5, utterance="u2")) == expected


def test_new_speech_ends_the_tail() -> None:
    natural = PRESETS["natural"]
    gate: OverlapGate[str] = OverlapGate(natural)
    gate.on_user_speech_start(0.0, agent_speaking=True)
    gate.on_stt("f1", "Mhm.", final=True, now=0.5)
    gate.on_user_speech_end(0.6)
    gate.on_timer(0.6 + natural.noise_wait_s)
    gate.on_user_speech_start(2.0, agent_speaking=False)  # the patient starts a turn
    gate.on_stt_start("u2", 2.1)
    assert forwarded(gate.on_stt("f2", "I need a checkup", final=True, now=3.0, utterance="u2"))


def test_speech_only_the_stt_heard_over_the_agent_is_judged_too() -> None:
    gate: OverlapGate[str] = OverlapGate(PRESETS["natural"])
    gate.on_stt_start("u1", 5.0, agent_speaking=True)  # our VAD missed the soft "mhm"
    assert gate.open
    assert gate.on_stt("f1", "M. H. N.", final=True, now=6.0, utterance="u1") == []
    assert not gate.open
    gate.on_stt_start("u2", 8.0, agent_speaking=True)
    effects = gate.on_stt("f2", "No, Thursday.", final=True, now=9.0, utterance="u2")
    assert kinds(effects) == ["Interrupt", "Forward"]


def test_stt_first_then_our_vad_is_one_overlap_that_resumes() -> None:
    natural = PRESETS["natural"]
    gate: OverlapGate[str] = OverlapGate(natural)
    gate.on_stt_start("u1", 4.95, agent_speaking=True)
    gate.on_user_speech_start(5.0, agent_speaking=True)
    gate.on_stt("f1", "Mhm.", final=True, now=5.5, utterance="u1")
    assert kinds(gate.on_user_speech_end(5.7)) == ["Resume", "CheckAfter"]


def test_rough_interims_of_a_short_overlap_do_not_decide_an_interruption() -> None:
    gate = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    assert gate.on_stt("i1", "i'm a chair", final=False, now=0.4, rough=True) == []
    assert kinds(gate.on_user_speech_end(0.5)) == ["CheckAfter"]
    assert kinds(gate.on_stt("f1", "Mhm.", final=True, now=0.8)) == ["Resume"]


def test_rough_interims_of_long_speech_still_stop_the_agent() -> None:
    gate = OverlapGate(PRESETS["natural"])
    gate.on_user_speech_start(0.0, agent_speaking=True)
    effects = gate.on_stt("i1", "no wait i said wednesday", final=False, now=1.8, rough=True)
    assert kinds(effects) == ["Interrupt", "Forward"]
