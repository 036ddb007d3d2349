"""One thread per numeric library: parallel work in marsad is worker processes, never thread pools.

On a shared 2-core machine the default pools (OpenBLAS's, ONNX Runtime's) ran 9x
slower than one thread when other processes were busy, and with several worker
processes they oversubscribe the cores. This module imports nothing heavy.
"""

from __future__ import annotations

import os

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MARSAD_THREADS")


def default_to_one_thread() -> None:
    """Set the thread variables to 1 where the user has not set them (acts on libraries loaded later)."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def limit_threads(threads: int = 1) -> None:
    """Hold this process's numeric libraries, loaded or not, to `threads` threads (worker start-up)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    from threadpoolctl import threadpool_limits  # light; loaded pools are found at call time

    threadpool_limits(threads)
