"""Speed of marsad.dates against dateparser's search_dates on the same Arabic sentences.

Sentences come from the seed articles and the ANT corpus in ../shared (read in
place, never copied). Both tools get each sentence and its article's
publication date; the figure is expressions found per second of wall time
(and sentences per second), measured in the same run.

    .venv/bin/python benchmarks/dates_speed.py --articles 200
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from marsad.dates import find_time_expressions

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")


def _seed_articles() -> Iterator[tuple[str, datetime.date]]:
    meta = json.loads((SHARED / "seeds" / "meta.json").read_text("utf-8"))
    for name, info in meta.items():
        if not name.startswith("_"):
            yield ((SHARED / "seeds" / name).read_text("utf-8"),
                   datetime.date.fromisoformat(info["published"]))


def _ant_articles(limit: int) -> Iterator[tuple[str, datetime.date]]:
    with gzip.open(SHARED / "data" / "corpora" / "ant-2018.jsonl.gz", "rt", encoding="utf-8") as f:
        for count, line in enumerate(f):
            if count >= limit:
                return
            row = json.loads(line)
            try:
                published = datetime.date.fromisoformat(row["published"][:10])
            except (TypeError, ValueError):
                continue
            yield row["text"], published


def sentences(articles: int) -> list[tuple[str, datetime.date]]:
    """(sentence, publication date) pairs from the seeds and `articles` ANT articles."""
    out: list[tuple[str, datetime.date]] = []
    for text, published in [*_seed_articles(), *_ant_articles(articles)]:
        out.extend((s.strip(), published) for s in _SENTENCE_END.split(text) if len(s.strip()) > 3)
    return out


def _time(run: Callable[[str, datetime.date], int], items: list[tuple[str, datetime.date]]
          ) -> tuple[int, float]:
    start = time.perf_counter()
    found = sum(run(text, published) for text, published in items)
    return found, time.perf_counter() - start


def _marsad(text: str, published: datetime.date) -> int:
    return len(find_time_expressions(text, published))


def _dateparser(text: str, published: datetime.date) -> int:
    from dateparser.search import search_dates

    base = datetime.datetime.combine(published, datetime.time())
    found = search_dates(text, languages=["ar"], settings={"RELATIVE_BASE": base})
    return len(found or [])


def main() -> None:
    """Run both finders over the same sentences and print the rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="ANT articles to read")
    parser.add_argument("--dateparser-sentences", type=int, default=1500,
                        help="sentences given to dateparser (it is slow); marsad gets the same")
    args = parser.parse_args()
    items = sentences(args.articles)[: args.dateparser_sentences]
    _marsad("أمس", datetime.date(2019, 4, 19))  # load the lexicon outside the timing
    _dateparser("أمس", datetime.date(2019, 4, 19))  # load dateparser's language data
    print(f"{len(items)} sentences, {sum(len(t) for t, _ in items)} characters")
    for name, run in (("marsad.dates", _marsad), ("dateparser.search_dates", _dateparser)):
        found, seconds = _time(run, items)
        print(f"{name:24} {found:6} expressions  {seconds:7.2f} s  "
              f"{found / seconds:9.0f} expressions/s  {len(items) / seconds:8.0f} sentences/s")


if __name__ == "__main__":
    main()
