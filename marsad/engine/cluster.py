"""The per-article stages on a Dask cluster (`marsad ingest --scheduler tcp://HOST:PORT | local`).

Dask only schedules: workers read and decode the input's partitions
(`engine.partitions`) and run `stages.prepare_all` through the client's
`concurrent.futures` executor, and the results go back to the single writer
in this process, in input order. A worker that dies mid-task has its task run
again on another worker by the scheduler (up to
`distributed.scheduler.allowed-failures` times); a result reaches the writer
once, so nothing is lost or stored twice. Each worker process loads the models
once, on its first task, and runs its numeric libraries on one thread (`WorkerSetup`).
"""

from __future__ import annotations

import ctypes
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from marsad.engine.local import Engine
from marsad.engine.partitions import Partition, plan, read_partition
from marsad.errors import MarsadError
from marsad.ingest.fields import FieldMap, FieldUse
from marsad.ingest.formats import Item
from marsad.ingest.sources import Metadata
from marsad.threads import limit_threads
from marsad.understand.workers import available_cores

# Partitions being read ahead of the one the writer takes next.
PARTITIONS_AHEAD = 4
# Seconds to wait for a remote scheduler to answer.
CONNECT_TIMEOUT = 30
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


class WorkerSetup(WorkerPlugin):
    """Sets each worker process up for the per-article stages: numeric libraries on one thread (the
    worker's own thread is the parallelism), and glibc's allocator left to its own thresholds."""

    def setup(self, worker: Any) -> None:
        limit_threads(1)
        _undo_malloc_trim()


def _undo_malloc_trim() -> None:
    """Undo the `MALLOC_TRIM_THRESHOLD_` a Dask nanny sets (distributed.nanny.pre-spawn-environ).

    Setting it makes glibc's allocator give every freed block of 64 kB or more back to the
    system at once, so each array the transformer allocates is mapped and zeroed again: the
    understand stage then costs 26-34% more CPU in a Dask worker than in a plain process
    (measured on ANT articles, `benchmarks/scale_out.py`). These thresholds give that back.
    """
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to undo
        return
    libc.mallopt(M_TRIM_THRESHOLD, 128 << 20)
    libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)  # glibc's own ceiling for its dynamic threshold


@contextmanager
def dask_engine(scheduler: str, workers: int | None = None) -> Iterator[Engine]:
    """An engine on the scheduler at `scheduler` (tcp://HOST:PORT), or on a `LocalCluster` of
    `workers` single-threaded processes (all cores by default) started here for `local`."""
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=workers or available_cores(), threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise MarsadError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        client.register_plugin(WorkerSetup(), name="marsad-worker-setup")
        executor: Executor = client.get_executor(pure=False)

        def on_cluster(count: int) -> Executor:
            return executor

        def read(paths: Sequence[str], defaults: Metadata | None, fields: FieldMap | None) -> Iterator[Item]:
            return read_on(executor, paths, defaults, fields)

        yield Engine(executor_for=on_cluster, read=read)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def read_on(
    executor: Executor, paths: Sequence[str], defaults: Metadata | None = None, fields: FieldMap | None = None
) -> Iterator[Item]:
    """The input's items in order, each partition read by a worker (a few read ahead); the records each
    field spec filled on the workers are counted into `fields`."""
    window: deque[Future[tuple[list[Item], list[FieldUse]]] | list[Item]] = deque()
    for part in plan(paths, defaults, fields):
        window.append(executor.submit(read_partition, part) if isinstance(part, Partition) else part)
        while len(window) > PARTITIONS_AHEAD:
            yield from _items(window.popleft(), fields)
    while window:
        yield from _items(window.popleft(), fields)


def _items(part: Future[tuple[list[Item], list[FieldUse]]] | list[Item], fields: FieldMap | None) -> list[Item]:
    if isinstance(part, list):
        return part
    items, uses = part.result()
    if fields:
        fields.add_uses(uses)
    return items
