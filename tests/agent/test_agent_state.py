"""Dialogue state: serialisable, readable summary, bounded memory."""

from __future__ import annotations

import json
from datetime import date, datetime, time

from agent.state import DialogueState, Exchange, Memory, Stage
from booking.models import Slot

SLOT = Slot("patel", "Ana Patel", "checkup", datetime(2026, 3, 5, 9, 30), datetime(2026, 3, 5, 10))


def test_state_to_dict_is_json_and_keeps_every_track() -> None:
    st = DialogueState()
    b = st.booking
    b.visit_type, b.day, b.time = "checkup", date(2026, 3, 5), time(9, 30)
    b.offered = [SLOT]
    b.held_slot, b.hold_id, b.stage = SLOT, "h1", Stage.HELD
    st.side.ask("copay", "how much is the copay?").answered = True
    st.record_correction("day", date(2026, 3, 3), date(2026, 3, 4), "no wait, Wednesday")
    st.memory.add(Exchange(user="hi", agent="hello", topics={"copay": "$25"}))
    doc = json.loads(json.dumps(st.to_dict()))
    assert doc["booking"]["held_slot"]["start"] == "2026-03-05T09:30"
    assert doc["booking"]["stage"] == "held"
    assert doc["side"][0]["topic"] == "copay"
    assert doc["corrections"] == [
        {
            "field": "day",
            "old": "2026-03-03",
            "new": "2026-03-04",
            "utterance": "no wait, Wednesday",
        }
    ]
    assert doc["memory"][0]["topics"] == {"copay": "$25"}


def test_summary_names_stage_hold_offers_and_corrections() -> None:
    st = DialogueState()
    st.booking.visit_type = "checkup"
    st.booking.offered = [SLOT]
    st.booking.held_slot, st.booking.hold_id = SLOT, "h9"
    st.record_correction("time", time(9), time(9, 30), "make it half past")
    text = st.summary()
    assert "visit_type=checkup" in text
    assert "hold_id=h9" in text
    assert "1: Thu 2026-03-05 09:30" in text
    assert "time: 09:00:00 -> 09:30:00" in text


def test_memory_keeps_last_four_and_finds_topics() -> None:
    mem = Memory()
    mem.add(Exchange(user="copay?", agent="It's $40.", topics={"copay": "It's $40."}))
    for i in range(4):
        mem.add(Exchange(user=f"turn {i}", agent=f"reply {i}"))
    assert len(mem.exchanges) == 4
    assert mem.answer_about("copay") is None  # fell out of the window
    mem.add(Exchange(user="parking?", agent="Free.", topics={"parking": "Free."}))
    assert mem.answer_about("parking") == "Free."
    assert mem.last_agent_line() == "Free."


def test_clear_slot_choice_goes_back_to_collecting() -> None:
    st = DialogueState()
    b = st.booking
    b.offered, b.held_slot, b.hold_id, b.stage = [SLOT], SLOT, "h", Stage.HELD
    b.clear_slot_choice()
    assert (b.offered, b.held_slot, b.hold_id, b.stage) == ([], None, None, Stage.COLLECTING)
