"""Running the understand stage over many articles: in this process, or a pool of worker processes.

The stage is a plain function, so any `concurrent.futures.Executor` can run it
(a local process pool by default; a Dask client's executor on a cluster). Each
worker process loads the models once and runs with one thread per library:
with two workers on two cores, thread pools of their own would oversubscribe
the machine (OpenBLAS's default pool ran 9x slower under load). Small batches
run in this process, since starting workers costs seconds.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType

from marsad.records import Article
from marsad.threads import limit_threads
from marsad.understand.annotation import Annotation
from marsad.understand.stage import understand

# Fewer articles than this are understood in this process (a pool starts in about 2 s).
MIN_POOL_BATCH = 8
# Articles handed to a worker at a time: enough to amortise the pickling, few enough to balance.
CHUNKSIZE = 4


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Understanding:
    """Understands articles with `workers` processes (1: in this process), or on a given executor."""

    def __init__(self, workers: int | None = None, executor: Executor | None = None) -> None:
        self.workers = workers if workers is not None else available_cores()
        self._executor = executor
        self._own = False

    def __enter__(self) -> Understanding:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def map(self, articles: Sequence[Article]) -> Iterator[Annotation]:
        """The annotations of `articles`, in their order."""
        executor = self.executor_for(len(articles))
        if executor is None:
            return map(understand, articles)
        return executor.map(understand, articles, chunksize=CHUNKSIZE)

    def executor_for(self, count: int) -> Executor | None:
        """Where the work on `count` articles runs: None for this process (one worker, or too few
        articles to be worth starting a pool)."""
        if self._executor is None and (self.workers <= 1 or count < MIN_POOL_BATCH):
            return None
        return self._pool()

    def close(self) -> None:
        """Stop the worker processes this object started."""
        if self._own and self._executor is not None:
            self._executor.shutdown()
            self._executor = None
            self._own = False

    def _pool(self) -> Executor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=limit_threads
            )
            self._own = True
        return self._executor


def warm_up() -> float:
    """Load the understand stage's models in this process (its first article pays for them); the seconds it took."""
    from marsad.clean.article import clean_document
    from marsad.records import Origin, RawDocument

    started = time.perf_counter()
    text = "عنوان قصير\n\nقال المتحدث باسم الوزارة يوم الاثنين إن الاجتماع سيعقد في القاهرة الأسبوع المقبل."
    understand(clean_document(RawDocument(Origin("<warm-up>"), text.encode(), text, published="2024-01-01")))
    return time.perf_counter() - started


def understand_articles(articles: Sequence[Article], workers: int | None = None) -> list[Article]:
    """The articles, each carrying its annotation (made now for those that carry none)."""
    missing = [a for a in articles if a.annotation is None]
    with Understanding(workers) as understanding:
        for article, annotation in zip(missing, understanding.map(missing), strict=True):
            article.annotation = annotation
    return list(articles)
