"""The bench pool's scheduling helpers (the pool itself runs in `make bench`)."""

from __future__ import annotations

from pathlib import Path

from bench.pool import _Span, average_overlap, expected_length


def test_a_longer_scenario_is_expected_to_make_a_longer_call(tmp_path: Path) -> None:
    short = tmp_path / "short.yaml"
    short.write_text('steps:\n  - say: "Hi"\n  - hangup: true\n')
    long = tmp_path / "long.yaml"
    long.write_text(
        'steps:\n  - say: "I need a checkup on Tuesday"\n  - say: "Nine works"\n'
        '  - say: "Maria Lopez"\n  - hangup: true\n'
    )
    assert expected_length(long) > expected_length(short)


def test_a_call_is_charged_its_share_of_the_calls_beside_it() -> None:
    alone = _Span(0.0, 10.0)
    assert average_overlap(alone, [alone]) == 1.0
    half = _Span(5.0, 15.0)  # overlaps the second half of `alone`
    assert average_overlap(alone, [alone, half]) == 1.5
    three = [_Span(0.0, 10.0)] * 3
    assert average_overlap(three[0], three) == 3.0
