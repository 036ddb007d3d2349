"""Annotations to compact bytes and back.

The structure is JSON (zlib-compressed): offsets rather than texts, which the
article's own text rebuilds, and indexes where a claim points at one of the
article's statements or dated expressions. Vectors are int8 with one float32
scale per row (cosine error below 1e-3), a quarter of their float32 size.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Any

import numpy as np

from marsad.claims.extract import Claim
from marsad.claims.quantities import Quantity
from marsad.claims.quotes import Statement
from marsad.claims.subjects import EntityRef
from marsad.dates.timeline import TimelineEntry
from marsad.entities.mentions import Mention
from marsad.records import Article, Span
from marsad.understand.annotation import Annotation, Vectors

Pair = list[int]


def encode_annotation(annotation: Annotation) -> tuple[bytes, bytes]:
    """(structure, vectors) of an annotation, for storage."""
    statement_index = {id(s): i for i, s in enumerate(annotation.statements)}
    date_index = {id(d): i for i, d in enumerate(annotation.timeline)}
    data = {
        "version": annotation.version,
        "tags": [" ".join(tags) for tags in annotation.tags],
        "mentions": [_mention(m) for m in annotation.mentions],
        "timeline": [_entry(e) for e in annotation.timeline],
        "statements": [_statement(s) for s in annotation.statements],
        "claims": [_claim(c, statement_index, date_index) for c in annotation.claims],
        "read": annotation.read_chars,
    }
    structure = zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 6)
    vectors = np.vstack([annotation.lead_vector[None], annotation.claim_vectors])
    return structure, pack_vectors(vectors)


def decode_annotation(article: Article, structure: bytes, vectors: bytes) -> Annotation:
    """The inverse of `encode_annotation`, for `article` (whose text the offsets point into)."""
    data = json.loads(zlib.decompress(structure))
    text = article.text
    timeline = [_read_entry(article, e) for e in data["timeline"]]
    statements = [_read_statement(article, s) for s in data["statements"]]
    claims = [_read_claim(article, c, statements, timeline) for c in data["claims"]]
    rows = unpack_vectors(vectors)
    return Annotation(
        article_id=article.id,
        version=data["version"],
        tags=[tags.split() for tags in data["tags"]],
        mentions=[Mention(article.id, s, e, text[s:e], kind, sentence, title, title_start, source)
                  for s, e, kind, sentence, title, title_start, source in data["mentions"]],
        timeline=timeline,
        statements=statements,
        claims=claims,
        lead_vector=rows[0],
        claim_vectors=rows[1:],
        read_chars=data.get("read", len(text)),
    )


def pack_vectors(vectors: Vectors) -> bytes:
    """Rows as int8 with a float32 scale each: rows count (uint32), columns (uint32), scales, values."""
    scale = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0 if len(vectors) else np.zeros(0)
    values = np.round(vectors / scale[:, None]).astype(np.int8) if len(vectors) else np.zeros((0, 0), np.int8)
    header = np.array(vectors.shape, dtype=np.uint32).tobytes()
    return header + scale.astype(np.float32).tobytes() + values.tobytes()


def as_stored(vectors: Vectors) -> Vectors:
    """`vectors` at the precision the store keeps, so that a fresh annotation reads like a stored one."""
    return unpack_vectors(pack_vectors(vectors))


def unpack_vectors(blob: bytes) -> Vectors:
    """The inverse of `pack_vectors` (float32 rows)."""
    rows, columns = (int(n) for n in np.frombuffer(blob, dtype=np.uint32, count=2))
    scale = np.frombuffer(blob, dtype=np.float32, count=rows, offset=8)
    values = np.frombuffer(blob, dtype=np.int8, count=rows * columns, offset=8 + 4 * rows)
    return (values.reshape(rows, columns).astype(np.float32) * scale[:, None]).astype(np.float32)


def _pair(span: Span | None) -> Pair | None:
    return None if span is None else [span.start, span.end]


def _span(text: str, pair: Pair | None) -> Span | None:
    return None if pair is None else Span(pair[0], pair[1], text[pair[0] : pair[1]])


def _ref(ref: EntityRef | None) -> list[str] | None:
    return None if ref is None else [ref.id, ref.type, ref.canonical]


def _read_ref(data: list[str] | None) -> EntityRef | None:
    return None if data is None else EntityRef(*data)


def _mention(m: Mention) -> list[Any]:
    return [m.start, m.end, m.type, m.sentence, m.title, m.title_start, m.source]


def _entry(e: TimelineEntry) -> list[Any]:
    end = e.end_date.isoformat() if e.end_date else None
    return [e.date.isoformat(), end, e.precision, e.start, e.end, e.sentence_start, e.sentence_end, e.relative]


def _read_entry(article: Article, data: list[Any]) -> TimelineEntry:
    day, end_day, precision, start, end, s_start, s_end, relative = data
    text = article.text
    return TimelineEntry(
        date=dt.date.fromisoformat(day), end_date=dt.date.fromisoformat(end_day) if end_day else None,
        precision=precision, expression=text[start:end], start=start, end=end,
        sentence=text[s_start:s_end], sentence_start=s_start, sentence_end=s_end,
        article=article.id, outlet=article.outlet, published=article.published, relative=relative,
    )


def _statement(s: Statement) -> dict[str, Any]:
    return {
        "kind": s.kind, "polarity": s.polarity, "verb": s.verb, "speaker": _pair(s.speaker),
        "content": _pair(s.content), "sentence": _pair(s.sentence), "chain": s.chain,
        "continued": s.continued, "speaker_entity": _ref(s.speaker_entity),
    }


def _read_statement(article: Article, data: dict[str, Any]) -> Statement:
    text = article.text
    content, sentence = _span(text, data["content"]), _span(text, data["sentence"])
    assert content is not None and sentence is not None  # always stored
    return Statement(
        article=article.id, kind=data["kind"], polarity=data["polarity"], verb=data["verb"],
        speaker=_span(text, data["speaker"]), content=content, sentence=sentence, chain=data["chain"],
        continued=data["continued"], speaker_entity=_read_ref(data["speaker_entity"]),
    )


def _claim(c: Claim, statements: dict[int, int], dates: dict[int, int]) -> dict[str, Any]:
    return {
        "span": _pair(c.span), "sentence": _pair(c.sentence),
        "statement": statements[id(c.statement)] if c.statement is not None else None,
        "dates": [dates[id(d)] for d in c.dates],
        "quantities": [[q.value, q.qualifier, q.unit, q.category, q.start, q.end, q.counted] for q in c.quantities],
        "entities": [_ref(e) for e in c.entities],
    }


def _read_claim(
    article: Article, data: dict[str, Any], statements: list[Statement], timeline: list[TimelineEntry]
) -> Claim:
    text = article.text
    span, sentence = _span(text, data["span"]), _span(text, data["sentence"])
    assert span is not None and sentence is not None  # always stored
    return Claim(
        article=article.id, outlet=article.outlet, published=article.published, span=span, sentence=sentence,
        statement=statements[data["statement"]] if data["statement"] is not None else None,
        dates=[timeline[i] for i in data["dates"]],
        quantities=[Quantity(v, q, u, c, s, e, text[s:e], *counted)  # annotations of schema 1 lack `counted`
                    for v, q, u, c, s, e, *counted in data["quantities"]],
        entities=[EntityRef(*e) for e in data["entities"]],
    )
