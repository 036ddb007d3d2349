"""Annotations are made once at ingest, stored, and read back by every reader unchanged."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from marsad.brief.build import build_brief
from marsad.brief.render import brief_json
from marsad.cli.app import app
from marsad.pipeline import clean_inputs, ingest
from marsad.records import Article, Paragraph
from marsad.store.base import ArticleFilter
from marsad.store.sqlite import SQLiteStore
from marsad.text.sentences import split_sentences
from marsad.understand.annotation import Annotation
from marsad.understand.stage import MAX_UNDERSTOOD_CHARS, understand
from marsad.understand.storage import read_understood
from marsad.understand.version import model_version
from marsad.understand.workers import Understanding


@pytest.fixture(scope="module")
def seeds_db(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("understood") / "seeds.db"
    store = SQLiteStore(db)
    with Understanding(workers=1) as understanding:
        report = ingest([str(seeds_dir)], store, understanding=understanding)
    store.close()
    assert report.ingested == report.understood == 5
    return db


@pytest.fixture(scope="module")
def fresh(seeds_dir: Path) -> dict[str, Article]:
    """The seeds cleaned and understood now, without a store."""
    articles = [a for a in clean_inputs([str(seeds_dir)]) if isinstance(a, Article)]
    for article in articles:
        article.annotation = understand(article)
    return {a.id: a for a in articles}


def _same(stored: Annotation, made: Annotation) -> None:
    assert (stored.version, stored.tags, stored.mentions) == (made.version, made.tags, made.mentions)
    assert (stored.timeline, stored.statements, stored.claims) == (made.timeline, made.statements, made.claims)
    assert stored.claim_vectors.shape == made.claim_vectors.shape
    # A fresh annotation holds its vectors at the stored (int8) precision already.
    assert np.allclose(stored.claim_vectors, made.claim_vectors, atol=1e-6)
    assert np.allclose(stored.lead_vector, made.lead_vector, atol=1e-6)


def test_annotations_round_trip_through_the_store(seeds_db: Path, fresh: dict[str, Article]) -> None:
    store = SQLiteStore(seeds_db)
    articles = read_understood(store, store.article_ids(ArticleFilter()))
    store.close()
    assert len(articles) == 5
    for article in articles:
        assert article.annotation is not None
        made = fresh[article.id].annotation
        assert made is not None
        _same(article.annotation, made)
        assert any(s.speaker for s in made.statements) or article.language != "ar"


def test_brief_from_stored_annotations_equals_a_brief_from_scratch(
    seeds_db: Path, fresh: dict[str, Article]
) -> None:
    store = SQLiteStore(seeds_db)
    stored = read_understood(store, sorted(fresh))
    store.close()
    from_store = brief_json(build_brief(stored))
    from_scratch = brief_json(build_brief([fresh[a.id] for a in stored]))
    assert from_store == from_scratch
    assert from_store["happened"], "the seeds' brief states what happened"


def test_reannotate_is_idempotent(seeds_db: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["reannotate", "--db", str(seeds_db), "--workers", "1"])
    assert first.exit_code == 0, first.stderr
    assert "annotated 0 articles" in first.stdout  # ingest made them with these very models
    store = SQLiteStore(seeds_db)
    before = store.annotations(store.article_ids(ArticleFilter()))
    store.close()
    again = runner.invoke(app, ["reannotate", "--db", str(seeds_db), "--all", "--workers", "1"])
    assert again.exit_code == 0 and "annotated 5 articles" in again.stdout
    store = SQLiteStore(seeds_db)
    after = store.annotations(list(before))
    assert store.unannotated(model_version()) == []
    store.close()
    assert {k: (v.version, v.structure, v.vectors) for k, v in after.items()} == {
        k: (v.version, v.structure, v.vectors) for k, v in before.items()
    }


def test_ingest_without_understanding_stores_none_and_readers_make_them_once(
    seeds_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "plain.db"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(seeds_dir), "--db", str(db), "--no-understand", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["understood"] == 0
    store = SQLiteStore(db)
    assert len(store.unannotated()) == 5
    store.close()
    claims = runner.invoke(app, ["claims", "--db", str(db), "--outlet", "RT Arabic", "--json"])
    assert claims.exit_code == 0, claims.stderr
    assert json.loads(claims.stdout)["groups"]
    store = SQLiteStore(db)
    assert len(store.unannotated()) == 4  # the RT article was understood for the command, and kept
    store.close()


def test_reading_commands_take_a_story_from_the_store(seeds_db: Path) -> None:
    runner = CliRunner()
    stories = json.loads(runner.invoke(app, ["stories", "--db", str(seeds_db), "--json"]).stdout)["stories"]
    story = stories[0]["id"]
    quotes = runner.invoke(app, ["quotes", "--db", str(seeds_db), "--story", story, "--json"])
    entities = runner.invoke(app, ["entities", "--db", str(seeds_db), "--story", story, "--json"])
    timeline = runner.invoke(app, ["timeline", "--db", str(seeds_db), "--story", story, "--json"])
    assert quotes.exit_code == entities.exit_code == timeline.exit_code == 0
    names = {e["canonical"] for e in json.loads(entities.stdout)}
    assert any("حفتر" in n for n in names)
    assert any(q["speaker_entity"] for q in json.loads(quotes.stdout))
    assert "2019-04-15" in {e["date"] for e in json.loads(timeline.stdout)}



def test_a_pathologically_long_article_is_read_up_to_the_limit(seeds_dir: Path) -> None:
    [seed] = [a for a in clean_inputs([str(next(seeds_dir.glob("001_*.txt")))]) if isinstance(a, Article)]
    text = (seed.body + "\n\n") * (3 * MAX_UNDERSTOOD_CHARS // len(seed.body))
    body = Paragraph("body", 0, len(text), 0, len(text), "ar")
    long = replace(seed, text=text, sentences=split_sentences(text), paragraphs=[body])
    annotation = understand(long)
    assert MAX_UNDERSTOOD_CHARS - max(len(s.text) for s in long.sentences) <= annotation.read_chars
    assert annotation.read_chars <= MAX_UNDERSTOOD_CHARS
    assert len(annotation.tags) == len(long.sentences)
    unread = [tags for tags, s in zip(annotation.tags, long.sentences, strict=True) if s.start >= annotation.read_chars]
    assert unread and not any(unread)
    assert annotation.mentions and all(m.end <= annotation.read_chars for m in annotation.mentions)
