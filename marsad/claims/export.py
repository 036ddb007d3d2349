"""The claims JSON (`marsad claims --json`, the API's `/claims`): statement groups, figure groups and series.

Every source carries its article, clause and sentence offsets; every conflict
says what it is on (`on`: date, count, occurrence, place, other) and points
at the words it is about (`part`, `against_part`), besides the whole clauses.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from marsad.claims.align import Alignment, ClaimGroup, SeriesPoint
from marsad.claims.contradict import Contradiction
from marsad.claims.extract import Claim
from marsad.records import Span


def alignment_json(alignment: Alignment) -> dict[str, object]:
    """The claims JSON: `groups` (statement, entities, time, numbers, supported_by, contradicted_by,
    single_source, ...), `figures` (one value of one quantity each, same fields plus `figure`) and
    `series` (the values of each quantity in the order they were given)."""
    return {
        "groups": [group_json(g) for g in alignment.groups],
        "series": {label: [_point_json(p) for p in points] for label, points in alignment.series.items()},
        "figures": [group_json(g) for g in alignment.figures],
    }


def group_json(group: ClaimGroup) -> dict[str, object]:
    """One group: its head clause as `statement`, then every member and conflict."""
    first = group.claims[0]
    record: dict[str, object] = {
        "statement": first.span.text,
        "kind": "figure" if group.figure else "statement",
        "entities": [asdict(e) for e in group.entities],
        "time": sorted({d.date.isoformat() for c in group.claims for d in c.dates}),
        "numbers": [
            {"value": q.value, "qualifier": q.qualifier, "category": q.category, "counted": q.counted,
             "text": q.text}
            for c in group.claims for q in c.quantities
        ],
        "outlets": group.outlets,
        "supported_by": [source_json(c) for c in group.claims],
        "contradicted_by": [_contradiction_json(c) for c in group.contradictions],
        "single_source": group.single_source,
        "copies": {c.article: group.copies[c.article] for c in group.claims if c.article in group.copies},
    }
    if group.figure:
        record["figure"] = asdict(group.figure)
    return record


def source_json(claim: Claim) -> dict[str, object]:
    """One clause of one article with its sentence and attribution."""
    statement = claim.statement
    return {
        "article": claim.article,
        "outlet": claim.outlet,
        "published": claim.published,
        "text": claim.span.text,
        "start": claim.span.start,
        "end": claim.span.end,
        "sentence": claim.sentence.text,
        "sentence_start": claim.sentence.start,
        "sentence_end": claim.sentence.end,
        "attribution": statement.chain if statement else [],
        "polarity": statement.polarity if statement else "assert",
        "entities": [asdict(e) for e in claim.entities],
        "speaker": statement.speaker.text if statement and statement.speaker else None,
        "speaker_entity": asdict(statement.speaker_entity) if statement and statement.speaker_entity else None,
    }


def _point_json(point: SeriesPoint) -> dict[str, object]:
    return {"day": point.day, "value": point.value, "qualifier": point.qualifier, "text": point.text,
            "scope": point.scope, "given": point.given, "party": point.party, **source_json(point.claim)}


def _span_json(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"text": span.text, "start": span.start, "end": span.end}


def _contradiction_json(found: Contradiction) -> dict[str, object]:
    """The contradicting claim, the article (and clause) it contradicts, on what, why, and how sure."""
    return {
        **source_json(found.claim),
        "against": found.against.article,
        "reason": found.reason,
        "method": found.method,
        "probability": found.probability,
        "against_text": found.against.span.text,
        "against_start": found.against.span.start,
        "against_end": found.against.span.end,
        "on": found.on,
        "part": _span_json(found.part),
        "against_part": _span_json(found.against_part),
    }
