"""Two ingests into one PostgreSQL store at once lose nothing and store nothing twice (issue 15).

Their units of work of 16 articles interleave: each holds the store's advisory
lock while it writes, reads the duplicate index from the store, and a writer
that finds the other's articles reloads its story clusters. The same for two
writers into one SQLite file: `tests/hostile/test_writers.py`.
"""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from marsad.pipeline import ingest
from marsad.store.base import ArticleFilter
from marsad.store.factory import open_store
from marsad.stories.state import decode_cluster

ANT = Path(__file__).resolve().parents[3] / "shared" / "data" / "corpora" / "ant-2018.jsonl.gz"
ARTICLES = 120  # ANT articles; the second writer ingests their copies by another outlet, and OVERLAP of them again
OVERLAP = 20
# An ingest without understanding in units of work of 16 articles, so that the two writers' units interleave.
_DRIVER = """
import json, sys
from marsad.pipeline import ingest
from marsad.store.factory import open_store
store = open_store(sys.argv[2])
report = ingest([sys.argv[1]], store, chunk_size=16)
store.close()
print(json.dumps({"ingested": report.ingested, "unchanged": report.unchanged}))
sys.exit(0 if report.ok else 1)
"""


def _rows(count: int) -> list[dict[str, str]]:
    with gzip.open(ANT, "rt", encoding="utf-8") as corpus:
        return [json.loads(line) for line in itertools.islice(corpus, count)]


def _jsonl(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def test_two_ingests_into_one_postgresql_store_at_once_lose_nothing(server_locations: object, tmp_path: Path) -> None:
    rows = _rows(ARTICLES)
    copies = [{**r, "id": r["id"] + "-copy", "source": "copier"} for r in rows]  # exact duplicates: same events
    first, second, union = tmp_path / "first.jsonl", tmp_path / "second.jsonl", tmp_path / "union.jsonl"
    first.write_bytes(_jsonl(rows))
    second.write_bytes(_jsonl(copies + rows[:OVERLAP]))  # the overlap is the same bytes: stored once
    union.write_bytes(_jsonl(rows + copies))
    db = server_locations()  # type: ignore[operator]  # the fixture makes store locations
    runs = [subprocess.Popen([sys.executable, "-c", _DRIVER, str(path), db], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for path in (first, second)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, errors) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, errors.decode()
        assert b"Traceback" not in errors
    serial = open_store(str(tmp_path / "serial.db"))
    ingest([str(union)], serial)
    store = open_store(db)
    ids = store.article_ids(ArticleFilter())
    assert len(ids) == len(set(ids)) == store.count() == 2 * ARTICLES
    assert set(ids) == set(serial.article_ids(ArticleFilter()))
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["ingested"] for r in reports) == len(ids) and sum(r["unchanged"] for r in reports) == OVERLAP
    exact = [s for s in store.summaries(limit=len(ids)) if s.duplicate_of]
    assert len(exact) == ARTICLES  # one of each pair, whichever writer came first
    assert all(store.story_of(s.id) == store.story_of(s.duplicate_of) for s in exact)  # type: ignore[arg-type]
    assert store.unassigned() == []
    # Each writer holds some of the same events in memory; after the other's unit of work it reloads them, so no
    # writer saves a stale state over the other's (a stale one counts fewer members than the assignments).
    members = Counter(a.event_id for a in store.assignments())
    assert {c.id: decode_cluster(c.id, c.state).sums.size for c in store.clusters("event", list(members))} == members
    store.close()
    serial.close()
