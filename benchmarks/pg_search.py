"""Full-text search on PostgreSQL for Arabic: the `simple` tsvector marsad uses beside pg_trgm, against SQLite FTS5.

The store's tsvector search (`tsvector`: ts_rank_cd normalised by length) is compared with other
orders of the same matches (plain ts_rank and its other normalisations) and with pg_trgm.

N ANT articles are ingested (without understanding) into an SQLite store and a
PostgreSQL store; a pg_trgm GIN index is built beside the tsvector one over the
same folded title and body. For real queries, each engine's top 20 is compared
with FTS5's top 20 (the reference the laptop default gives), and each engine's
whole match set with FTS5's: precision and recall, plus the median query time.

    scripts/with-postgres python benchmarks/pg_search.py [--articles N]   (or --db postgresql://...)
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from ant import ANT, write_head

from marsad.pipeline import ingest
from marsad.store.common import search_terms
from marsad.store.postgres import PostgresStore
from marsad.store.sqlite import SQLiteStore
from marsad.text.normalize import fold

QUERIES = [
    "ترامب", "كوريا الشمالية", "الحوثيين", "السعودية", "الاتفاق النووي", "الغوطة الشرقية", "كأس العالم",
    "محمد بن سلمان", "الأمم المتحدة", "اللاجئين", "غزة", "روسيا", "إدلب", "البرلمان العراقي", "أسعار النفط",
    "الانتخابات", "ميسي", "خاشقجي", "الاحتجاجات", "صلاح",
]
TOP = 20
# Other orders of the tsvector matches (PostgreSQL's length normalisations), beside the store's own.
RANKINGS = ["ts_rank(a.search, q)", "ts_rank(a.search, q, 1)", "ts_rank(a.search, q, 2)", "ts_rank(a.search, q, 8)",
            "ts_rank_cd(a.search, q, 1)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--db", default=os.environ.get("MARSAD_TEST_POSTGRES"), help="a PostgreSQL server URL")
    args = parser.parse_args()
    if not args.db:
        raise SystemExit("needs a PostgreSQL server: --db URL, or run under scripts/with-postgres")
    name = "marsad_search_bench"
    with psycopg.connect(args.db, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = args.db.replace("/postgres?", f"/{name}?") if "/postgres?" in args.db else f"{args.db.rstrip('/')}/{name}"
    with tempfile.TemporaryDirectory() as tmp:
        corpus = str(write_head(ANT, args.articles, Path(tmp) / "ant.jsonl"))
        sqlite, postgres = SQLiteStore(Path(tmp) / "s.db"), PostgresStore(url)
        for store in (sqlite, postgres):
            ingest([corpus], store)
        _build_trigrams(postgres)
        rows = [_compare(q, sqlite, postgres) for q in QUERIES]
        sqlite.close()
        postgres.close()
    _print(rows, args.articles)


def _build_trigrams(store: PostgresStore) -> None:
    db = store.db
    db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    db.execute("CREATE TABLE trigrams (id text PRIMARY KEY, folded text NOT NULL)")
    ids = [r[0] for r in db.execute("SELECT id FROM articles").fetchall()]
    with db.cursor() as cursor:
        cursor.executemany("INSERT INTO trigrams VALUES (%s, %s)", [(i, _folded(store, i)) for i in ids])
    db.execute("CREATE INDEX trigrams_gin ON trigrams USING gin (folded gin_trgm_ops)")
    db.commit()


def _folded(store: PostgresStore, article_id: str) -> str:
    article = store.article(article_id)
    assert article is not None
    return f"{fold(article.title or '')} {fold(article.body)}"


def _compare(query: str, sqlite: SQLiteStore, postgres: PostgresStore) -> dict[str, Any]:
    terms = search_terms(query)
    match = " ".join(f'"{t}"' for t in terms)
    fts_all = {r[0] for r in sqlite.db.execute(
        "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?",
        (match,))}
    fts_top, fts_ms = _timed(lambda: [h.summary.id for h in sqlite.search(query, TOP)])
    ts_top, ts_ms = _timed(lambda: [h.summary.id for h in postgres.search(query, TOP)])
    ts_all = {r[0] for r in postgres.db.execute(
        "SELECT id FROM articles WHERE search @@ plainto_tsquery('simple', %s)", (" ".join(terms),))}
    patterns = [f"%{t}%" for t in terms]
    trgm_top, trgm_ms = _timed(lambda: [r[0] for r in postgres.db.execute(
        "SELECT id FROM trigrams WHERE folded LIKE ALL(%s) ORDER BY word_similarity(%s, folded) DESC, id LIMIT %s",
        (patterns, " ".join(terms), TOP))])
    trgm_all = {r[0] for r in postgres.db.execute("SELECT id FROM trigrams WHERE folded LIKE ALL(%s)", (patterns,))}
    found = {"query": query, "fts": (fts_top, fts_all, fts_ms), "tsvector": (ts_top, ts_all, ts_ms),
             "pg_trgm": (trgm_top, trgm_all, trgm_ms)}
    for rank in RANKINGS:
        top, ms = _timed(lambda rank=rank: [r[0] for r in postgres.db.execute(
            f"SELECT id FROM articles a, plainto_tsquery('simple', %s) q WHERE a.search @@ q"
            f" ORDER BY {rank} DESC, a.seq LIMIT %s", (" ".join(terms), TOP))])
        found[rank] = (top, ts_all, ms)
    return found


def _timed(run: Any) -> tuple[list[str], float]:
    times, found = [], []
    for _ in range(3):
        started = time.perf_counter()
        found = run()
        times.append(1000 * (time.perf_counter() - started))
    return found, min(times)


def _pr(found: set[str], reference: set[str]) -> tuple[float, float]:
    if not found and not reference:
        return 1.0, 1.0
    both = len(found & reference)
    return (both / len(found) if found else 0.0), (both / len(reference) if reference else 1.0)


def _print(rows: list[dict[str, Any]], articles: int) -> None:
    print(f"{articles} ANT articles, {len(rows)} queries; reference: SQLite FTS5 (what the laptop default returns)")
    for engine in ("tsvector", "pg_trgm", *RANKINGS):
        top = [_pr(set(r[engine][0]), set(r["fts"][0])) for r in rows]
        whole = [_pr(r[engine][1], r["fts"][1]) for r in rows]
        sizes = sum(len(r[engine][1]) for r in rows) / sum(max(len(r["fts"][1]), 1) for r in rows)
        print(f"{engine:26s} top-{TOP} precision {statistics.mean(p for p, _ in top):.3f} recall "
              f"{statistics.mean(r for _, r in top):.3f} | all matches precision "
              f"{statistics.mean(p for p, _ in whole):.3f} recall {statistics.mean(r for _, r in whole):.3f}, "
              f"{sizes:.2f}x FTS5's matches | median query {statistics.median(r[engine][2] for r in rows):.1f} ms")
    print(f"FTS5      median query {statistics.median(r['fts'][2] for r in rows):.1f} ms")
    for r in rows:
        shared = {e: len(set(r[e][0]) & set(r["fts"][0])) for e in ("tsvector", "pg_trgm")}
        print(f"  {r['query']}: FTS5 {len(r['fts'][1])}, tsvector {len(r['tsvector'][1])}, "
              f"pg_trgm {len(r['pg_trgm'][1])} matches; top-{TOP} shared with FTS5: tsvector "
              f"{shared['tsvector']}, pg_trgm {shared['pg_trgm']}")


if __name__ == "__main__":
    main()
