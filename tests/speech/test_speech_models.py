"""The whisper model is joined from its two wheels when the cache is missing (fresh clone)."""

from __future__ import annotations

from pathlib import Path

from agent.speech.models import piper_voice_files, whisper_model_dir, whisper_parts


def test_whisper_parts_join_into_an_empty_cache(tmp_path: Path) -> None:
    target = tmp_path / "whisper-base"
    part1, part2 = whisper_parts()
    assert whisper_model_dir(target) == target
    model = target / "model.bin"
    assert model.stat().st_size == part1.stat().st_size + part2.stat().st_size
    with model.open("rb") as joined, part2.open("rb") as second:
        joined.seek(part1.stat().st_size)
        assert joined.read(4096) == second.read(4096)
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in target.iterdir()}
    mtime = model.stat().st_mtime_ns
    whisper_model_dir(target)  # complete: not joined again
    assert model.stat().st_mtime_ns == mtime


def test_piper_voice_ships_in_its_package() -> None:
    model, config = piper_voice_files()
    assert model.suffix == ".onnx" and config.name.endswith(".onnx.json")
