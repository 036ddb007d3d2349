"""`marsad export` round trip: the example corpus as Parquet reads back with pyarrow to the same articles and claims."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.pipeline import ingest
from marsad.store.base import ArticleFilter
from marsad.store.sqlite import SQLiteStore
from marsad.understand.storage import attach_annotations
from marsad.understand.workers import Understanding

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example corpus, understood, in a store."""
    path = tmp_path_factory.mktemp("export") / "examples.db"
    store = SQLiteStore(path)
    with Understanding(1) as understanding:
        assert ingest([str(EXAMPLES)], store, understanding=understanding).understood == 9
    store.close()
    yield path


def _export(db: Path, what: str, fmt: str, out: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--db", str(db), "--what", what, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_parquet_articles_read_back_to_the_stored_articles(db: Path, tmp_path: Path) -> None:
    _export(db, "articles", "parquet", tmp_path / "articles.parquet")
    rows = pq.read_table(tmp_path / "articles.parquet").to_pylist()
    store = SQLiteStore(db)
    ids = store.article_ids(ArticleFilter())
    assert [r["id"] for r in rows] == ids
    for row in rows:
        article = store.article(row["id"])
        assert article is not None
        assert (row["text"], row["title"], row["outlet"], row["published"], row["url"], row["raw_sha256"]) == (
            article.text, article.title, article.outlet, article.published, article.url, article.raw_sha256)
        assert row["story_id"] == store.story_of(article.id) and row["event_id"].startswith("ev-")
    copies = {r["id"]: r for r in rows}
    assert copies["bf0ea5017d1a2de8"]["duplicate_of"] is None  # a near copy, not an exact one
    store.close()


def test_parquet_claims_read_back_to_the_stored_claims(db: Path, tmp_path: Path) -> None:
    _export(db, "claims", "parquet", tmp_path / "claims.parquet")
    rows = pq.read_table(tmp_path / "claims.parquet").to_pylist()
    store = SQLiteStore(db)
    articles = attach_annotations(store, [a for a in map(store.article, store.article_ids(ArticleFilter())) if a])
    expected = [(a.id, c.span.text, c.span.start, c.span.end, [d.date.isoformat() for d in c.dates],
                 [q.value for q in c.quantities], c.statement.speaker.text if c.statement and c.statement.speaker
                 else None)
                for a in articles for c in a.annotation.claims]  # type: ignore[union-attr]  # attached above
    store.close()
    assert len(rows) == len(expected) > 100
    assert [(r["article_id"], r["text"], r["start"], r["end"], r["dates"], [q["value"] for q in r["quantities"]],
             r["speaker"]) for r in rows] == expected
    assert any(q["category"] == "killed" and q["value"] == 17 for r in rows for q in r["quantities"])


def test_jsonl_and_csv_hold_the_same_rows_as_parquet(db: Path, tmp_path: Path) -> None:
    for fmt in ("parquet", "jsonl", "csv"):
        _export(db, "stories", fmt, tmp_path / f"stories.{fmt}")
    parquet = pq.read_table(tmp_path / "stories.parquet").to_pylist()
    lines = [json.loads(line) for line in (tmp_path / "stories.jsonl").read_text("utf-8").splitlines()]
    table = list(csv.DictReader(io.StringIO((tmp_path / "stories.csv").read_text("utf-8"))))
    assert parquet == lines and len(parquet) == 9
    assert [r["article_id"] for r in table] == [r["article_id"] for r in parquet]
    _export(db, "annotations", "csv", tmp_path / "annotations.csv")
    annotations = list(csv.DictReader(io.StringIO((tmp_path / "annotations.csv").read_text("utf-8"))))
    assert len(annotations) == 9 and json.loads(annotations[0]["mentions"])[0]["type"] in {"PERS", "LOC", "ORG", "MISC"}


def test_export_refuses_an_unknown_table(db: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--db", str(db), "--what", "people"])
    assert result.exit_code == 2
