"""Annotations in and out of a store: encoded once when written, attached to articles when read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from marsad.records import Article
from marsad.store.base import Store, StoredAnnotation
from marsad.understand.annotation import Annotation, annotation_of
from marsad.understand.codec import decode_annotation, encode_annotation
from marsad.understand.workers import understand_articles


def save_annotations(store: Store, annotations: Iterable[Annotation]) -> None:
    """Write annotations (replacing older ones of the same articles); the caller commits."""
    store.save_annotations(
        StoredAnnotation(a.article_id, a.version, *encode_annotation(a)) for a in annotations
    )


def attach_annotations(store: Store, articles: Sequence[Article]) -> list[Article]:
    """The articles that have a stored annotation, each carrying it (the others are left out)."""
    stored = store.annotations([a.id for a in articles if a.annotation is None])
    found = []
    for article in articles:
        if article.annotation is None and article.id in stored:
            blob = stored[article.id]
            article.annotation = decode_annotation(article, blob.structure, blob.vectors)
        if article.annotation is not None:
            found.append(article)
    return found


def read_understood(store: Store, article_ids: Sequence[str], workers: int | None = None) -> list[Article]:
    """Stored articles with their annotations, in the order asked (ids the store lacks left out).

    Articles stored without one (ingested with `--no-understand`, or before the
    understand stage existed) are understood now, and their annotations stored.
    """
    articles = [a for a in (store.article(i) for i in article_ids) if a is not None]
    attach_annotations(store, articles)
    missing = [a for a in articles if a.annotation is None]
    if missing:
        understand_articles(missing, workers)
        save_annotations(store, [annotation_of(a) for a in missing])
        store.commit()
    return articles
