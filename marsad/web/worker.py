"""One background thread running submitted calls in order. It is a daemon thread, so that
stopping the server does not wait minutes for a story analysis in progress."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
_Task = tuple[Future[Any], Callable[[], Any]]


class Worker:
    """A queue of calls and the daemon thread that runs them one at a time."""

    def __init__(self, name: str) -> None:
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, call: Callable[..., T], *args: Any) -> Future[T]:
        """Queue `call(*args)`; its future holds the result or the exception."""
        future: Future[T] = Future()
        self._tasks.put((future, lambda: call(*args)))
        return future

    def shutdown(self) -> None:
        """Cancel what is queued and let the thread end after the running call."""
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                task[0].cancel()
        self._tasks.put(None)

    def _run(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, call = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)
