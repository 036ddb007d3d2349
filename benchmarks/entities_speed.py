"""Speed of entity extraction and resolution on N ANT articles, beside plain peers in the same run.

Prints tokens per second for:
- floor: tokenising the sentences alone (`marsad.entities.names.tokenize`);
- tagging: the CRF tagger (`tag_tokens`) on every sentence, features included;
- mentions: `extract_mentions` (tagging + spans, titles, clitics, propagation);
- resolution: `resolve` on those mentions;
and, as the peer of resolution, rapidfuzz `process.cdist` (ratio, one worker)
of every distinct mention string against every other: the brute-force fuzzy
comparison resolution avoids by blocking. Ratios, not absolute rates, are what
compare across machines. The ANT corpus is read in place (../shared/data), never copied.

    .venv/bin/python benchmarks/entities_speed.py [--articles 300] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ant import ANT, write_head
from rapidfuzz import fuzz, process

from marsad.entities.mentions import extract_mentions
from marsad.entities.names import tokenize
from marsad.entities.resolve import resolve
from marsad.entities.tagger import tag_tokens
from marsad.pipeline import clean_inputs
from marsad.records import Article

DEFAULT_CORPUS = ANT
T = TypeVar("T")


def _articles(corpus: Path, limit: int) -> list[Article]:
    """The first `limit` ANT articles, cleaned (through a temporary JSONL file)."""
    with tempfile.TemporaryDirectory() as tmp:
        subset = write_head(corpus, limit, Path(tmp) / "ant.jsonl")
        return [a for a in clean_inputs([str(subset)]) if isinstance(a, Article)]


def _timed(run: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def main() -> None:
    """Time each stage and the peer on the same articles; print rates and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="ANT articles to read")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    articles = _articles(args.corpus, args.articles)
    sentences = [s.text for a in articles for s in a.sentences]
    tokenised, floor = _timed(lambda: [[t.text for t in tokenize(s)] for s in sentences])
    tokens = sum(len(t) for t in tokenised)
    tag_tokens(["تحميل"])  # open the model outside the timings
    _, tagging = _timed(lambda: [tag_tokens(t) for t in tokenised if t])
    mentions, extraction = _timed(lambda: extract_mentions(articles))
    entities, resolution = _timed(lambda: resolve(mentions, articles))
    names = sorted({m.text for m in mentions})
    _, peer = _timed(lambda: process.cdist(names, names, scorer=fuzz.ratio, workers=1))
    print(f"corpus: {args.corpus.name}, {len(articles)} articles, {len(sentences)} sentences, {tokens} tokens")
    print(f"mentions: {len(mentions)} ({len(names)} distinct strings), entities: {len(entities)}")
    rows = {
        "floor: tokenise only": floor,
        "CRF tagging (tag_tokens)": tagging,
        "mentions (extract_mentions)": extraction,
        "resolution (resolve)": resolution,
        "peer: rapidfuzz cdist of names": peer,
    }
    for name, seconds in rows.items():
        print(f"{name:34s} {tokens / seconds:12.0f} tokens/s  ({seconds:.2f} s)")
    print(f"tagging / floor time: {tagging / floor:.1f}x; extraction / tagging: {extraction / tagging:.2f}x")
    print(f"resolution / cdist peer time: {resolution / peer:.2f}x ({len(names) ** 2} cdist comparisons)")


if __name__ == "__main__":
    main()
