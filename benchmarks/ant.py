"""The ANT corpus (`../shared/data/corpora`), as the benchmarks read it."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ANT = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpora" / "ant-2018.jsonl.gz"


def records(corpus: Path = ANT) -> Iterator[dict[str, Any]]:
    """Every record of the corpus, in file order."""
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        yield from map(json.loads, handle)


def write_head(corpus: Path, limit: int, dest: Path) -> Path:
    """The first `limit` lines of the corpus (0 = all), uncompressed into the JSONL file `dest`."""
    with gzip.open(corpus, "rb") as src, dest.open("wb") as out:
        for number, line in enumerate(src):
            if limit and number >= limit:
                break
            out.write(line)
    return dest
