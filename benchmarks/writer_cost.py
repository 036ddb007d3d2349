"""The single writer's cost per article as a store grows: what caps a cluster.

Ingests ANT articles (without understanding: the writer's work does not depend on
it) into one store, `--step` articles at a time, and prints for each step the
writer's milliseconds per article, wall and CPU, split into its parts, beside the
per-article stages' CPU time (clean, dedupe signals), which a cluster spreads over
its workers. `--db postgresql://...` measures a PostgreSQL store instead of SQLite.

    python benchmarks/writer_cost.py [--articles 10000] [--step 2000] [--db URL]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import tempfile
from pathlib import Path

from ant import ANT

from marsad.pipeline import ingest
from marsad.store.factory import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--step", type=int, default=2_000)
    parser.add_argument("--db", help="a store location (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, gzip.open(ANT, "rb") as corpus:
        store = open_store(args.db or str(Path(tmp) / "writer.db"))
        print(f"{'articles':>8s} {'writer ms':>9s} {'CPU ms':>7s}  parts (ms/article)  | stages CPU ms/article")
        done = 0
        while done < args.articles and (lines := list(itertools.islice(corpus, args.step))):
            part = Path(tmp) / f"part{done}.jsonl"
            part.write_bytes(b"".join(lines))
            report = ingest([str(part)], store)
            n = max(report.ingested, 1)
            done += len(lines)
            parts = {k.removeprefix("writer: "): 1000 * v / n for k, v in report.seconds.items()
                     if k.startswith("writer: ")}
            stages = {k: 1000 * v / n for k, v in report.seconds.items() if not k.startswith("writer")}
            wall, cpu = (1000 * report.seconds[k] / n for k in ("writer", "writer CPU"))
            print(f"{done:8d} {wall:9.2f} {cpu:7.2f}  "
                  + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()) + "  | "
                  + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
        store.close()


if __name__ == "__main__":
    main()
