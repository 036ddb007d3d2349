"""Per-story analyses (entities, claim alignment, brief), computed on demand in one background
worker and cached in memory, keyed by the story's articles so that a story that grows is redone.

NER reads about 1,000 tokens a second and claim alignment embeds every clause,
so nothing here runs over a whole store: only the articles of one story (at
most `MAX_BRIEF_ARTICLES`) or of one article page.

The worker is the analyses' own thread budget: request handlers never compute an
analysis, and never wait for one longer than `ANALYSIS_WAIT_SECONDS` (see `wait_at_most`),
so a burst of requests for stories not yet analysed cannot hold the threads that
answer everything else. At most `MAX_QUEUED_ANALYSES` story analyses wait in line;
a story asked for beyond them is "pending" until there is room.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from marsad.brief.build import build_brief, choose_articles
from marsad.brief.model import Brief
from marsad.claims.align import align_articles, alignment_json
from marsad.entities.resolve import Entity, extract_entities
from marsad.records import Article
from marsad.store.sqlite import SQLiteStore
from marsad.stories.records import Story
from marsad.web.worker import Worker

log = logging.getLogger(__name__)

# Story analyses and article entity lists kept in memory (least recently used dropped first).
MAX_CACHED_STORIES = 64
MAX_CACHED_ARTICLES = 512
# Analyses waiting for the worker; a request beyond them is answered "pending" and retries.
MAX_QUEUED_ANALYSES = 16
# The longest a request waits for an analysis (`?wait=true`) before it answers 202 with a progress link.
ANALYSIS_WAIT_SECONDS = 30.0

T = TypeVar("T")

Status = Literal["ready", "pending", "failed"]


@dataclass(frozen=True)
class StoryAnalysis:
    """What the story page shows beyond the story map: the brief, the claim groups, the entities."""

    story_id: str
    brief: Brief
    claims: dict[str, Any]  # `alignment_json`
    entities: list[Entity]
    read: list[str]  # ids of the articles read (at most MAX_BRIEF_ARTICLES)


class Analyses:
    """The cache of story analyses and article entities, with one worker thread computing them."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self._lock = threading.RLock()  # a finished analysis's callback may run in the submitting thread
        self._stories: OrderedDict[str, Future[StoryAnalysis]] = OrderedDict()
        self._articles: OrderedDict[tuple[str, str], Future[list[Entity]]] = OrderedDict()
        self._queued = 0  # story analyses submitted and not finished
        self._worker = Worker("marsad-analysis")

    def start(self, story: Story) -> Future[StoryAnalysis] | None:
        """The (running or finished) analysis of `story`; starts it when there is none, or the last one failed.

        None when `MAX_QUEUED_ANALYSES` wait in line already: ask again later."""
        key = _story_key(story)
        with self._lock:
            future = self._stories.get(key)
            if (future is None or _failed(future)) and self._queued >= MAX_QUEUED_ANALYSES:
                return None
            return self._entry(key, story)

    def _entry(self, key: str, story: Story) -> Future[StoryAnalysis]:
        """The cached analysis under `key`, submitted if there is none (call with the lock held)."""
        future = self._stories.get(key)
        if future is None or _failed(future):
            future = self._worker.submit(self._analyse, story)
            self._queued += 1
            future.add_done_callback(self._finished)
            self._stories[key] = future
        self._stories.move_to_end(key)
        while len(self._stories) > MAX_CACHED_STORIES:
            self._stories.popitem(last=False)
        return future

    def status(self, story: Story) -> tuple[Status, StoryAnalysis | None]:
        """Whether the analysis is ready (then with it), still to come, or failed; never waits."""
        future = self.start(story)
        if future is None:
            return "pending", None
        return outcome(future)

    def wait(self, story: Story, timeout: float | None = None) -> StoryAnalysis:
        """The analysis of `story`, queued whatever the line (for background work, never in a request)."""
        with self._lock:
            future = self._entry(_story_key(story), story)
        return future.result(timeout)

    def article_entities(self, article: Article) -> Future[list[Entity]]:
        """The entities of one article (cached), computed in the background."""
        key = (article.id, article.content_hash)
        with self._lock:
            future = self._articles.get(key)
            if future is None or _failed(future):
                future = self._worker.submit(extract_entities, [article])
                self._articles[key] = future
            self._articles.move_to_end(key)
            while len(self._articles) > MAX_CACHED_ARTICLES:
                self._articles.popitem(last=False)
        return future

    def _finished(self, _: Future[StoryAnalysis]) -> None:
        with self._lock:
            self._queued -= 1

    def close(self) -> None:
        """Stop the worker (running work finishes)."""
        self._worker.shutdown()

    def _analyse(self, story: Story) -> StoryAnalysis:
        store = SQLiteStore(self.db_path)
        try:
            return analyse_story(store, story)
        except Exception:
            log.exception("analysis of story %s failed", story.id)
            raise
        finally:
            store.close()


def analyse_story(store: SQLiteStore, story: Story) -> StoryAnalysis:
    """Entities, claim alignment and brief of one story (at most MAX_BRIEF_ARTICLES of its articles)."""
    articles = [a for a in (store.article(i) for i in story.article_ids) if a is not None]
    chosen = choose_articles(articles)
    entities = extract_entities(chosen)
    alignment = align_articles(chosen, entities)
    links = store.links_among([a.id for a in chosen])
    brief = build_brief(chosen, links, story.title, store.outlets(), len(articles) - len(chosen), alignment)
    return StoryAnalysis(story.id, brief, alignment_json(alignment), entities, [a.id for a in chosen])


def outcome(future: Future[T]) -> tuple[Status, T | None]:
    """"ready" with the result, "pending", or "failed"; never waits."""
    if not future.done():
        return "pending", None
    if _failed(future):
        return "failed", None
    return "ready", future.result()


async def wait_at_most(future: Future[T], seconds: float | None = None) -> T | None:
    """The result of background work, awaited without holding a thread; None if not done within `seconds`
    (default `ANALYSIS_WAIT_SECONDS`). The work goes on when the wait ends; its exception, if it failed, is raised."""
    try:
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)),
                                      ANALYSIS_WAIT_SECONDS if seconds is None else seconds)
    except TimeoutError:
        return None


def _failed(future: Future[Any]) -> bool:
    """True when the work ended without a result (an error, or cancelled at shutdown)."""
    return future.cancelled() or (future.done() and future.exception() is not None)


def _story_key(story: Story) -> str:
    digest = hashlib.sha1("\n".join(sorted(story.article_ids)).encode(), usedforsecurity=False).hexdigest()
    return f"{story.id}:{digest[:16]}"
