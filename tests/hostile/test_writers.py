"""Two writers at once, and ingests killed at random points: nothing lost, nothing stored twice,
every article in a story (issue 14, items 4 and 7, and the fault-injection test)."""

from __future__ import annotations

import gzip
import json
import random
import signal
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest

from marsad.store.base import ArticleFilter
from marsad.store.sqlite import SQLiteStore

# An ingest of `path` into `db` in chunks of 8 (so that a kill lands between and inside units of work); each
# chunk's progress call holds its unit of work open for the seconds given (see KILL_PAUSE).
_DRIVER = """
import sys, time
from marsad.pipeline import ingest
from marsad.store.sqlite import SQLiteStore
store = SQLiteStore(sys.argv[2])
def chunk(n):
    print("chunk", flush=True)
    time.sleep(float(sys.argv[3]))
report = ingest([sys.argv[1]], store, on_item=chunk, chunk_size=8)
store.close()
sys.exit(0 if report.ok else 1)
"""
KILL_SEEDS = (1, 2, 3)
# An ingest without understanding takes milliseconds a chunk: without a pause the kill, up to 0.3 s after a
# chunk, came after the last one.
KILL_PAUSE = 0.2
CHUNKS = 8  # the feed's 60 articles in chunks of 8


@pytest.fixture(scope="module")
def feed(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 ANT articles, some of them twice (exact duplicates make links), as JSON Lines."""
    with gzip.open(shared_data / "corpora" / "ant-2018.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in islice(handle, 4000, 4050)]
    rows += [{**r, "id": r["id"] + "-again", "source": "copier"} for r in rows[:10]]
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _ingest(path: Path, db: Path, pause: float = 0.0) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", _DRIVER, str(path), str(db), str(pause)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _state(db: Path) -> tuple[set[str], set[tuple[str, str, str]], int]:
    """(article ids, links, articles without a story) of a store."""
    store = SQLiteStore(db)
    ids = set(store.article_ids(ArticleFilter()))
    links = {(link.kind, link.source, link.target) for i in ids for link in store.links_of(i)}
    orphans = len(store.unassigned())
    store.close()
    return ids, links, orphans


@pytest.fixture(scope="module")
def clean_run(feed: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], set[tuple[str, str, str]], int]:
    db = tmp_path_factory.mktemp("clean") / "clean.db"
    assert _ingest(feed, db).wait() == 0
    return _state(db)


def test_two_ingests_into_one_store_wait_for_each_other_and_lose_nothing(
    feed: Path, clean_run: tuple[set[str], set[tuple[str, str, str]], int], tmp_path: Path
) -> None:
    db = tmp_path / "shared.db"
    first, second = _ingest(feed, db), _ingest(feed, db)
    outputs = [p.communicate() for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), [err.decode()[-500:] for _, err in outputs]
    assert all(b"database is locked" not in err and b"Traceback" not in err for _, err in outputs)
    assert _state(db) == clean_run  # the second found everything stored: the same store as one ingest


@pytest.mark.parametrize("seed", KILL_SEEDS)
def test_an_ingest_killed_at_a_random_point_then_run_again_ends_equal_to_a_clean_run(
    seed: int, feed: Path, clean_run: tuple[set[str], set[tuple[str, str, str]], int], tmp_path: Path
) -> None:
    db = tmp_path / "killed.db"
    rng = random.Random(seed)
    chunks_before_kill = rng.randint(1, CHUNKS - 2)
    run = _ingest(feed, db, KILL_PAUSE)
    assert run.stdout is not None
    for _ in range(chunks_before_kill):  # a chunk's articles are written, not yet committed
        assert run.stdout.readline() == b"chunk\n"
    time.sleep(rng.uniform(0.0, 0.3))  # inside this unit of work, or just after its commit
    run.send_signal(signal.SIGKILL)
    run.wait()
    partial, _, _ = _state(db)
    assert len(partial) < len(clean_run[0]), "the kill came after the ingest had finished"
    assert _ingest(feed, db).wait() == 0
    ids, links, orphans = _state(db)
    assert orphans == 0, "an article committed before the kill has no story"
    assert (ids, links) == clean_run[:2]
