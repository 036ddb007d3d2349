"""A store's contents as tables analysts load into pandas, DuckDB or Spark: Parquet, JSON Lines or CSV.

One row per article (`articles`), per article's annotation (`annotations`),
per claim (`claims`) or per article of a story (`stories`); the columns are the
`SCHEMAS` below (documented in docs/export.md). Parquet keeps lists and
structs as such; JSON Lines writes them as JSON; CSV writes them as JSON text.
Rows are written in publication order, a batch at a time, so a large store
streams out in bounded memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from marsad.records import Article
from marsad.store.base import ArticleFilter, Store, StoryFilter
from marsad.understand.annotation import Annotation
from marsad.understand.storage import attach_annotations

FORMATS = ("parquet", "jsonl", "csv")
ROWS_PER_BATCH = 500

Row = dict[str, Any]
_TEXT, _INT, _FLOAT = pa.string(), pa.int32(), pa.float64()
_SPAN = [("text", _TEXT), ("start", _INT), ("end", _INT)]

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("id", _TEXT), ("story_id", _TEXT), ("event_id", _TEXT), ("outlet", _TEXT), ("published", _TEXT),
        ("title", _TEXT), ("url", _TEXT), ("author", _TEXT), ("agency", _TEXT), ("language", _TEXT),
        ("machine_translation", _FLOAT), ("machine_translation_flagged", pa.bool_()), ("duplicate_of", _TEXT),
        ("input_id", _TEXT), ("origin", _TEXT), ("raw_sha256", _TEXT), ("text", _TEXT),
        ("removed_lines", _INT),
    ]),
    "annotations": pa.schema([
        ("article_id", _TEXT), ("version", _TEXT),
        ("mentions", pa.list_(pa.struct([*_SPAN, ("type", _TEXT)]))),
        ("timeline", pa.list_(pa.struct([("date", _TEXT), ("end_date", _TEXT), ("precision", _TEXT), *_SPAN]))),
        ("statements", pa.list_(pa.struct([("speaker", _TEXT), ("verb", _TEXT), ("content", _TEXT),
                                           ("kind", _TEXT), ("polarity", _TEXT), ("chain", pa.list_(_TEXT))]))),
        ("claims", _INT), ("lead_vector", pa.list_(pa.float32())),
    ]),
    "claims": pa.schema([
        ("article_id", _TEXT), ("claim", _INT), ("story_id", _TEXT), ("outlet", _TEXT), ("published", _TEXT),
        *_SPAN, ("sentence", _TEXT), ("speaker", _TEXT), ("verb", _TEXT), ("polarity", _TEXT),
        ("dates", pa.list_(_TEXT)),
        ("quantities", pa.list_(pa.struct([("value", pa.int64()), ("qualifier", _TEXT), ("unit", _TEXT),
                                           ("category", _TEXT)]))),
        ("entities", pa.list_(_TEXT)),
    ]),
    "stories": pa.schema([
        ("story_id", _TEXT), ("event_id", _TEXT), ("article_id", _TEXT), ("outlet", _TEXT), ("published", _TEXT),
        ("title", _TEXT),
    ]),
}


def export(store: Store, what: str, fmt: str, out: BinaryIO) -> int:
    """Write the `what` table of the store to `out` in `fmt`; return how many rows."""
    if what not in SCHEMAS or fmt not in FORMATS:
        raise ValueError(f"export what in {sorted(SCHEMAS)} and format in {FORMATS}, not {what!r} / {fmt!r}")
    rows = _ROWS[what](store)
    if fmt == "parquet":
        return _parquet(rows, SCHEMAS[what], out)
    return _text(rows, SCHEMAS[what], fmt, out)


def article_rows(store: Store) -> Iterator[Row]:
    """One row per article."""
    places = _places(store)
    duplicates = {s.id: s.duplicate_of for s in store.summaries(limit=store.count() + 1)}
    for article in _articles(store):
        event_id, story_id = places.get(article.id, (None, None))
        yield {
            "id": article.id, "story_id": story_id, "event_id": event_id,
            "outlet": article.outlet, "published": article.published, "title": article.title, "url": article.url,
            "author": article.author, "agency": article.agency, "language": article.language,
            "machine_translation": article.machine_translation.score,
            "machine_translation_flagged": article.machine_translation.flagged,
            "duplicate_of": duplicates.get(article.id), "input_id": article.extra.get("id"),
            "origin": f"{article.origin.path}:{article.origin.locator}".rstrip(":"), "raw_sha256": article.raw_sha256,
            "text": article.text, "removed_lines": len(article.removed),
        }


def annotation_rows(store: Store) -> Iterator[Row]:
    """One row per understood article."""
    for article in _understood(store):
        a: Annotation = article.annotation  # type: ignore[assignment]  # _understood yields annotated ones
        yield {
            "article_id": article.id, "version": a.version,
            "mentions": [{"text": m.text, "start": m.start, "end": m.end, "type": m.type} for m in a.mentions],
            "timeline": [{"date": e.date.isoformat(), "end_date": e.end_date.isoformat() if e.end_date else None,
                          "precision": e.precision, "text": e.expression, "start": e.start, "end": e.end}
                         for e in a.timeline],
            "statements": [{"speaker": s.speaker.text if s.speaker else None, "verb": s.verb, "content": s.content.text,
                            "kind": s.kind, "polarity": s.polarity, "chain": list(s.chain)} for s in a.statements],
            "claims": len(a.claims), "lead_vector": [float(x) for x in a.lead_vector],
        }


def claim_rows(store: Store) -> Iterator[Row]:
    """One row per claim of every understood article."""
    places = _places(store)
    for article in _understood(store):
        assert article.annotation is not None  # _understood yields annotated ones
        for index, c in enumerate(article.annotation.claims):
            statement = c.statement
            yield {
                "article_id": article.id, "claim": index, "story_id": places.get(article.id, (None, None))[1],
                "outlet": c.outlet, "published": c.published, "text": c.span.text, "start": c.span.start,
                "end": c.span.end, "sentence": c.sentence.text,
                "speaker": statement.speaker.text if statement and statement.speaker else None,
                "verb": statement.verb if statement else None, "polarity": statement.polarity if statement else None,
                "dates": [d.date.isoformat() for d in c.dates],
                "quantities": [{"value": q.value, "qualifier": q.qualifier, "unit": q.unit, "category": q.category}
                               for q in c.quantities],
                "entities": [e.canonical for e in c.entities],
            }


def story_rows(store: Store) -> Iterator[Row]:
    """One row per article of each story, stories most recently active first, articles in date order."""
    offset = 0
    while story_ids := store.story_ids(StoryFilter(), limit=ROWS_PER_BATCH, offset=offset):
        offset += len(story_ids)
        for story_id in story_ids:
            for event_id, a in store.story_articles(story_id):
                yield {"story_id": story_id, "event_id": event_id, "article_id": a.id, "outlet": a.outlet,
                       "published": a.published, "title": a.title}


_ROWS = {"articles": article_rows, "annotations": annotation_rows, "claims": claim_rows, "stories": story_rows}


def _places(store: Store) -> dict[str, tuple[str | None, str | None]]:
    return {a.article_id: (a.event_id, a.story_id) for a in store.assignments()}


def _articles(store: Store) -> Iterator[Article]:
    for article_id in store.article_ids(ArticleFilter()):
        article = store.article(article_id)
        if article is not None:
            yield article


def _understood(store: Store) -> Iterator[Article]:
    ids = store.article_ids(ArticleFilter())
    for start in range(0, len(ids), ROWS_PER_BATCH):
        batch = [a for a in (store.article(i) for i in ids[start : start + ROWS_PER_BATCH]) if a is not None]
        yield from attach_annotations(store, batch)


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= ROWS_PER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _parquet(rows: Iterator[Row], schema: pa.Schema, out: BinaryIO) -> int:
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in _batches(rows):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
        if not count:
            writer.write_table(schema.empty_table())
    return count


def _text(rows: Iterator[Row], schema: pa.Schema, fmt: str, out: BinaryIO) -> int:
    stream = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(stream, fieldnames=schema.names) if fmt == "csv" else None
    if writer:
        writer.writeheader()
    count = 0
    for row in rows:
        if writer:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                             for k, v in row.items()})
        else:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    stream.flush()
    stream.detach()
    return count
