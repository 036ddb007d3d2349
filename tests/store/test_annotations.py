"""AnnotationStore contract: annotations are written, replaced, and found missing by version."""

from __future__ import annotations

from pathlib import Path

from marsad.pipeline import ingest
from marsad.store.base import ArticleFilter, Store, StoredAnnotation
from marsad.understand.storage import attach_annotations
from marsad.understand.version import model_version
from marsad.understand.workers import Understanding

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def test_annotations_replace_and_unannotated_by_version(store: Store) -> None:
    ingest([str(EXAMPLES)], store)
    ids = store.article_ids(ArticleFilter())
    assert store.unannotated() == ids  # ingested without understanding
    first = [StoredAnnotation(i, "v1", b"\x00s" + i.encode(), b"v") for i in ids[:3]]
    store.save_annotations(first)
    store.save_annotations([StoredAnnotation(ids[0], "v2", b"s2", b"v2")])
    store.commit()
    assert store.annotations([ids[0], ids[1], ids[0], "nope"]) == {
        ids[0]: StoredAnnotation(ids[0], "v2", b"s2", b"v2"), ids[1]: first[1]
    }
    assert store.unannotated() == ids[3:]
    assert store.unannotated("v2") == ids[1:]


def test_an_understood_article_reads_back_its_annotation(store: Store) -> None:
    with Understanding(1) as understanding:
        report = ingest([str(EXAMPLES / "03_alshahed.txt")], store, understanding=understanding)
    assert report.understood == 1 and store.unannotated() == []
    article = store.article(store.article_ids(ArticleFilter())[0])
    assert article is not None and attach_annotations(store, [article]) == [article]
    assert article.annotation is not None and article.annotation.version == model_version()
    assert {"سامي الخطيب", "عبدالرحمن القاسمي"} <= {m.text for m in article.annotation.mentions}
    assert len(article.annotation.claim_vectors) == len(article.annotation.claims) > 0
