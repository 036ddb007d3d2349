"""Shared fixtures: where the public gold data and the seed articles live."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.threads import default_to_one_thread

# Before any numeric library loads: the tests run one thread per library, as the `marsad` command does
# (a CI machine that shows more cores than it grants ran the suite about three times slower).
default_to_one_thread()

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public gold data folder (`../shared/data`), which CI places beside the repo."""
    assert DATA.is_dir(), f"public data not found at {DATA}"
    return DATA


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five seed articles (`../shared/seeds`) with their `meta.json`."""
    assert SEEDS.is_dir(), f"seed articles not found at {SEEDS}"
    return SEEDS


@pytest.fixture(scope="session")
def call_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the five seeds and an English wire report of their event, ingested as `marsad ingest`
    does it (understood at ingest)."""
    from marsad.pipeline import ingest
    from marsad.store.sqlite import SQLiteStore
    from marsad.understand.workers import Understanding

    db = tmp_path_factory.mktemp("call") / "call.db"
    store = SQLiteStore(db)
    with Understanding(workers=1) as understanding:
        report = ingest([str(seeds_dir), str(REPO / "tests" / "data" / "english")], store, understanding=understanding)
    store.close()
    assert report.ingested == report.understood == 6
    return db
