"""The pipeline, in one place: ingest -> clean -> dedupe -> store -> stories.

Documents are read in chunks. For each chunk the outlets' template-line
statistics are updated first (cross-document evidence), then every document is
cleaned, deduplicated against the store and written. A bad document becomes a
`Problem` and the batch goes on. At the end the new articles are placed, in
publication order, into the store's events and stories.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from marsad.clean.article import clean_document
from marsad.clean.lines import Line, split_lines
from marsad.clean.templates import repeated_lines, template_candidates
from marsad.dedupe.detector import Deduplicator
from marsad.ingest.formats import Item
from marsad.ingest.sources import Metadata, read_inputs
from marsad.records import Article, Problem, RawDocument
from marsad.store.base import Store, StoredArticle
from marsad.stories.assign import assign_new
from marsad.stories.profile import Profile, profile_of
from marsad.text.normalize import fold

log = logging.getLogger(__name__)

CHUNK_SIZE = 500


@dataclass
class IngestReport:
    """What an ingest run did: counts, and every input it had to skip, with why."""

    ingested: int = 0
    unchanged: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    reuse_links: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # stored, but repaired (bytes replaced...)

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[int], None]


def ingest(
    paths: Sequence[str],
    store: Store,
    defaults: Metadata | None = None,
    on_item: Progress | None = None,
) -> IngestReport:
    """Read, clean, deduplicate and store every document under `paths`."""
    report = IngestReport()
    dedupe = Deduplicator(store)
    profiles: list[Profile] = []
    for chunk in _chunks(read_inputs(paths, defaults), CHUNK_SIZE):
        docs = _new_documents(chunk, store, report)
        lines = [split_lines(doc.text) for doc in docs]
        _count_template_lines(docs, lines, store)
        for doc, doc_lines in zip(docs, lines, strict=True):
            article = _clean(doc, doc_lines, store, report)
            if article is not None:
                profiles.append(_store(article, doc, dedupe, store, report))
        store.commit()
        if on_item:
            on_item(len(chunk))
    assign_new(store, profiles)
    return report


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


def _count_template_lines(
    docs: list[RawDocument], lines: list[list[Line]], store: Store
) -> None:
    for doc, doc_lines in zip(docs, lines, strict=True):
        if doc.outlet:
            store.add_outlet_lines(doc.outlet, template_candidates(doc_lines))


def _clean(
    doc: RawDocument, lines: list[Line], store: Store, report: IngestReport
) -> Article | None:
    try:
        repeated = repeated_lines(store, doc.outlet, lines)
        return _checked(clean_document(doc, repeated, lines), doc)
    except ValueError as exc:
        problem = Problem(doc.origin, str(exc))
    except Exception as exc:  # a bug on one document must not stop the batch
        log.info("cleaning failed for %s", doc.origin, exc_info=True)
        problem = Problem(doc.origin, f"internal error while cleaning ({type(exc).__name__}: {exc})")
    report.problems.append(problem)
    return None


def _checked(article: Article, doc: RawDocument) -> Article:
    if not article.text.strip():
        raise ValueError(
            f"no article text left after cleaning ({len(article.removed)} lines removed as boilerplate)"
        )
    return article


def _store(
    article: Article, doc: RawDocument, dedupe: Deduplicator, store: Store, report: IngestReport
) -> Profile:
    """Write the article with its dedupe data; return its story-clustering profile."""
    folded_body = fold(article.body)
    signals = dedupe.signals(folded_body)
    duplicate_of, links = dedupe.links(article, signals)
    store.add_article(
        StoredArticle(article, doc.raw, signals.signature, signals.fingerprints, duplicate_of, folded_body)
    )
    store.add_links(links)
    dedupe.add(article, signals)
    report.ingested += 1
    report.exact_duplicates += duplicate_of is not None
    report.near_duplicates += sum(link.kind == "near" for link in links)
    report.reuse_links += sum(link.kind == "reuse" for link in links)
    return profile_of(article, [link.source for link in links if link.target == article.id])
