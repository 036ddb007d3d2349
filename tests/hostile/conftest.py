"""The hostile corpus, written once per session, and one in-process ingest of it into a fresh store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from marsad.pipeline import IngestReport, ingest
from marsad.records import Article
from marsad.store.sqlite import SQLiteStore

from .corpus import Case, build


@dataclass
class Ingested:
    """The corpus folder, its cases, the report of ingesting it, and the stored articles by origin."""

    root: Path
    cases: dict[str, Case]
    report: IngestReport
    stored: dict[tuple[str, str], Article]  # (file name, locator) -> article
    db: Path


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, dict[str, Case]]:
    root = tmp_path_factory.mktemp("hostile") / "inbox"
    return root, {case.name: case for case in build(root, seeds_dir)}


@pytest.fixture(scope="session")
def ingested(corpus: tuple[Path, dict[str, Case]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    root, cases = corpus
    db = tmp_path_factory.mktemp("hostile-store") / "hostile.db"
    store = SQLiteStore(db)
    try:
        report = ingest([str(root)], store)
        stored = {}
        for summary in store.summaries(limit=10_000):
            article = store.article(summary.id)
            assert article is not None
            stored[(Path(article.origin.path).name, article.origin.locator)] = article
    finally:
        store.close()
    yield Ingested(root, cases, report, stored, db)
