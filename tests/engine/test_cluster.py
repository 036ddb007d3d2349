"""The per-article stages on a Dask cluster store exactly what a local ingest stores, and survive a worker's death."""

from __future__ import annotations

import gzip
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from marsad.engine import partitions
from marsad.engine.cluster import dask_engine
from marsad.engine.local import Engine
from marsad.ingest.fields import FieldMap
from marsad.pipeline import IngestReport, ingest
from marsad.store.sqlite import SQLiteStore
from marsad.understand.workers import Understanding

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "corpus"
ANT = REPO.parent / "shared" / "data" / "corpora" / "ant-2018.jsonl.gz"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Engine]:
    """Two single-threaded worker processes on this machine (what `--scheduler local --workers 2` starts)."""
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    with dask_engine("local", workers=2) as engine:
        yield engine


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Real articles in three partitioned formats: JSON Lines (gzipped), Parquet row groups, a directory."""
    folder = tmp_path_factory.mktemp("inputs")
    with gzip.open(ANT, "rb") as corpus:
        lines = list(itertools.islice(corpus, 90))
    feed = folder / "feed.jsonl.gz"
    feed.write_bytes(gzip.compress(b"".join([*lines[:40], b"{not json\n", *lines[:5]])))  # a bad line, copies
    import json

    rows = [json.loads(line) for line in lines[40:]]
    table = pa.table({"content": [r["text"] for r in rows], "source": [r["source"] for r in rows],
                      "date": [r["published"] for r in rows], "kopf": [r["title"] for r in rows]})  # --field title=kopf
    pq.write_table(table, folder / "rows.parquet", row_group_size=20)
    return [str(feed), str(folder / "rows.parquet"), str(EXAMPLES)]


def _contents(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    tables = {
        "articles": "SELECT id, duplicate_of, content_hash, origin, record FROM articles ORDER BY rowid",
        "links": "SELECT * FROM links ORDER BY kind, source, target",
        "assignments": "SELECT article_id, event_id, story_id, profile FROM assignments ORDER BY article_id",
        "annotations": "SELECT article_id, version, structure, vectors FROM annotations ORDER BY article_id",
        "lines": "SELECT * FROM outlet_lines ORDER BY outlet, key",
        "terms": "SELECT * FROM term_frequencies ORDER BY term",
        "paragraphs": "SELECT * FROM outlet_paragraphs ORDER BY outlet, key",
        "topics": "SELECT * FROM document_topics ORDER BY document",
    }
    found = {name: con.execute(sql).fetchall() for name, sql in tables.items()}
    con.close()
    return found


def _ingest(db: Path, paths: list[str], engine: Engine | None, understand: bool) -> IngestReport:
    store = SQLiteStore(db)
    with Understanding(1) as understanding:
        report = ingest(paths, store, understanding=understanding if understand else None, engine=engine,
                        fields=FieldMap.parse(["title=kopf"]))
    store.close()
    return report


def _same(first: IngestReport, second: IngestReport) -> None:
    assert [str(p) for p in first.problems] == [str(p) for p in second.problems]
    assert (first.ingested, first.unchanged, first.exact_duplicates, first.near_duplicates, first.reuse_links,
            first.understood, first.fields, first.stories) == (
        second.ingested, second.unchanged, second.exact_duplicates, second.near_duplicates, second.reuse_links,
        second.understood, second.fields, second.stories)


def test_a_cluster_ingest_stores_what_a_local_ingest_stores(
    cluster: Engine, inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partitions, "LINES_PER_PARTITION", 16)  # several line partitions, one cut inside the copies
    local = _ingest(tmp_path / "local.db", inputs, None, understand=False)
    remote = _ingest(tmp_path / "cluster.db", inputs, cluster, understand=False)
    _same(local, remote)
    assert local.ingested == 40 + 50 + 9 and local.unchanged == 5
    assert [(use.target, use.records) for use in remote.fields] == [("title", 50)]  # counted on the workers
    assert [str(p) for p in local.problems] == [f"{inputs[0]}:line 41: invalid JSON (Expecting property name "
                                                "enclosed in double quotes: line 1 column 2 (char 1))"]
    assert _contents(tmp_path / "local.db") == _contents(tmp_path / "cluster.db")


def test_understanding_on_a_cluster_gives_the_local_annotations(cluster: Engine, tmp_path: Path) -> None:
    paths = [str(EXAMPLES / "03_alshahed.txt"), str(EXAMPLES / "05_blog_copy.txt")]
    local = _ingest(tmp_path / "local.db", paths, None, understand=True)
    remote = _ingest(tmp_path / "cluster.db", paths, cluster, understand=True)
    _same(local, remote)
    assert remote.understood == 2
    assert _contents(tmp_path / "local.db") == _contents(tmp_path / "cluster.db")


class _Dying(Executor):
    """Submits through `executor`; the first task to run kills its worker process."""

    def __init__(self, executor: Executor, marker: Path) -> None:
        self.executor = executor
        self.marker = str(marker)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.executor.submit(_dying(fn, self.marker), *args, **kwargs)


def _dying(fn: Callable[..., Any], marker: str) -> Callable[..., Any]:
    def run(*args: Any) -> Any:  # a closure: pickled by value, so the workers need not import this test
        import os
        import pathlib

        if not pathlib.Path(marker).exists():
            pathlib.Path(marker).touch()
            os._exit(1)  # the worker process dies mid-task
        return fn(*args)

    return run


def test_a_worker_killed_mid_task_loses_nothing_and_stores_nothing_twice(
    cluster: Engine, inputs: list[str], tmp_path: Path
) -> None:
    marker = tmp_path / "a-worker-died"
    dying = _Dying(cluster.executor_for(0), marker)  # type: ignore[arg-type]  # the cluster always has one
    engine = Engine(executor_for=lambda count: dying, read=cluster.read)
    local = _ingest(tmp_path / "local.db", inputs, None, understand=False)
    remote = _ingest(tmp_path / "cluster.db", inputs, engine, understand=False)
    assert marker.exists()
    _same(local, remote)
    assert _contents(tmp_path / "local.db") == _contents(tmp_path / "cluster.db")
