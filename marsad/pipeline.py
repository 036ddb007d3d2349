"""The pipeline, in one place: ingest -> clean -> dedupe -> understand -> stories -> store.

Documents are read in chunks. For each chunk the single writer
(`marsad.writer`) keeps the documents the store lacks and counts their
outlets' template lines and paragraphs (cross-document evidence); the per-article
stages (`marsad.stages`: clean, fold, dedupe signals on the news text, understand,
story profile) run in this process,
in a local worker pool or on a Dask cluster (`marsad.engine`); the writer then
takes the results back in input order and, as one unit of work, decides
duplicates against the store, writes articles, links and annotations, and
places the articles in publication order into events and stories, so a crash
never leaves an article without its story. While workers prepare one chunk,
the writer writes the one before. A bad document becomes a `Problem` and the
batch goes on; a document stored with repairs (bytes replaced...) a warning.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from marsad.clean.article import clean_document
from marsad.engine.local import Engine, Progress, Result
from marsad.ingest.fields import FieldMap
from marsad.ingest.formats import Item
from marsad.ingest.sources import Metadata, read_inputs
from marsad.records import Article, Problem
from marsad.stages import checked
from marsad.store.base import Store
from marsad.understand.annotation import Annotation
from marsad.understand.storage import save_annotations
from marsad.understand.workers import Understanding
from marsad.writer import Batch, IngestReport, Writer

__all__ = ["CHUNK_SIZE", "IngestReport", "clean_inputs", "ingest", "reannotate"]

CHUNK_SIZE = 200


def ingest(
    paths: Sequence[str],
    store: Store,
    defaults: Metadata | None = None,
    on_item: Progress | None = None,
    understanding: Understanding | None = None,
    on_understood: Progress | None = None,
    engine: Engine | None = None,
    chunk_size: int = CHUNK_SIZE,
    fields: FieldMap | None = None,
) -> IngestReport:
    """Read, clean, deduplicate, understand (unless `understanding` is None) and store every
    document under `paths` (record fields mapped to marsad's slots by `fields`); place the new
    articles in the store's events and stories.

    The per-article work runs on `engine` (a cluster) when given, else on
    `understanding`'s worker pool, else in this process.
    """
    report = IngestReport()
    if engine is None:
        engine = Engine(understanding.executor_for) if understanding is not None else Engine()
    writer = Writer(store, report, understand=understanding is not None)
    in_flight: deque[tuple[Batch, Iterator[Result]]] = deque()
    for chunk in _chunks(engine.read(paths, defaults, fields), chunk_size):
        batch = writer.admit(chunk)
        executor = engine.executor_for(len(batch.tasks))
        in_flight.append((batch, engine.run(batch.tasks, executor, on_understood)))
        ahead = 0 if executor is None else 1  # a chunk prepared elsewhere while the writer writes the one before
        while len(in_flight) > ahead:
            writer.write(*in_flight.popleft(), on_item)
    while in_flight:
        writer.write(*in_flight.popleft(), on_item)
    report.fields = fields.uses() if fields else []
    return report


def reannotate(
    store: Store, article_ids: Sequence[str], understanding: Understanding, on_done: Progress | None = None
) -> int:
    """Understand these stored articles again and replace their annotations, a chunk at a time
    (each chunk committed, so an interrupted run keeps what it did); returns how many."""
    done = 0
    for start in range(0, len(article_ids), CHUNK_SIZE):
        articles = [a for a in (store.article(i) for i in article_ids[start : start + CHUNK_SIZE]) if a]
        save_annotations(store, _annotations(articles, understanding, on_done))
        store.commit()
        done += len(articles)
    return done


def clean_inputs(paths: Sequence[str], defaults: Metadata | None = None) -> Iterator[Article | Problem]:
    """Clean documents without a store (no cross-document evidence, no dedupe)."""
    for item in read_inputs(paths, defaults):
        if isinstance(item, Problem):
            yield item
            continue
        try:
            yield checked(clean_document(item), item)
        except ValueError as exc:
            yield Problem(item.origin, str(exc))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _annotations(articles: list[Article], understanding: Understanding, on_done: Progress | None) -> list[Annotation]:
    annotations = []
    for annotation in understanding.map(articles):
        annotations.append(annotation)
        if on_done:
            on_done(1)
    return annotations
