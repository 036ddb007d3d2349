"""The per-article stages, as plain functions over records: they need no store and no other article,
so they run the same in this process, in a local worker pool or on a cluster's workers.

`prepare` takes one document and what the single writer knows of its outlet
(the keys of its lines that repeat across the outlet's articles) and returns
the cleaned article, its folded body, its deduplication signals, its story
profile (with its entities and vector when understood; the writer adds its copy
links) and, when asked, its encoded annotation. Everything that needs the whole store (template
counts, duplicate decisions, links, stories, writes) is `marsad.writer`'s.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from marsad.clean.article import clean_document
from marsad.clean.lines import Line
from marsad.clean.paragraphs import Recurrence
from marsad.dedupe.detector import Signals, signals
from marsad.records import Article, Problem, RawDocument
from marsad.store.base import StoredAnnotation
from marsad.stories.profile import Profile, profile_of
from marsad.text.normalize import fold
from marsad.understand.codec import encode_annotation
from marsad.understand.stage import understand

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """One document to prepare: the outlet's repeated line keys come from the writer."""

    doc: RawDocument
    repeated: frozenset[str] = frozenset()
    understand: bool = True
    lines: list[Line] | None = None  # the document's lines, when the caller split them already
    recurring: Mapping[int, Recurrence] | None = None  # how its paragraphs recur in its outlet, by line index


@dataclass
class Prepared:
    """A document made ready for the writer."""

    article: Article
    folded_body: str
    signals: Signals
    profile: Profile  # for story placement, from the annotation when there is one; the writer adds copy links
    annotation: StoredAnnotation | None = None
    problem: Problem | None = None  # understanding failed: the article is stored without an annotation
    seconds: dict[str, float] = field(default_factory=dict)  # CPU time of each stage (this thread's)


def prepare(task: Task) -> Prepared | Problem:
    """Clean, fold, sign and (if asked) understand one document; a bad document is a `Problem`."""
    doc = task.doc
    started = time.thread_time()  # CPU time: what a stage costs, however busy the machine is
    try:
        article = checked(clean_document(doc, task.repeated, task.lines, task.recurring), doc)
    except ValueError as exc:
        return Problem(doc.origin, str(exc))
    except Exception as exc:  # a bug on one document must not stop the batch
        log.info("cleaning failed for %s", doc.origin, exc_info=True)
        return Problem(doc.origin, f"internal error while cleaning ({type(exc).__name__}: {exc})")
    cleaned = time.thread_time()
    folded_body = fold(article.body)
    signed_body = signals(fold(article.news_body))  # neither furniture nor background paragraphs make copies
    signed = time.thread_time()
    seconds = {"clean": cleaned - started, "dedupe signals": signed - cleaned}
    annotation, problem = _understand(article) if task.understand else (None, None)
    understood = time.thread_time()
    if task.understand:
        seconds["understand"] = understood - signed
    profile = profile_of(article)
    article.annotation = None  # stored apart, encoded: the writer needs only the profile made from it
    seconds["story profile"] = time.thread_time() - understood
    return Prepared(article, folded_body, signed_body, profile, annotation, problem, seconds)


def prepare_all(tasks: Sequence[Task]) -> list[Prepared | Problem]:
    """`prepare` over a few tasks: the unit of work handed to a worker."""
    return [prepare(task) for task in tasks]


def checked(article: Article, doc: RawDocument) -> Article:
    """The article, unless cleaning left no text of it."""
    if not article.text.strip():
        raise ValueError(
            f"no article text left after cleaning ({len(article.removed)} lines removed as boilerplate)"
        )
    return article


def _understand(article: Article) -> tuple[StoredAnnotation | None, Problem | None]:
    """The article's encoded annotation (the article carries it too, for its story profile), or why not."""
    try:
        annotation = understand(article)
    except Exception as exc:  # stored without an annotation (`marsad reannotate` retries), the batch goes on
        log.info("understanding failed for %s", article.origin, exc_info=True)
        return None, Problem(
            article.origin, f"internal error while understanding ({type(exc).__name__}: {exc}); stored without"
                            " annotations"
        )
    article.annotation = annotation
    return StoredAnnotation(article.id, annotation.version, *encode_annotation(annotation)), None
