"""The real `marsad` command in its own process, with what it cost: exit code, output, CPU time, peak memory.

Used by the hostile tests and by `benchmarks/reliability.py`."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MARSAD = Path(sys.executable).with_name("marsad")


@dataclass(frozen=True)
class Run:
    """A finished `marsad` process: exit code, output, its own CPU seconds, wall seconds and peak memory."""

    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float
    wall_seconds: float
    peak_mb: float

    @property
    def crashed(self) -> bool:
        """Ended by a signal or a traceback, or with an exit code other than 0 (all good) and 1 (some bad input)."""
        return self.returncode not in (0, 1) or "Traceback (most recent call last)" in self.stderr


# Forked from a big process (pytest, after the models are loaded), a child's peak memory would count the
# parent's pages it shared before exec. A small Python process starts `marsad` and reports its rusage.
_LAUNCHER = """
import json, os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss], out)
"""


def run_marsad(*args: str, cwd: Path | None = None, cpu_seconds: int | None = None) -> Run:
    """Run `marsad ARGS...`; `cpu_seconds` caps its CPU time (a guard against hangs, not a measure)."""

    def limit() -> None:
        if cpu_seconds is not None:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    env = {**os.environ, "COLUMNS": "200", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        out, err, usage = (Path(scratch) / name for name in ("out", "err", "usage.json"))
        with out.open("wb") as stdout, err.open("wb") as stderr:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", _LAUNCHER, str(usage), str(MARSAD), *args], stdout=stdout,
                           stderr=stderr, cwd=cwd, env=env, preexec_fn=limit, check=True)
            wall = time.perf_counter() - start
        returncode, cpu, peak_kb = json.loads(usage.read_text())
        return Run(returncode, out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"), cpu, wall,
                   peak_kb / 1024)
