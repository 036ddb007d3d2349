"""What a set of understood articles says together: their entities resolved across articles,
and their claims aligned. Reads the articles' annotations only; nothing is tagged or embedded here."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from marsad.claims.align import Alignment, align_claims, find_copies
from marsad.claims.embed import DIM
from marsad.claims.extract import Claim, with_entities
from marsad.claims.quotes import Statement, with_speaker_entity
from marsad.claims.subjects import EntityIndex
from marsad.dates.timeline import TimelineEntry, article_timeline
from marsad.entities.mentions import extract_mentions
from marsad.entities.resolve import Entity, resolve
from marsad.records import Article
from marsad.understand.annotation import Vectors, annotation_of


def story_entities(articles: Sequence[Article]) -> list[Entity]:
    """The entities of understood articles, resolved across all of them (from their stored tags)."""
    tags = {a.id: annotation_of(a).tags for a in articles}
    return resolve(extract_mentions(articles, tags), articles)


def story_claims(articles: Sequence[Article], entities: Sequence[Entity]) -> tuple[list[Claim], Vectors]:
    """The claims of understood articles with subjects from `entities`, and their vectors."""
    index = EntityIndex(entities)
    claims: list[Claim] = []
    vectors = [np.zeros((0, DIM), dtype=np.float32)]
    for article in articles:
        annotation = annotation_of(article)
        claims += with_entities(annotation.claims, index)
        vectors.append(annotation.claim_vectors)
    return claims, np.vstack(vectors)


def story_statements(articles: Sequence[Article], entities: Sequence[Entity]) -> list[Statement]:
    """The attributed statements of understood articles, speakers linked to `entities`."""
    index = EntityIndex(entities)
    return [with_speaker_entity(s, index) for a in articles for s in annotation_of(a).statements]


def story_timeline(articles: Sequence[Article]) -> list[TimelineEntry]:
    """Every dated expression of the articles (from their annotations; found now for those without one),
    ordered by date (then article, position)."""
    entries = [e for a in articles for e in (a.annotation.timeline if a.annotation else article_timeline(a))]
    return sorted(entries, key=lambda e: (e.date, e.published or "", e.article, e.start))


def align_story(articles: Sequence[Article], entities: Sequence[Entity] | None = None) -> Alignment:
    """Group the claims of understood articles; find contradictions, single sources and series."""
    entities = story_entities(articles) if entities is None else entities
    claims, vectors = story_claims(articles, entities)
    machine = frozenset(a.id for a in articles if a.machine_translation.flagged)
    return align_claims(claims, vectors, find_copies(articles), machine)
