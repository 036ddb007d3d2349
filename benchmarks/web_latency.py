"""Web latency: time from uploading the five seeds to a rendered story page (brief ready), and
page latency (p50, p95) with the ANT corpus in the store, beside a plain SQLite FTS query (the floor).

    python benchmarks/web_latency.py [--articles N] [--db PATH] [--requests N] [--workers 2]

Without --db the ANT corpus (first N articles, 0 = all 31,525) is ingested into a temporary
store first as `marsad ingest` does it: understood, placed in stories, and every story's
analysis (entities, claims, brief) made and stored. Requests go over HTTP to a live uvicorn
server in this process; times are wall-clock. Pages never wait for an analysis (a missing one
is made in the background worker); the story pages are first views, and the line after them
says how many showed their brief.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from ant import ANT, write_head

from marsad.ingest.sources import Metadata
from marsad.pipeline import ingest
from marsad.relate.analysis import refresh_analyses
from marsad.store.sqlite import SQLiteStore
from marsad.text.normalize import fold
from marsad.understand.workers import Understanding
from marsad.web.app import create_app
from marsad.web.server import serving_in_background

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"


def seeds_to_story(tmp: Path) -> None:
    """Upload the seeds (with meta.json) and time until the story page shows its brief."""
    with serving_in_background(create_app(tmp / "seeds.db", upload_dir=tmp / "uploads-seeds")) as base:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(SEEDS.iterdir())]
        start = time.perf_counter()
        job = httpx.post(f"{base}/api/ingest", files=files, timeout=60).json()
        done = httpx.get(f"{base}/api/jobs/{job['id']}", params={"wait": 600}, timeout=660).json()
        ingested = time.perf_counter()
        page = httpx.get(f"{base}/stories/{done['stories'][0]['id']}", timeout=300)
        rendered = time.perf_counter()
        assert page.status_code == 200 and 'id="matrix"' in page.text, "the story page has no brief"
    print(f"seeds: upload -> rendered story page with its brief: {rendered - start:.1f} s "
          f"(ingest job incl. brief preparation {ingested - start:.1f} s, page {1000 * (rendered - ingested):.0f} ms; "
          f"{done['report']['ingested']} articles, {len(done['stories'])} stories)")


def ant_store(tmp: Path, articles: int, workers: int) -> Path:
    """The first `articles` ANT articles (0 = all) ingested into a fresh store as `marsad ingest` does it:
    understood, placed, and the analysis of every story made and stored."""
    corpus = write_head(ANT, articles, tmp / "ant.jsonl")
    db = tmp / "ant.db"
    store = SQLiteStore(db)
    start = time.perf_counter()
    with Understanding(workers) as understanding:
        report = ingest([str(corpus)], store, Metadata(), understanding=understanding)
    analysed = refresh_analyses(store, sorted(report.stories))
    print(f"ANT store: {store.count()} articles ingested, understood and {analysed} stories analysed in "
          f"{time.perf_counter() - start:.0f} s ({len(report.problems)} skipped)")
    store.close()
    return db


def timed(work: Callable[[], object], n: int) -> list[float]:
    """Wall-clock milliseconds of `n` runs of `work`."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        times.append(1000 * (time.perf_counter() - start))
    return times


def report(name: str, times: list[float]) -> None:
    cuts = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
    print(f"  {name:<44} n={len(times):<4} p50 {statistics.median(times):8.1f} ms   p95 {cuts[18]:8.1f} ms")


def page_latency(db: Path, tmp: Path, requests: int) -> None:
    """p50 / p95 of the pages over the store, and of the FTS floor."""
    raw = sqlite3.connect(db)
    ids = [r[0] for r in raw.execute("SELECT id FROM articles ORDER BY random() LIMIT ?", (requests + 3,))]
    ids, fresh = ids[:requests], ids[requests:]
    titles = [r[0] or "" for r in raw.execute("SELECT title FROM articles ORDER BY random() LIMIT ?", (requests,))]
    words = [max(t.split(), key=len, default="خبر") for t in titles]
    stories = [r[0] for r in raw.execute("SELECT DISTINCT story_id FROM assignments LIMIT ?", (requests,))]
    count = raw.execute("SELECT count(*) FROM articles").fetchone()[0]
    rng = random.Random(7)

    def fts_floor() -> None:
        term = '"' + fold(rng.choice(words)).replace('"', "") + '"'
        rowids = [r[0] for r in raw.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                                            "ORDER BY bm25(articles_fts) LIMIT 20", (term,))]
        marks = ",".join("?" * len(rowids))
        raw.execute(f"SELECT record FROM articles WHERE rowid IN ({marks})", rowids).fetchall()

    print(f"page latency, {count} articles in the store ({requests} requests each):")
    report("floor: plain SQLite FTS query + rows", timed(fts_floor, requests))
    app = create_app(db, upload_dir=tmp / "uploads-ant")
    with serving_in_background(app) as base, httpx.Client(base_url=base, timeout=600) as client:
        unseen = iter(fresh)
        report("article entities on demand (?wait=true, NER)",
               timed(lambda: client.get(f"/api/articles/{next(unseen)}", params={"wait": "true"}), len(fresh)))
        pick = iter(ids * 3)
        report("search page /search?q=", timed(lambda: client.get("/search", params={"q": rng.choice(words)}),
                                                requests))
        report("search API /api/search?q=", timed(lambda: client.get("/api/search", params={"q": rng.choice(words)}),
                                                   requests))
        report("stories list /", timed(lambda: client.get("/"), requests))
        report("articles list /articles?offset=", timed(
            lambda: client.get("/articles", params={"offset": rng.randrange(max(1, count - 50))}), requests))
        report("article page /articles/ID", timed(lambda: client.get(f"/articles/{next(pick)}"),
                                                   min(requests, len(ids))))
        report("article JSON /api/articles/ID", timed(lambda: client.get(f"/api/articles/{rng.choice(ids)}"),
                                                      requests))
        chosen = iter(stories * 3)
        briefed: list[bool] = []
        report("story page /stories/ID, first view (brief included)",
               timed(lambda: briefed.append('id="matrix"' in client.get(f"/stories/{next(chosen)}").text),
                     min(requests, len(stories))))
        print(f"  ({sum(briefed)} of {len(briefed)} story pages showed their brief on first view)")



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=0, help="ANT articles to ingest (0 = all)")
    parser.add_argument("--db", type=Path, help="an existing store to measure instead of ingesting ANT")
    parser.add_argument("--requests", type=int, default=50, help="requests per page kind")
    parser.add_argument("--skip-seeds", action="store_true", help="skip the seeds upload-to-story timing")
    parser.add_argument("--workers", type=int, default=2, help="understanding processes while ingesting ANT")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        if not args.skip_seeds:
            seeds_to_story(tmp)
        db = args.db or ant_store(tmp, args.articles, args.workers)
        page_latency(db, tmp, args.requests)


if __name__ == "__main__":
    main()
