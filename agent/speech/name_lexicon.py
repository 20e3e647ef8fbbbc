"""How common a word is as a first or a last name: the prior behind name rescoring.

Source: the `names-dataset` package (Apache-2.0), which ranks first and last names per country.
Its pickles take ~25 s and ~2 GB to load, so `make venv` derives a small table once into
`.cache/models/names/lexicon.tsv.gz`. A name's rank is its rank in the clinic's country (and
neighbours, `HOME_COUNTRIES`), or `FOREIGN_FACTOR` x its best rank elsewhere when that is better:
a clinic's patients come from everywhere. A first name's home rank also counts US births since
1930 (`data/us_first_names.tsv.gz`, from the Social Security Administration's public counts,
derived by `scripts/us_first_names.py`), and a first name fewer than `MIN_US_BIRTHS` US babies
were given is not made common by its fame abroad: "Nor" (8th in Malaysia, 23 US births) beat
"Nora" (99,756) as "Nor Singh" while "Dmitri", "Yusuf" and "Kwame" keep their foreign ranks.
Names ranked beyond `MAX_RANK` are left out (~100k names, ~15 MB in memory). A fresh clone
without the Makefile builds the table on first use.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import pickle
import sys
import threading
from pathlib import Path

from .models import REPO_ROOT, ModelMissingError, atomic_output
from .name_sounds import sounds

# v2 added each name's phonemes (name_sounds), v3 the US births, v4 `US_RANK_SPAN`: an older
# table is rebuilt.
DEFAULT_PATH = REPO_ROOT / ".cache" / "models" / "names" / "lexicon-v4.tsv.gz"
US_FIRST_NAMES = Path(__file__).parent / "data" / "us_first_names.tsv.gz"
# Names bench (68 piper lines, n-best rescoring): best rank anywhere 53 right; home countries
# with foreign ranks x10: 54 (of 54 reachable); caps of 2000 to 20000 picked the same names.
# Tried (2026-12-02, 180 lines, same decode): a mixture over countries, 1 / sum(w_c / rank_c)
# with the US at 1 and the rest of the world at 0.25-10 in all: 104-110 right instead of 114 (it
# fixes "Nor"/"Nora" but turns Liam, Dmitri, Yusuf and Kwame into common look-alikes).
HOME_COUNTRIES = ("US", "CA", "GB", "IE", "AU")
FOREIGN_FACTOR = 10
# Fame abroad makes a first name at most this many times commoner (in rank) than its US births
# do, and never drops it from the table: "Noor" (15th abroad, 3071st in the US) was a 150th first
# name and beat "Nora" (512th) in the public slot-taken-alternatives call, whisper fitting Nora
# 1.15 nats better. bench.names (180 lines) stays at 125 right: Nora, Olivia, Omar and Ivan are
# now right, two "Dmitri" lines become "Dimitri", "Yusuf" "Joseph" and "Kwame" "Juan".
US_RANK_SPAN = 10
MIN_US_BIRTHS = 100  # the table's own cut-off: a name missing from it is one of these
MAX_RANK = 2000
_HEADER = "# name\tfirst_rank\tlast_rank (effective_rank(); 0: not a common name)\tsounds\n"


class NameLexicon:
    """Ranks of names (1 = most common somewhere); 0 means not a common name."""

    def __init__(
        self,
        ranks: dict[str, tuple[int, int]],
        sounds: dict[str, str] | None = None,
        us_births: dict[str, int] | None = None,
    ) -> None:
        self._ranks = ranks
        self._sounds = sounds or {}
        self._us_births = us_births or {}

    def __len__(self) -> int:
        return len(self._ranks)

    def first_rank(self, word: str) -> int:
        return self._ranks.get(word.lower(), (0, 0))[0]

    def last_rank(self, word: str) -> int:
        return self._ranks.get(word.lower(), (0, 0))[1]

    def us_births(self, word: str) -> int:
        """US babies given `word` as a first name since 1930; 0 when fewer than
        `MIN_US_BIRTHS` or unknown."""
        return self._us_births.get(word.lower(), 0)

    def rows(self) -> list[tuple[str, int, int, str]]:
        """(name, first_rank, last_rank, phonemes) for every name; phonemes may be ""."""
        return [(n, f, la, self._sounds.get(n, "")) for n, (f, la) in self._ranks.items()]

    @classmethod
    def load(cls, path: Path | None = None) -> NameLexicon:
        target = Path(path or os.environ.get("NAME_LEXICON") or DEFAULT_PATH)
        if not target.is_file():
            build(target)
        ranks: dict[str, tuple[int, int]] = {}
        phonemes: dict[str, str] = {}
        with gzip.open(target, "rt", encoding="utf-8") as rows:
            for row in rows:
                if row.startswith("#"):
                    continue
                name, first, last, *spoken = row.rstrip("\n").split("\t")
                ranks[name] = (int(first), int(last))
                if spoken and spoken[0]:
                    phonemes[name] = spoken[0]
        births = {name: n for name, (_, n) in us_first_name_births().items()}
        return cls(ranks, phonemes, births)


_shared: NameLexicon | None = None
_shared_lock = threading.Lock()


def get_lexicon() -> NameLexicon:
    """The process-wide lexicon, loaded on first use (prewarm calls this)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = NameLexicon.load()
        return _shared


def _dataset_dir() -> Path:
    spec = importlib.util.find_spec("names_dataset")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissingError("package 'names-dataset' is not installed; run `make venv`")
    return Path(next(iter(spec.submodule_search_locations))) / "v3"


def _is_name_word(name: str) -> bool:
    return bool(name) and " " not in name and name.replace("-", "").replace("'", "").isalpha()


def effective_rank(
    ranks: dict[str, int],
    home: tuple[str, ...] = HOME_COUNTRIES,
    us_births: tuple[int, int] | None = (0, MIN_US_BIRTHS),
) -> int:
    """Rank at home, or the best foreign rank made `FOREIGN_FACTOR` times rarer.

    `us_births`: (rank, births) among US first names when the name is in that table, (0, 0)
    when it is not (a first name too rare in the US to be made common by its fame abroad), or
    None for last names, which have no such table. A first name's foreign rank is also held
    to within `US_RANK_SPAN` times its US rank."""
    foreign = min(ranks.values()) * FOREIGN_FACTOR if ranks else 0
    at_home = [ranks[c] for c in home if c in ranks]
    if us_births is not None:
        us_rank, births = us_births
        at_home += [us_rank] if us_rank else []
        if births < MIN_US_BIRTHS:
            foreign = 0
        elif foreign and us_rank:
            foreign = max(foreign, min(us_rank // US_RANK_SPAN, MAX_RANK))
    return min([*at_home, *([foreign] if foreign else [])], default=0)


def us_first_name_births(path: Path = US_FIRST_NAMES) -> dict[str, tuple[int, int]]:
    """(rank, US births since 1930) per lower-case first name, commonest first."""
    table: dict[str, tuple[int, int]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        for row in rows:
            if row.startswith("#"):
                continue
            name, births = row.rstrip("\n").split("\t")
            table[name] = (len(table) + 1, int(births))
    return table


def build(
    target: Path = DEFAULT_PATH,
    max_rank: int = MAX_RANK,
    home: tuple[str, ...] = HOME_COUNTRIES,
) -> Path:
    """Derive the table from the package's pickles (plain dicts: name -> {"rank": {cc: n}})."""
    source = _dataset_dir()
    us_first = us_first_name_births()
    table: dict[str, list[int]] = {}
    for column, kind in enumerate(("first", "last")):
        with gzip.open(source / f"{kind}_names.pkl.gz", "rb") as raw:
            names = pickle.load(raw)  # a data file of an installed package
        if kind == "first":  # US names the dataset does not rank still count at home
            names = {**{n.title(): {} for n in us_first}, **names}
        for name, info in names.items():
            ranks = info.get("rank") or {}
            key = str(name).strip().lower()
            if not _is_name_word(key):
                continue
            us = us_first.get(key, (0, 0)) if kind == "first" else None
            best = effective_rank(ranks, home, us)
            if not best or best > max_rank:
                continue
            entry = table.setdefault(key, [0, 0])
            entry[column] = best if not entry[column] else min(entry[column], best)
        del names
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(target) as out, gzip.open(out, "wt", encoding="utf-8") as rows:
        rows.write(_HEADER)
        for key in sorted(table):
            first, last = table[key]
            rows.write(f"{key}\t{first}\t{last}\t{sounds(key)}\n")
    return target


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    if not target.is_file():
        build(target)
    print(f"name lexicon ready in {target} ({len(NameLexicon.load(target))} names)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
