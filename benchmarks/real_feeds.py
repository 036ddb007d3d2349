"""The figures a user sees first on real feeds, each with the command that reproduces it.

    .venv/bin/python benchmarks/real_feeds.py                        # ANT 2018-09-01..10-28 and all of SaudiNewsNet
    .venv/bin/python benchmarks/real_feeds.py --corpus ant --since 2018-10-01 --until 2018-10-28
    .venv/bin/python benchmarks/real_feeds.py --corpus snn --days 4  # the first 4 days of SaudiNewsNet
    .venv/bin/python benchmarks/real_feeds.py --db STORE.db          # the figures of a store made elsewhere
                                                                     # (e.g. by an older marsad: before/after)

Each corpus is written as a user has it (ANT: JSON Lines in publication order;
SaudiNewsNet: its daily JSON files, unzipped) and ingested with `marsad ingest
--no-understand` (SaudiNewsNet with `--field published=date_extracted --field
text=content`). Printed, for each store:
- ingest: articles, wall and CPU seconds of the command;
- stories: how many, and their sizes (largest, percentiles, share of single-article stories);
- copy links by kind; the furniture paragraphs cleaning removed (by rule) and the background
  paragraphs it marked, and how many copy links that text would have made (deduplication run again
  over the stored articles, in ingest order, with it put back);
- entities: the articles of up to `--entity-links` copy links understood (NER; only those), and the
  share of those links whose two articles share no named entity;
- the largest story's brief: `marsad brief STORY --format md`, its bytes and the time it takes.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ant import records

from marsad.dedupe.detector import Deduplicator, buckets, signals
from marsad.entities.names import match_form, strip_article
from marsad.pipeline import reannotate
from marsad.records import Article, Link
from marsad.store.base import StoredArticle
from marsad.store.sqlite import SQLiteStore
from marsad.text.normalize import fold
from marsad.understand.storage import attach_annotations
from marsad.understand.workers import Understanding

REPO = Path(__file__).resolve().parents[1]
SNN = REPO.parent / "shared" / "data" / "corpora" / "saudinewsnet"
MARSAD = Path(sys.executable).parent / "marsad"
SNN_FIELDS = ("--field", "published=date_extracted", "--field", "text=content")
FURNITURE = ("repeated-paragraph", "teaser-block", "repeated-in-outlet", "disclaimer")
SHOWN = ".venv/bin/marsad"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=("ant", "snn", "both"), default="both")
    parser.add_argument("--since", default="2018-09-01", help="first ANT day")
    parser.add_argument("--until", default="2018-10-28", help="last ANT day")
    parser.add_argument("--days", type=int, default=0, help="SaudiNewsNet days, from the first (0 = all 18)")
    parser.add_argument("--db", type=Path, help="report on this store instead of ingesting a corpus")
    parser.add_argument("--keep", type=Path, help="folder to keep the slices and stores in")
    parser.add_argument("--entity-links", type=int, default=60, help="copy links whose articles are understood")
    parser.add_argument("--workers", type=int, default=None, help="processes understanding articles")
    parser.add_argument("--no-brief", action="store_true", help="skip the largest story's brief")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        if args.db:
            _report(args.db, folder, args)
            return
        for corpus in ("ant", "snn") if args.corpus == "both" else (args.corpus,):
            db = folder / f"{corpus}.db"
            db.unlink(missing_ok=True)
            if corpus == "ant":
                inputs, extra = _write_ant(folder, args.since, args.until)
            else:
                inputs, extra = _write_snn(folder, args.days)
            print(f"\n=== {corpus}: {inputs}")
            _ingest(inputs, db, extra)
            _report(db, folder, args)


def _write_ant(folder: Path, since: str, until: str) -> tuple[Path, tuple[str, ...]]:
    path = folder / f"ant-{since}-{until}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for record in records():
            if since <= (record.get("published") or "")[:10] <= until:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path, ()


def _write_snn(folder: Path, days: int) -> tuple[Path, tuple[str, ...]]:
    target = folder / "saudinewsnet"
    target.mkdir(exist_ok=True)
    for day in sorted(SNN.glob("*.zip"))[: days or None]:
        with zipfile.ZipFile(day) as archive:
            archive.extractall(target)
    return target, SNN_FIELDS


def _ingest(inputs: Path, db: Path, extra: Sequence[str]) -> None:
    command = [str(MARSAD), "ingest", str(inputs), "--db", str(db), "--no-understand", *extra, "--json"]
    seconds, cpu, output = _run(command)
    report = json.loads(output)
    print(f"ingest: {report['ingested']} articles ({report['skipped']} skipped) in {seconds:.0f} s,"
          f" {cpu:.0f} s CPU ({report['ingested'] / max(cpu, 1e-9):.0f} articles per CPU second)")
    for use in report.get("fields", []):
        print(f"  field {use['target']}={use['source']}: {use['records']} records")
    _command(command)


def _report(db: Path, folder: Path, args: argparse.Namespace) -> None:
    store = SQLiteStore(db)
    try:
        largest = _stories(db)
        articles = {a.id: a for a in (store.article(i) for i, _ in store.content_hashes()) if a is not None}
        links = [ln for i in articles for ln in store.links_of(i) if ln.source == i]
        _links(articles, links, folder)
        _entities(store, articles, links, args.entity_links, args.workers, db)
    finally:
        store.close()
    if largest and not args.no_brief:
        _brief(db, largest)


def _stories(db: Path) -> str | None:
    command = [str(MARSAD), "stories", "--db", str(db), "--limit", "1000000", "--json"]
    seconds, cpu, output = _run(command)
    stories = json.loads(output)["stories"]
    sizes = sorted((sum(len(e["articles"]) for e in s["events"]) for s in stories), reverse=True)
    if not sizes:
        print("stories: none")
        return None
    quantile = [sizes[::-1][min(len(sizes) - 1, int(q * len(sizes)))] for q in (0.5, 0.9, 0.99)]
    print(f"stories: {len(sizes)} (listed in {seconds:.1f} s, {cpu:.1f} s CPU), largest {sizes[:5]},"
          f" p50/p90/p99 {quantile}, single-article {sum(s == 1 for s in sizes) / len(sizes):.0%}")
    _command(command)
    largest = max(stories, key=lambda s: sum(len(e["articles"]) for e in s["events"]))
    return str(largest["id"])


def _links(articles: dict[str, Article], links: list[Link], folder: Path) -> None:
    kinds = Counter(ln.kind for ln in links)
    cross = sum(articles[ln.source].outlet != articles[ln.target].outlet for ln in links)
    print(f"copy links: {len(links)} ({dict(kinds)}), {cross} across outlets")
    rules = Counter(r.rule for a in articles.values() for r in a.removed if r.rule in FURNITURE)
    background = sum(p.is_background for a in articles.values() for p in a.paragraphs)
    print(f"furniture removed: {dict(rules)}; background paragraphs kept and marked: {background}")
    as_news = _links_with_text(articles, folder, with_furniture=True)
    print(f"copy links with that text counted as news (dedupe re-run): {as_news},"
          f" against {_links_with_text(articles, folder, with_furniture=False)} without it")


def _links_with_text(articles: dict[str, Article], folder: Path, with_furniture: bool) -> int:
    """Copy links deduplication makes over the articles in ingest order, with or without the furniture
    and background paragraphs as news text."""
    shadow_db = folder / f"shadow-{with_furniture}.db"
    shadow_db.unlink(missing_ok=True)
    shadow = SQLiteStore(shadow_db)
    dedupe = Deduplicator(shadow)
    made = 0
    for article in articles.values():
        text = article.news_body
        if with_furniture:
            text = "\n\n".join([text, *(r.text for r in article.removed if r.rule in FURNITURE),
                                *(article.text[p.start : p.end] for p in article.paragraphs if p.is_background)])
        found_signals = signals(fold(text))
        duplicate_of, found = dedupe.links(article, found_signals)
        shadow.add_article(StoredArticle(article, b"", found_signals.signature, found_signals.fingerprints,
                                         duplicate_of, "", buckets(found_signals.signature)))
        made += len(found)
    shadow.close()
    shadow_db.unlink()
    return made


def _entities(
    store: SQLiteStore, articles: dict[str, Article], links: list[Link], sample: int, workers: int | None, db: Path
) -> None:
    chosen = random.Random(0).sample(links, min(sample, len(links)))
    ids = sorted({i for ln in chosen for i in (ln.source, ln.target)})
    start = time.monotonic()
    missing = set(store.unannotated())
    with Understanding(workers) as understanding:
        reannotate(store, [i for i in ids if i in missing], understanding)
    names = {a.id: _names(a) for a in attach_annotations(store, [articles[i] for i in ids])}
    judged = [ln for ln in chosen if ln.source in names and ln.target in names]
    apart = [ln for ln in judged if not names[ln.source] & names[ln.target]]
    share = len(apart) / len(judged) if judged else 0.0
    print(f"copy links whose two articles share no named entity: {len(apart)} of {len(judged)} ({share:.1%});"
          f" {len(ids)} articles understood in {time.monotonic() - start:.0f} s")
    for link in apart[:5]:
        print(f"  {link.kind} {link.score}: {articles[link.source].title!r} / {articles[link.target].title!r}")
    print(f"  $ .venv/bin/python benchmarks/real_feeds.py --db {db} --entity-links {sample}")


def _names(article: Article) -> set[str]:
    """The match forms of the names an article's annotation mentions."""
    mentions = article.annotation.mentions if article.annotation else []
    return {" ".join(strip_article(match_form(w)) for w in m.words) for m in mentions}


def _brief(db: Path, story: str) -> None:
    command = [str(MARSAD), "brief", story, "--db", str(db), "--format", "md"]
    seconds, cpu, output = _run(command)
    print(f"largest story's brief: {len(output.encode())} bytes of Markdown in {seconds:.0f} s ({cpu:.0f} s CPU)")
    _command(command)


def _run(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user and system) and standard output of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: some inputs were bad, the rest was ingested
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.stdout


def _command(command: list[str]) -> None:
    print("  $ " + " ".join([SHOWN, *command[1:]]))


if __name__ == "__main__":
    main()
