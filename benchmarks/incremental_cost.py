"""What one new article costs to ingest into a store that already holds the whole ANT corpus, beside
the same articles into a store of a thousand: the cost must depend on what arrives, not on what is stored.

    .venv/bin/python benchmarks/incremental_cost.py [--db FILE] [--new 20] [--small 1000]

The ANT records are sorted by publication time; all but the last `--new` are ingested
once into `--db` (kept between runs: about a quarter of an hour), and the first
`--small` into a small store. Then each of the last `--new` articles is ingested on
its own, with `ingest()` in this process, into each store, and its CPU time is
taken (reading, cleaning, deduplication against the stored LSH buckets, placement
among the stored cluster states, writing). Understanding is left out on purpose:
its cost is per article whatever the store holds (see `pipeline_speed.py`), and it
would take hours to understand the whole corpus here. The new articles go into a
copy of each store, thrown away afterwards, so runs compare like with like; they are
also ingested all at once (the cost per article of a batch, where the per-run costs
of opening the store's indexes are shared).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from ant import records

from marsad.pipeline import ingest
from marsad.store.sqlite import SQLiteStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "marsad-ant-whole.db")
    parser.add_argument("--new", type=int, default=20, help="articles measured one by one")
    parser.add_argument("--small", type=int, default=1000, help="articles of the small store (the peer)")
    args = parser.parse_args()
    ordered = sorted(records(), key=lambda r: (r.get("published") or "", r["id"]))
    stored, new = ordered[: -args.new], ordered[-args.new :]
    scratch = Path(tempfile.mkdtemp())
    whole = _filled(args.db, stored, scratch)
    small = _filled(scratch / "small.db", stored[: args.small], scratch)
    print(f"{args.new} new ANT articles (CPU ms per article, understanding left out):")
    for label, db, size in (("into the whole corpus", whole, len(stored)), ("into a small store", small, args.small)):
        costs = _costs(db, new, scratch)
        batch = _batch_cost(db, new, scratch)
        print(f"  {label:24s} ({size:6,} stored)  each alone: median {statistics.median(costs):7.1f}"
              f"  p90 {_p90(costs):7.1f}  max {max(costs):7.1f};  in one ingest: {batch:7.1f} per article")
    shutil.rmtree(scratch, ignore_errors=True)


def _filled(db: Path, chosen: list[dict[str, Any]], scratch: Path) -> Path:
    """`db` holding `chosen` (ingested now unless it already holds as many articles)."""
    store = SQLiteStore(db)
    if store.count() < len(chosen):
        source = scratch / f"{db.stem}.jsonl"
        source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
        started = time.process_time()
        ingest([str(source)], store)
        print(f"filled {db} with {store.count():,} articles in {time.process_time() - started:.0f} CPU s")
    store.close()
    return db


def _costs(db: Path, new: list[dict[str, Any]], scratch: Path) -> list[float]:
    """CPU milliseconds of ingesting each of `new` alone into a copy of `db`."""
    copy = scratch / "measured.db"
    shutil.copyfile(db, copy)
    store = SQLiteStore(copy)
    costs = []
    for number, record in enumerate(new):
        source = scratch / f"new-{number}.jsonl"
        source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        started = time.process_time()
        ingest([str(source)], store)
        costs.append((time.process_time() - started) * 1000)
    store.close()
    copy.unlink()
    return costs


def _batch_cost(db: Path, new: list[dict[str, Any]], scratch: Path) -> float:
    """CPU milliseconds per article of ingesting all of `new` at once into a copy of `db`."""
    copy = scratch / "batch.db"
    shutil.copyfile(db, copy)
    store = SQLiteStore(copy)
    source = scratch / "new-batch.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new), encoding="utf-8")
    started = time.process_time()
    ingest([str(source)], store)
    cost = (time.process_time() - started) * 1000 / len(new)
    store.close()
    copy.unlink()
    return cost


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


if __name__ == "__main__":
    main()
