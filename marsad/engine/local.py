"""Running the per-article stages in this process or on any `concurrent.futures.Executor`.

A local process pool and a Dask client's executor are both executors, so one
function hands tasks to either: a few tasks per submission (enough to amortise
the pickling, few enough to balance), results taken back in task order, and
progress reported as each submission completes (from the executor's thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace

from marsad.ingest.fields import FieldMap
from marsad.ingest.formats import Item
from marsad.ingest.sources import Metadata, read_inputs
from marsad.records import Problem
from marsad.stages import Prepared, Task, prepare, prepare_all

# Tasks handed to a worker at a time.
TASKS_PER_SUBMISSION = 4

Progress = Callable[[int], None]
Reader = Callable[[Sequence[str], Metadata | None, FieldMap | None], Iterator[Item]]
Result = Prepared | Problem


def in_this_process(count: int) -> Executor | None:
    """No executor: every task runs in this process."""
    return None


@dataclass
class Engine:
    """Who reads the inputs, and where the per-article tasks of a chunk run."""

    executor_for: Callable[[int], Executor | None] = field(default=in_this_process)  # by the chunk's task count
    read: Reader = read_inputs

    def run(self, tasks: list[Task], executor: Executor | None, on_done: Progress | None = None) -> Iterator[Result]:
        """The results of `tasks`, in their order. On an executor the tasks are submitted now and
        the iterator waits for them; in this process (None) each runs when the iterator reaches it."""
        if executor is None:
            return _here(tasks, on_done)
        return _on(executor, tasks, on_done)


def _here(tasks: list[Task], on_done: Progress | None) -> Iterator[Result]:
    for task in tasks:
        result = prepare(task)
        if on_done and isinstance(result, Prepared) and result.annotation is not None:
            on_done(1)
        yield result


def _on(executor: Executor, tasks: list[Task], on_done: Progress | None) -> Iterator[Result]:
    futures = []
    for start in range(0, len(tasks), TASKS_PER_SUBMISSION):
        part = [replace(t, lines=None) for t in tasks[start : start + TASKS_PER_SUBMISSION]]  # cheaper to split again
        future = executor.submit(prepare_all, part)
        if on_done:
            future.add_done_callback(_reporter(on_done))
        futures.append(future)
    return (result for future in futures for result in future.result())


def _reporter(on_done: Progress) -> Callable[[Future[list[Result]]], None]:
    def report(future: Future[list[Result]]) -> None:
        if not future.cancelled() and future.exception() is None:
            on_done(sum(isinstance(r, Prepared) and r.annotation is not None for r in future.result()))

    return report
