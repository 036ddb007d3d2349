"""Ingest + clean + dedupe speed on the ANT corpus, beside its peers in the same run.

Prints articles per second for:
- floor: reading and JSON-decoding the corpus (nothing is faster);
- trafilatura: HTML extraction only, on each article rendered as a minimal page;
- datasketch: MinHash (128 permutations, word 3-shingles) + LSH insert and query only;
- marsad: the whole ingest (decode, clean, language, MT signal, sentences,
  exact/near/reuse dedupe, SQLite store with FTS5), one process, one core;
and marsad's speed as a ratio of each peer's. Ratios, not absolute times, are
what compare across machines.

    python benchmarks/ingest_speed.py [--limit N] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import html
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from ant import ANT, write_head
from datasketch import MinHash, MinHashLSH

from marsad.pipeline import ingest
from marsad.store.sqlite import SQLiteStore

DEFAULT_CORPUS = ANT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="articles (0 = all)")
    parser.add_argument("--peer-sample", type=int, default=3000,
                        help="articles the slow peers (trafilatura) are timed on")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_head(args.corpus, args.limit, Path(tmp) / "corpus.jsonl")
        records = [json.loads(line) for line in corpus.open("rb")]
        n = len(records)
        print(f"corpus: {args.corpus.name}, {n} articles")
        rates = {
            "floor (read + JSON decode)": _rate(n, lambda: _read(corpus)),
            "trafilatura extraction only": _rate(
                min(n, args.peer_sample), lambda: _trafilatura(records[: args.peer_sample])
            ),
            "datasketch MinHash+LSH only": _rate(n, lambda: _datasketch(records)),
        }
        db = Path(tmp) / "bench.db"
        marsad_rate, report = _marsad(corpus, db)
        rates["marsad ingest+clean+dedupe"] = marsad_rate
    for name, rate in rates.items():
        print(f"{name:32s} {rate:10.0f} articles/s")
    for name, rate in rates.items():
        if not name.startswith("marsad"):
            print(f"marsad / {name:23s} {marsad_rate / rate:8.2f}x")
    print(f"ingested {report.ingested}, exact duplicates {report.exact_duplicates}, "
          f"near duplicates {report.near_duplicates}, reuse links {report.reuse_links}, "
          f"problems {len(report.problems)}")


def _rate(n: int, work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return n / max(1e-9, time.process_time() - start)


def _read(corpus: Path) -> int:
    return sum(1 for line in corpus.open("rb") if json.loads(line))


def _trafilatura(records: list[dict[str, str]]) -> None:
    for r in records:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n") if p)
        page = (f"<html><head><title>{html.escape(r['title'])}</title></head>"
                f"<body><article><h1>{html.escape(r['title'])}</h1>{paragraphs}</article></body></html>")
        trafilatura.extract(page, with_metadata=True)


def _datasketch(records: list[dict[str, str]]) -> None:
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, r in enumerate(records):
        words = r["text"].split()
        minhash = MinHash(num_perm=128)
        minhash.update_batch([" ".join(words[j : j + 3]).encode() for j in range(len(words) - 2)])
        lsh.query(minhash)
        lsh.insert(str(i), minhash)


def _marsad(corpus: Path, db: Path):  # type: ignore[no-untyped-def]
    store = SQLiteStore(db)
    start = time.process_time()
    report = ingest([str(corpus)], store)
    store.close()
    elapsed = time.process_time() - start
    return report.ingested / max(1e-9, elapsed), report


if __name__ == "__main__":
    main()
