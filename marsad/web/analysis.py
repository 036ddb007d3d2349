"""Story analyses for the web: read from the store, made in one background worker when missing or stale.

An analysis (entities, claim alignment, brief) is made from the stored
annotations of a story's articles and kept in the store (`relate.analysis`),
so a restart of the server loses nothing. A request never computes one: it gets
what is stored (current, or stale while a fresh one is being made) and a status.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import Any, Literal

from marsad.entities.resolve import Entity, resolve
from marsad.records import Article
from marsad.relate.analysis import StoryAnalysis, analyse_story, save_analysis, stored_analysis, story_key
from marsad.store.factory import open_store
from marsad.stories.records import Story
from marsad.understand.annotation import annotation_of
from marsad.understand.storage import attach_annotations, read_understood
from marsad.web.worker import Worker

log = logging.getLogger(__name__)

Status = Literal["ready", "pending", "failed"]


class Analyses:
    """The stored story analyses of one store, and the worker thread that makes missing ones."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        self._making: dict[str, Future[StoryAnalysis]] = {}  # story key -> the analysis being made
        self._worker = Worker("marsad-analysis")

    def start(self, story: Story) -> Future[StoryAnalysis]:
        """The making of `story`'s analysis under its current key (started now unless under way or done)."""
        key = story_key(story)
        with self._lock:
            future = self._making.get(key)
            if future is None or _failed(future) or future.done():
                future = self._worker.submit(self._make, story)
                self._making[key] = future
        return future

    def status(self, story: Story) -> tuple[Status, StoryAnalysis | None]:
        """The stored analysis (current, else stale or None) and whether a current one is ready."""
        analysis, current = self._stored(story)
        if current:
            return "ready", analysis
        future = self.start(story)
        if future.done() and _failed(future):
            return "failed", analysis
        return "pending", analysis

    def wait(self, story: Story, timeout: float | None = None) -> StoryAnalysis:
        """The current analysis of `story`, waiting for it to be made if needed."""
        analysis, current = self._stored(story)
        if current and analysis is not None:
            return analysis
        return self.start(story).result(timeout)

    def article_entities(self, article: Article, wait: bool = False) -> list[Entity] | None:
        """The entities of one article alone, from its stored annotation (made in the background
        when it has none: None until then, unless `wait`)."""
        store = open_store(self.db_path)
        try:
            if not attach_annotations(store, [article]):
                future = self._worker.submit(self._understand, article.id)
                if not wait:
                    return None
                future.result()
                attach_annotations(store, [article])
        finally:
            store.close()
        return resolve(annotation_of(article).mentions, [article])

    def close(self) -> None:
        """Stop the worker (running work finishes)."""
        self._worker.shutdown()

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

    def _understand(self, article_id: str) -> None:
        store = open_store(self.db_path)
        try:
            read_understood(store, [article_id], workers=1)
        finally:
            store.close()


def _failed(future: Future[Any]) -> bool:
    """True when the work ended without a result (an error, or cancelled at shutdown)."""
    return future.cancelled() or (future.done() and future.exception() is not None)
