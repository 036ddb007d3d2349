"""Story analyses for the web: read from the store, made in one background worker when missing or stale.

An analysis (entities, claim alignment, brief) is made from the stored
annotations of a story's articles and kept in the store (`relate.analysis`),
so a restart of the server loses nothing. A request never computes one: it gets
what is stored (current, or stale while a fresh one is being made) and a status.

The worker is the analyses' own thread budget: request handlers never compute an
analysis, and never wait for one longer than `ANALYSIS_WAIT_SECONDS` (see `wait_at_most`),
so a burst of requests for stories not yet analysed cannot hold the threads that
answer everything else. At most `MAX_QUEUED_ANALYSES` story analyses wait in line;
a story asked for beyond them is "pending" until there is room.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from typing import Any, Literal, TypeVar

from marsad.entities.resolve import Entity, resolve
from marsad.records import Article
from marsad.relate.analysis import StoryAnalysis, analyse_story, save_analysis, stored_analysis, story_key
from marsad.store.factory import open_store
from marsad.stories.records import Story
from marsad.understand.annotation import annotation_of
from marsad.understand.storage import attach_annotations, read_understood
from marsad.web.worker import Worker

log = logging.getLogger(__name__)

# Analyses waiting for the worker; a request beyond them is answered "pending" and retries.
MAX_QUEUED_ANALYSES = 16
# The longest a request waits for an analysis (`?wait=true`) before it answers 202 with a progress link.
ANALYSIS_WAIT_SECONDS = 30.0

T = TypeVar("T")

Status = Literal["ready", "pending", "failed"]


class Analyses:
    """The stored story analyses of one store, and the worker thread that makes missing ones."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self._lock = threading.RLock()  # a finished analysis's callback may run in the submitting thread
        self._making: dict[str, Future[StoryAnalysis]] = {}  # story key -> the analysis being made
        self._queued = 0  # story analyses submitted and not finished
        self._worker = Worker("marsad-analysis")

    def start(self, story: Story) -> Future[StoryAnalysis] | None:
        """The current analysis of `story` (a finished future when the store has it), else its making,
        started now unless under way. None when `MAX_QUEUED_ANALYSES` wait in line already: ask again later."""
        analysis, current = self._stored(story)
        if current and analysis is not None:
            return _done(analysis)
        with self._lock:
            key = story_key(story)
            future = self._making.get(key)
            if future is not None and not _failed(future):
                return future
            if self._queued >= MAX_QUEUED_ANALYSES:
                return None
            return self._submit(key, story)

    def status(self, story: Story) -> tuple[Status, StoryAnalysis | None]:
        """Whether a current analysis is ready, and the analysis to show: the current one, else the stored
        stale one (or None) while a fresh one is made; never waits."""
        analysis, current = self._stored(story)
        if current:
            return "ready", analysis
        future = self.start(story)
        if future is not None and future.done():
            found = outcome(future)  # (unpacked apart: mypy infers a wrong type parameter in the unpacking)
            return found[0], found[1] or analysis
        return "pending", analysis

    def wait(self, story: Story, timeout: float | None = None) -> StoryAnalysis:
        """The current analysis of `story`, queued whatever the line (for background work, never in a request)."""
        analysis, current = self._stored(story)
        if current and analysis is not None:
            return analysis
        with self._lock:
            key = story_key(story)
            future = self._making.get(key)
            if future is None or _failed(future):
                future = self._submit(key, story)
        return future.result(timeout)

    def article_entities(self, article: Article) -> Future[list[Entity]]:
        """The entities of one article alone, from its stored annotation (understood in the background
        when it has none)."""
        store = open_store(self.db_path)
        try:
            understood = attach_annotations(store, [article])
        finally:
            store.close()
        if understood:
            return _done(resolve(annotation_of(article).mentions, [article]))
        return self._worker.submit(self._understand, article.id)

    def close(self) -> None:
        """Stop the worker (running work finishes)."""
        self._worker.shutdown()

    def _submit(self, key: str, story: Story) -> Future[StoryAnalysis]:
        """Queue the making of an analysis (call with the lock held)."""
        future = self._worker.submit(self._make, story)
        self._queued += 1
        future.add_done_callback(self._finished)
        self._making[key] = future
        return future

    def _finished(self, future: Future[StoryAnalysis]) -> None:
        with self._lock:
            self._queued -= 1
            for key in [k for k, f in self._making.items() if f is future and not _failed(f)]:
                del self._making[key]  # stored now: the store answers from here on

    def _stored(self, story: Story) -> tuple[StoryAnalysis | None, bool]:
        store = open_store(self.db_path)
        try:
            return stored_analysis(store, story)
        finally:
            store.close()

    def _make(self, story: Story) -> StoryAnalysis:
        store = open_store(self.db_path)
        try:
            analysis = analyse_story(store, story)
            save_analysis(store, story, analysis)
            store.commit()
            return analysis
        except Exception:
            log.exception("analysis of story %s failed", story.id)
            raise
        finally:
            store.close()

    def _understand(self, article_id: str) -> list[Entity]:
        store = open_store(self.db_path)
        try:
            [article] = read_understood(store, [article_id], workers=1)
        finally:
            store.close()
        return resolve(annotation_of(article).mentions, [article])


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


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future


def _failed(future: Future[Any]) -> bool:
    """True when the work ended without a result (an error, or cancelled at shutdown)."""
    return future.cancelled() or (future.done() and future.exception() is not None)
