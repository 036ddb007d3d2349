"""The pipeline, in one place: ingest -> clean -> dedupe -> understand -> stories -> store.

Documents are read in chunks. For each chunk the outlets' template-line and
paragraph statistics are updated first (cross-document evidence), then every
document is cleaned, deduplicated against the store (on its news text: neither
removed furniture nor background paragraphs make copies) and written; the new articles are
understood (in worker processes: `understand.workers`), and placed in
publication order into the store's events and stories. A chunk is one unit of
work: its articles, annotations and assignments are committed together, so a
crash never leaves an article without its story. A bad document becomes a
`Problem` and the batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from marsad.clean.article import clean_document
from marsad.clean.lines import Line, split_lines
from marsad.clean.paragraphs import DocumentParagraphs, count_paragraphs, document_paragraphs, recurrences
from marsad.clean.templates import repeated_lines, template_candidates
from marsad.dedupe.detector import Deduplicator, buckets
from marsad.ingest.fields import FieldMap, FieldUse
from marsad.ingest.formats import Item
from marsad.ingest.sources import Metadata, read_inputs
from marsad.records import Article, Problem, RawDocument
from marsad.store.base import Store, StoredArticle
from marsad.stories.assign import StoryPlacer, profile_of_stored
from marsad.stories.profile import profile_of
from marsad.text.normalize import fold
from marsad.understand.annotation import Annotation
from marsad.understand.storage import save_annotations
from marsad.understand.workers import Understanding

log = logging.getLogger(__name__)

CHUNK_SIZE = 200


@dataclass
class IngestReport:
    """What an ingest run did: counts, and every input it had to skip, with why."""

    ingested: int = 0
    unchanged: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    reuse_links: int = 0
    understood: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # stored, but repaired (bytes replaced...)
    fields: list[FieldUse] = field(default_factory=list)  # the field mapping, with the records each spec filled
    stories: set[str] = field(default_factory=set)  # the stories that gained articles
    analysed: int = 0  # stories whose analysis (entities, claims, brief) was made and stored after the ingest

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[int], None]


def ingest(
    paths: Sequence[str],
    store: Store,
    defaults: Metadata | None = None,
    on_item: Progress | None = None,
    understanding: Understanding | None = None,
    on_understood: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    fields: FieldMap | None = None,
) -> IngestReport:
    """Read, clean, deduplicate, understand (unless `understanding` is None) and store every
    document under `paths` (record fields mapped to marsad's slots by `fields`); place the new
    articles in the store's events and stories."""
    report = IngestReport()
    dedupe = Deduplicator(store)
    placer = StoryPlacer(store)
    store.begin()
    placer.place([profile_of_stored(store, i) for i in store.unassigned()])  # left by an older version
    store.commit()
    for chunk in _chunks(read_inputs(paths, defaults, fields), chunk_size):
        store.begin()  # the chunk is one unit of work: another writer waits for it, and it for them
        docs = _new_documents(chunk, store, report)
        lines = [split_lines(doc.text) for doc in docs]
        paragraphs = _count_outlet_evidence(docs, lines, store)
        stored: list[tuple[Article, list[str]]] = []  # new articles, with the articles they copy
        for doc, doc_lines, doc_paragraphs in zip(docs, lines, paragraphs, strict=True):
            article = _clean(doc, doc_lines, doc_paragraphs, store, report)
            if article is not None:
                stored.append((article, _store(article, doc, dedupe, store, report)))
        if on_item:
            on_item(len(chunk))
        if understanding is not None:
            _understand([a for a, _ in stored], store, understanding, report, on_understood)
        placed = placer.place([profile_of(article, sources) for article, sources in stored])
        report.stories.update(p.story_id for p in placed)
        store.commit()
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
            yield _checked(clean_document(item), item)
        except ValueError as exc:
            yield Problem(item.origin, str(exc))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _new_documents(chunk: list[Item], store: Store, report: IngestReport) -> list[RawDocument]:
    """The chunk's documents whose exact bytes the store does not hold yet."""
    for problem in (item for item in chunk if isinstance(item, Problem)):
        report.problems.append(problem)
        log.info("skipped %s", problem)
    docs = [item for item in chunk if isinstance(item, RawDocument)]
    digests = [hashlib.sha256(doc.raw).hexdigest() for doc in docs]
    seen = store.known_raw(digests)
    fresh = []
    for doc, digest in zip(docs, digests, strict=True):
        if digest in seen:
            report.unchanged += 1
            continue
        seen.add(digest)
        fresh.append(doc)
        report.warnings.extend(Problem(doc.origin, warning) for warning in doc.warnings)
    return fresh


def _count_outlet_evidence(
    docs: list[RawDocument], lines: list[list[Line]], store: Store
) -> list[DocumentParagraphs | None]:
    """Count the chunk's template lines and paragraphs per outlet; return each document's paragraphs."""
    found: list[DocumentParagraphs | None] = []
    for doc, doc_lines in zip(docs, lines, strict=True):
        if not doc.outlet:
            found.append(None)
            continue
        store.add_outlet_lines(doc.outlet, template_candidates(doc_lines))
        paragraphs = document_paragraphs(doc.outlet, doc.title, doc_lines)
        count_paragraphs(store, paragraphs, doc_lines)
        found.append(paragraphs)
    return found


def _clean(
    doc: RawDocument, lines: list[Line], paragraphs: DocumentParagraphs | None, store: Store, report: IngestReport
) -> Article | None:
    try:
        repeated = repeated_lines(store, doc.outlet, lines)
        recurring = recurrences(store, paragraphs, lines) if paragraphs else None
        return _checked(clean_document(doc, repeated, lines, recurring), doc)
    except ValueError as exc:
        problem = Problem(doc.origin, str(exc))
    except Exception as exc:  # a bug on one document must not stop the batch
        log.info("cleaning failed for %s", doc.origin, exc_info=True)
        problem = Problem(doc.origin, f"internal error while cleaning ({type(exc).__name__}: {exc})")
    report.problems.append(problem)
    return None


def _understand(
    articles: list[Article], store: Store, understanding: Understanding, report: IngestReport,
    on_understood: Progress | None,
) -> None:
    """Annotate the chunk's new articles (each carries its annotation from now on) and write the annotations."""
    annotations = _annotations(articles, understanding, on_understood)
    for article, annotation in zip(articles, annotations, strict=True):
        article.annotation = annotation
    save_annotations(store, annotations)
    report.understood += len(annotations)


def _annotations(articles: list[Article], understanding: Understanding, on_done: Progress | None) -> list[Annotation]:
    annotations = []
    for annotation in understanding.map(articles):
        annotations.append(annotation)
        if on_done:
            on_done(1)
    return annotations


def _checked(article: Article, doc: RawDocument) -> Article:
    if not article.text.strip():
        raise ValueError(
            f"no article text left after cleaning ({len(article.removed)} lines removed as boilerplate)"
        )
    return article


def _store(
    article: Article, doc: RawDocument, dedupe: Deduplicator, store: Store, report: IngestReport
) -> list[str]:
    """Write the article with its dedupe data; return the earlier articles it copies."""
    folded_body = fold(article.body)
    signals = dedupe.signals(fold(article.news_body))
    duplicate_of, links = dedupe.links(article, signals)
    store.add_article(
        StoredArticle(
            article, doc.raw, signals.signature, signals.fingerprints, duplicate_of, folded_body,
            buckets(signals.signature),
        )
    )
    store.add_links(links)
    report.ingested += 1
    report.exact_duplicates += duplicate_of is not None
    report.near_duplicates += sum(link.kind == "near" for link in links)
    report.reuse_links += sum(link.kind == "reuse" for link in links)
    return [link.source for link in links if link.target == article.id]
