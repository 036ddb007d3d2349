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
from pathlib import Path

from marsad.pipeline import ingest
from marsad.store.base import ArticleFilter
from marsad.store.factory import open_store

ANT = Path(__file__).resolve().parents[3] / "shared" / "data" / "corpora" / "ant-2018.jsonl.gz"
EACH = 240  # articles per writer; the two share OVERLAP of them
OVERLAP = 80
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


def _lines(count: int) -> list[bytes]:
    with gzip.open(ANT, "rb") as corpus:
        return list(itertools.islice(corpus, count))


def test_two_ingests_into_one_postgresql_store_at_once_lose_nothing(server_locations: object, tmp_path: Path) -> None:
    lines = _lines(2 * EACH - OVERLAP)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(b"".join(lines[:EACH]))
    second.write_bytes(b"".join(lines[EACH - OVERLAP :]))
    db = server_locations()  # type: ignore[operator]  # the fixture makes store locations
    runs = [subprocess.Popen([sys.executable, "-c", _DRIVER, str(path), db], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for path in (first, second)]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, errors) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, errors.decode()
        assert b"Traceback" not in errors
    union = tmp_path / "union.jsonl"
    union.write_bytes(b"".join(lines))
    serial = open_store(str(tmp_path / "serial.db"))
    ingest([str(union)], serial)
    store = open_store(db)
    ids = store.article_ids(ArticleFilter())
    assert len(ids) == len(set(ids)) == store.count()
    assert set(ids) == set(serial.article_ids(ArticleFilter())) and len(ids) > 0.9 * len(lines)
    assert store.unassigned() == []
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["ingested"] for r in reports) == len(ids)
    assert sum(r["unchanged"] for r in reports) >= OVERLAP - (len(lines) - len(ids))
    exact = [s for s in store.summaries(limit=len(lines)) if s.duplicate_of]
    assert all(store.article(s.duplicate_of) for s in exact)  # type: ignore[arg-type]  # filtered on it
    store.close()
    serial.close()
