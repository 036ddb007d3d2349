"""Size and time of the brief of the largest story in an ANT slice, from stored annotations.

    .venv/bin/python benchmarks/brief_speed.py [--articles 2000] [--from-day 2018-05-08] [--db FILE]

Takes the first `--articles` ANT articles (by publication time) from `--from-day`,
ingests them into a store without understanding them (cleaning, dedupe,
stories: seconds), finds the story with the most articles, understands the
articles its brief reads (`brief.build.MAX_BRIEF_ARTICLES` at most; NER and
embeddings, minutes, stored) and then times the brief from the stored
annotations, as `marsad brief STORY --format md` makes it: reading the
annotations, entities across the story, claim alignment, the brief, the
Markdown. The peer is decoding the same stored annotations alone (the floor of
any brief that reads them). CPU time of this process; `--db` keeps the store
for a second run (then nothing is ingested or understood again).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from ant import records

from marsad.brief.build import choose_articles
from marsad.brief.render import brief_markdown
from marsad.brief.story import story_articles, story_brief
from marsad.pipeline import ingest
from marsad.store.sqlite import SQLiteStore
from marsad.stories.query import list_stories
from marsad.understand.codec import decode_annotation
from marsad.understand.storage import read_understood

LINK_BASE = "http://127.0.0.1:8000"  # the CLI's default


def write_slice(dest: Path, limit: int, from_day: str) -> None:
    """The first `limit` ANT records published on or after `from_day`, in publication order."""
    chosen = sorted((r for r in records() if str(r.get("published") or "")[:10] >= from_day),
                    key=lambda r: str(r.get("published") or ""))[:limit]
    dest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), encoding="utf-8")


def main() -> None:
    """Build or reuse the store, then time the largest story's brief and its peer."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--from-day", default="2018-05-08")
    parser.add_argument("--db", type=Path, help="store to build or reuse (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or Path(scratch) / "slice.db"
        fresh = not db.exists()
        store = SQLiteStore(db)
        if fresh:
            source = Path(scratch) / "slice.jsonl"
            write_slice(source, args.articles, args.from_day)
            ingest([str(source)], store)
        story = max(list_stories(store, limit=100_000), key=lambda s: len(s.article_ids))
        found = story_articles(store, story.id)
        assert found is not None
        chosen = [a.id for a in choose_articles(found[1])]
        start = time.process_time()
        read_understood(store, chosen)
        understood = time.process_time() - start
        start = time.process_time()
        brief = story_brief(store, story.id)
        assert brief is not None
        markdown = brief_markdown(brief, LINK_BASE)
        seconds = time.process_time() - start
        start = time.process_time()
        stored = store.annotations(chosen)
        for article_id in chosen:
            article = store.article(article_id)
            if article is not None:
                decode_annotation(article, stored[article_id].structure, stored[article_id].vectors)
        peer = time.process_time() - start
        store.close()
    print(f"{args.articles} ANT articles from {args.from_day}; largest story "
          f"{story.id}: {len(story.article_ids)} articles, {len(chosen)} read by its brief")
    if fresh:
        print(f"  understanding the articles it reads (once, stored): {understood:.1f} CPU s")
    print(f"  brief from stored annotations: {seconds:.2f} CPU s; Markdown {len(markdown.encode()):,} bytes, "
          f"{len(markdown.splitlines())} lines")
    print(f"  peer: decoding the same annotations alone: {peer:.2f} CPU s (ratio {seconds / max(peer, 1e-9):.1f})")


if __name__ == "__main__":
    main()
