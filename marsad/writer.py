"""The single writer: every decision that needs the whole store, taken in input order.

An ingest hands the writer its input a chunk at a time. `admit` keeps the
documents the store does not hold yet, counts their candidate template lines
and paragraphs (in memory until their chunk is written, so a unit of work holds
exactly its own counts: `marsad.evidence`) and makes one `stages.Task` per
document with the outlet's repeated lines and how its paragraphs recur. The
tasks run anywhere (this process, a pool, a cluster); `write` takes their
results back in the same order and, inside one unit of work, writes the
cleaning evidence, decides exact and near duplicates and sentence reuse against
the store's LSH buckets and fingerprints, stores the articles, links and
annotations, places the articles in events and stories in publication order
(from the profiles the workers made), and commits.

A store shared with other writers (several ingests into one SQLite file, or a
PostgreSQL server) lets one unit of work in at a time (`Store.begin`). The
duplicate index and the cluster states are read from the store as each unit
needs them, so they include what the others committed; a writer that finds
articles it did not store (`Store.article_seq`) also drops the clusters it
holds in memory, so its decisions are those of one serial ingest.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from marsad.clean.lines import split_lines
from marsad.clean.paragraphs import count_paragraphs, document_paragraphs, recurrences
from marsad.clean.templates import repeated_lines, template_candidates
from marsad.dedupe.detector import Deduplicator, buckets
from marsad.evidence import Counted, PendingLines, PendingParagraphs
from marsad.ingest.fields import FieldUse
from marsad.ingest.formats import Item
from marsad.records import Problem, RawDocument
from marsad.stages import Prepared, Task
from marsad.store.base import Store, StoredAnnotation, StoredArticle
from marsad.stories.assign import StoryPlacer, profile_of_stored
from marsad.stories.profile import Profile

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What an ingest run did: counts, every input it had to skip with why, and where the time went."""

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
    # Seconds per stage: the per-article stages' CPU time summed over every worker; "writer" the single writer's
    # wall time (its parts "writer: ..."), "writer CPU" its CPU time.
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Batch:
    """One chunk of input between `admit` and `write`."""

    items: int
    problems: list[Problem]
    tasks: list[Task]
    digests: list[str]
    lines: list[tuple[str, set[int]]]  # (outlet, candidate template keys) of each task ("" = no outlet)
    paragraphs: list[Counted]  # the paragraph evidence of its documents, in order


class Writer:
    """Admits chunks of input and writes their prepared results, one unit of work per chunk."""

    def __init__(self, store: Store, report: IngestReport, understand: bool) -> None:
        self.store = store
        self.report = report
        self.understand = understand
        self.lines = PendingLines(store)
        self.paragraphs = PendingParagraphs(store)
        self.in_flight: set[str] = set()  # raw hashes admitted and not written yet
        started = time.perf_counter()
        store.begin()
        self.dedupe = Deduplicator(store)
        self.placer = StoryPlacer(store)
        self.placer.place([profile_of_stored(store, i) for i in store.unassigned()])  # left by an older run
        self.seq = store.article_seq()  # the latest article this writer knows of (read under the lock)
        store.commit()
        report.seconds["writer: load the index, place orphans"] += time.perf_counter() - started
        report.seconds["writer"] += time.perf_counter() - started

    def admit(self, chunk: list[Item]) -> Batch:
        """The chunk's new documents as tasks (with their outlets' repeated lines and recurring paragraphs)."""
        started, cpu = time.perf_counter(), time.thread_time()
        problems = [item for item in chunk if isinstance(item, Problem)]
        for problem in problems:
            log.info("skipped %s", problem)
        docs = [item for item in chunk if isinstance(item, RawDocument)]
        digests = [hashlib.sha256(doc.raw).hexdigest() for doc in docs]
        seen = self.store.known_raw(digests) | self.in_flight
        batch = Batch(len(chunk), problems, [], [], [], [])
        fresh: list[tuple[RawDocument, str]] = []
        for doc, digest in zip(docs, digests, strict=True):
            if digest in seen:
                self.report.unchanged += 1
                continue
            seen.add(digest)
            fresh.append((doc, digest))
            self.report.warnings.extend(Problem(doc.origin, warning) for warning in doc.warnings)
        split = [split_lines(doc.text) for doc, _ in fresh]
        paragraphs = []
        for (doc, digest), doc_lines in zip(fresh, split, strict=True):
            keys = set(template_candidates(doc_lines)) if doc.outlet else set()
            self.lines.pending.update((doc.outlet or "", k) for k in keys)
            batch.digests.append(digest)
            batch.lines.append((doc.outlet or "", keys))
            paragraphs.append(document_paragraphs(doc.outlet, doc.title, doc_lines) if doc.outlet else None)
            if doc.outlet and (found := paragraphs[-1]):
                count_paragraphs(self.paragraphs, found, doc_lines)
        batch.paragraphs = self.paragraphs.take_counted()
        for (doc, _), doc_lines, doc_paragraphs in zip(fresh, split, paragraphs, strict=True):
            repeated = frozenset(repeated_lines(self.lines, doc.outlet, doc_lines))
            recurring = recurrences(self.paragraphs, doc_paragraphs, doc_lines) if doc_paragraphs else None
            batch.tasks.append(Task(doc, repeated, self.understand, doc_lines, recurring))
        self.in_flight.update(batch.digests)
        self.report.seconds["writer: admit"] += time.perf_counter() - started
        self.report.seconds["writer"] += time.perf_counter() - started
        self.report.seconds["writer CPU"] += time.thread_time() - cpu
        return batch

    def write(
        self, batch: Batch, results: Iterable[Prepared | Problem], on_written: Callable[[int], None] | None = None
    ) -> None:
        """Write one chunk's results (in the order of its tasks) as one unit of work; `on_written` hears of the
        chunk's items when its articles are written, before its stories are placed and it is committed."""
        results = list(results)  # wait for the workers before taking the store's write lock
        clock = _Clock(self.report.seconds)
        self.store.begin()
        if self.store.article_seq() != self.seq:  # another writer stored articles since: its clusters changed
            self.placer = StoryPlacer(self.store)
        known = self.store.known_raw(batch.digests)  # stored meanwhile by another writer
        for (outlet, keys), digest in zip(batch.lines, batch.digests, strict=True):
            if outlet and digest not in known:
                self.store.add_outlet_lines(outlet, keys)
            self.lines.pending.subtract((outlet, k) for k in keys)
        self.lines.pending = +self.lines.pending  # drop the zero counts
        self.paragraphs.write(batch.paragraphs)
        self.report.problems.extend(batch.problems)
        clock.lap("writer: lock, catch up, template and paragraph counts")
        profiles, annotations = self._store_all(results, batch, known)
        if annotations:
            self.store.save_annotations(annotations)
            self.report.understood += len(annotations)
        clock.lap("writer: duplicates, links, articles, annotations")
        if on_written:
            on_written(batch.items)
        self.report.stories.update(p.story_id for p in self.placer.place(profiles))
        clock.lap("writer: events and stories")
        self.seq = self.store.article_seq()
        self.store.commit()
        clock.lap("writer: commit")
        self.in_flight.difference_update(batch.digests)
        self.report.seconds["writer"] += clock.total
        self.report.seconds["writer CPU"] += time.thread_time() - clock.cpu

    def _store_all(
        self, results: list[Prepared | Problem], batch: Batch, known: set[str]
    ) -> tuple[list[Profile], list[StoredAnnotation]]:
        profiles: list[Profile] = []
        annotations: list[StoredAnnotation] = []
        for result, task, digest in zip(results, batch.tasks, batch.digests, strict=True):
            if isinstance(result, Problem):
                self.report.problems.append(result)
                continue
            for stage, seconds in result.seconds.items():
                self.report.seconds[stage] += seconds
            if digest in known:
                self.report.unchanged += 1
                continue
            profiles.append(self._store(result, task.doc.raw))
            if result.annotation is not None:
                annotations.append(result.annotation)
            if result.problem is not None:
                self.report.problems.append(result.problem)
        return profiles, annotations

    def _store(self, prepared: Prepared, raw: bytes) -> Profile:
        """Decide the article's duplicates and links, write it; return its story-clustering profile."""
        article, signals = prepared.article, prepared.signals
        duplicate_of, links = self.dedupe.links(article, signals)
        self.store.add_article(StoredArticle(
            article, raw, signals.signature, signals.fingerprints, duplicate_of, prepared.folded_body,
            buckets(signals.signature),
        ))
        self.store.add_links(links)
        self.report.ingested += 1
        self.report.exact_duplicates += duplicate_of is not None
        self.report.near_duplicates += sum(link.kind == "near" for link in links)
        self.report.reuse_links += sum(link.kind == "reuse" for link in links)
        return replace(prepared.profile, links=[link.source for link in links if link.target == article.id])


class _Clock:
    """Adds the time since the last lap to a stage's seconds."""

    def __init__(self, seconds: defaultdict[str, float]) -> None:
        self.seconds = seconds
        self.started = self.last = time.perf_counter()
        self.cpu = time.thread_time()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] += now - self.last
        self.last = now

    @property
    def total(self) -> float:
        return self.last - self.started
