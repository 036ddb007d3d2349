"""Scale-out: N ANT articles ingested with understanding by one process, the local pool, and a Dask cluster.

In one run, into three fresh SQLite stores:
(a) one process (`--workers 1`): every stage here;
(b) the local process pool (`--workers W`, W = 2 by default): per-article stages on W spawned processes;
(c) a Dask cluster started as separate processes talking TCP on loopback: `dask scheduler` and W
    `dask worker --nthreads 1`.
The articles are spread over the whole corpus (every k-th record), not its head (2012 opinion columns,
most of them a one-line disclaimer). Each engine starts and loads its models before the clock starts
(one article understood in each process); that start-up is reported apart. Other sessions share this
machine: the load average at the start and end of each run is printed beside it.
Prints articles per second of each, the parallel efficiency of (b) and (c) against (a) (rate / (W x rate a)),
the share of wall time spent in the single writer, the CPU time of the per-article stages of each engine
against one process (what parallelism adds in work), the measured cost per article of each stage, and
whether the three stores hold the same results (articles, duplicate links, events and stories).

    python benchmarks/scale_out.py [--articles N] [--workers W] [--no-understand] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ant import ANT

from marsad.engine.local import Engine
from marsad.pipeline import IngestReport, ingest
from marsad.store.sqlite import SQLiteStore
from marsad.understand.workers import Understanding, warm_up

ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MARSAD_THREADS")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="ANT articles (0 = all 31,525)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-understand", action="store_true", help="clean, dedupe and stories only")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.update(ONE_THREAD)
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    understand = not args.no_understand
    with tempfile.TemporaryDirectory() as tmp:
        corpus = str(_spread(ANT, args.articles, Path(tmp) / "ant.jsonl"))
        runs = {
            "one process": _run(Path(tmp) / "a.db", corpus, understand, 1, None),
            f"local pool ({args.workers} processes)": _run(Path(tmp) / "b.db", corpus, understand, args.workers, None),
        }
        with _dask_cluster(args.workers) as (address, startup):
            name = f"Dask ({args.workers} single-threaded workers, TCP)"
            runs[name] = _run(Path(tmp) / "c.db", corpus, understand, args.workers, address)
            runs[name]["cluster_startup_seconds"] = round(startup, 1)
    result = _summary(runs, args.workers, args.articles, understand)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print(result)


def _spread(corpus: Path, count: int, dest: Path) -> Path:
    """Every k-th record of the corpus (k = its size // count; all of it for 0), as JSON Lines."""
    with gzip.open(corpus, "rb") as lines:
        total = sum(1 for _ in lines)
    step = max(1, total // count) if count else 1
    with gzip.open(corpus, "rb") as lines, dest.open("wb") as out:
        out.writelines(itertools.islice(itertools.islice(lines, 0, None, step), count or None))
    return dest


def _run(db: Path, corpus: str, understand: bool, workers: int, scheduler: str | None) -> dict[str, Any]:
    store = SQLiteStore(db)
    started = time.perf_counter()
    with Understanding(workers) as understanding, _engine(scheduler) as engine:
        if understand:
            _warm(understanding, engine, workers)
        startup = time.perf_counter() - started
        load = os.getloadavg()[0]
        started = time.perf_counter()
        report = ingest([corpus], store, understanding=understanding if understand else None, engine=engine)
        wall = time.perf_counter() - started
    store.close()
    return {"wall_seconds": wall, "startup_seconds": startup, "load": (load, os.getloadavg()[0]), "report": report,
            "results": _results(db)}


def _warm(understanding: Understanding, engine: Engine | None, workers: int) -> None:
    """Start the engine's processes and load the models in each (in this process for one worker)."""
    pool = engine.executor_for(0) if engine is not None else understanding.executor_for(1 << 30)
    if pool is None:
        warm_up()
        return
    for _ in pool.map(_warm_and_wait, range(workers)):
        pass


def _warm_and_wait(_: int) -> None:
    """Warm one worker process, then stay busy a moment so that the next warm-up goes to another one."""
    warm_up()
    time.sleep(2)


@contextmanager
def _engine(scheduler: str | None) -> Iterator[Engine | None]:
    if scheduler is None:
        yield None
        return
    from marsad.engine.cluster import dask_engine

    with dask_engine(scheduler) as engine:
        yield engine


@contextmanager
def _dask_cluster(workers: int) -> Iterator[tuple[str, float]]:
    """A scheduler and `workers` single-threaded worker processes on loopback; (address, start-up seconds)."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, **ONE_THREAD}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    started = time.perf_counter()
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], **quiet)]  # type: ignore[call-overload]
    processes += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                    "--host", "127.0.0.1", "--no-dashboard"], **quiet)  # type: ignore[call-overload]
                  for _ in range(workers)]
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, time.perf_counter() - started
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(30)


def _results(db: Path) -> dict[str, Any]:
    """What the three stores must agree on."""
    con = sqlite3.connect(db)
    links = dict(con.execute("SELECT kind, count(*) FROM links GROUP BY kind").fetchall())
    placed = con.execute("SELECT article_id, event_id, story_id FROM assignments ORDER BY article_id").fetchall()
    found = {
        "articles": con.execute("SELECT count(*) FROM articles").fetchone()[0],
        "exact duplicates": con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0],
        "links": links,
        "events": len({e for _, e, _ in placed}),
        "stories": len({s for _, _, s in placed}),
        "annotations": con.execute("SELECT count(*) FROM annotations").fetchone()[0],
        "placement digest": hashlib.sha256(repr(placed).encode()).hexdigest()[:12],
        "links digest": hashlib.sha256(repr(con.execute(
            "SELECT kind, source, target, score FROM links ORDER BY 1, 2, 3").fetchall()).encode()).hexdigest()[:12],
    }
    con.close()
    return found


def _summary(runs: dict[str, dict[str, Any]], workers: int, asked: int, understand: bool) -> dict[str, Any]:
    first = next(iter(runs.values()))
    base_rate = first["report"].ingested / first["wall_seconds"]
    table = []
    base_work = _work(first["report"])
    for name, run in runs.items():
        report: IngestReport = run["report"]
        rate = report.ingested / run["wall_seconds"]
        parallel = name != "one process"
        table.append({
            "engine": name, "articles": report.ingested, "wall_seconds": round(run["wall_seconds"], 1),
            "articles_per_second": round(rate, 3),
            "parallel_efficiency": round(rate / (workers * base_rate), 3) if parallel else None,
            "writer_share": round(report.seconds["writer"] / run["wall_seconds"], 4),
            "startup_seconds": round(run["startup_seconds"], 1),
            "cluster_startup_seconds": run.get("cluster_startup_seconds"),
            "load_average": [round(x, 1) for x in run["load"]],
            "work_ratio": round(_work(report) / base_work, 3) if base_work else None,
            "results": run["results"],
        })
    report = first["report"]
    per_article = {stage: round(1000 * s / max(report.ingested, 1), 2) for stage, s in report.seconds.items()}
    same = all(row["results"] == table[0]["results"] for row in table)
    return {"corpus": ANT.name, "articles_asked": asked or "all", "understand": understand, "workers": workers,
            "load_average_at_end": os.getloadavg(), "runs": table,
            "milliseconds_per_article_one_process": per_article, "same_store_results": same}


def _work(report: IngestReport) -> float:
    """CPU seconds of the per-article stages, summed over the workers."""
    return sum(s for stage, s in report.seconds.items() if not stage.startswith("writer"))


def _print(result: dict[str, Any]) -> None:
    print(f"corpus: {result['corpus']}, {result['runs'][0]['articles']} articles ingested, "
          f"understanding {'on' if result['understand'] else 'off'}, {result['workers']} workers")
    print(f"{'engine':40s} {'wall s':>7s} {'art/s':>7s} {'efficiency':>10s} {'writer':>7s} {'start-up s':>10s} "
          f"{'load':>9s}")
    for row in result["runs"]:
        efficiency = "" if row["parallel_efficiency"] is None else f"{row['parallel_efficiency']:.1%}"
        startup = f"{row['startup_seconds']}" + (f" + {row['cluster_startup_seconds']}"
                                                 if row["cluster_startup_seconds"] else "")
        print(f"{row['engine']:40s} {row['wall_seconds']:7.1f} {row['articles_per_second']:7.3f} {efficiency:>10s} "
              f"{row['writer_share']:7.2%} {startup:>10s} {row['load_average'][0]:4.1f}-{row['load_average'][1]:<4.1f}")
    print("CPU of the per-article stages against one process: "
          + ", ".join(f"{row['engine'].split(' (')[0]} {row['work_ratio']:.3f}" for row in result["runs"]))
    print("cost per article in one process (ms; stages: CPU time, writer: wall and CPU): "
          + ", ".join(f"{k} {v}" for k, v in result["milliseconds_per_article_one_process"].items()))
    print(f"same store results from all three: {result['same_store_results']} "
          f"({json.dumps(result['runs'][0]['results'], ensure_ascii=False)})")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in result['load_average_at_end'])}")


if __name__ == "__main__":
    main()
