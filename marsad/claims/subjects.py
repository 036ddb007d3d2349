"""Which resolved entities a claim is about and which entity a speaker is.

Entities come from `marsad.entities.resolve.extract_entities`, run once on the
whole article set (tagging is the slow part of the claims pipeline); an
`EntityIndex` then answers "which entities are named between these offsets
of this article" for every claim and every speaker.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marsad.entities.resolve import Entity
from marsad.records import Span


@dataclass(frozen=True)
class EntityRef:
    """A resolved entity as claims and statements point at it."""

    id: str
    type: str
    canonical: str


@dataclass(frozen=True)
class _Placed:
    start: int
    end: int
    entity: EntityRef


class EntityIndex:
    """The mentions of resolved entities, by article and offset."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        placed: dict[str, list[_Placed]] = defaultdict(list)
        for entity in entities:
            ref = EntityRef(entity.id, entity.type, entity.canonical)
            for mention in entity.mentions:
                placed[mention.article].append(_Placed(mention.start, mention.end, ref))
        self._placed = {article: sorted(items, key=lambda p: (p.start, p.end)) for article, items in placed.items()}
        self._starts = {article: [p.start for p in items] for article, items in self._placed.items()}

    def within(self, article: str, start: int, end: int, *, outside: Span | None = None) -> list[EntityRef]:
        """Distinct entities with a mention inside [start, end) of `article`, in text order,
        leaving out mentions inside `outside` (e.g. the speaker of a reported claim)."""
        items = self._placed.get(article, [])
        first = bisect.bisect_left(self._starts.get(article, []), start)
        found: dict[str, EntityRef] = {}
        for placed in items[first:]:
            if placed.start >= end:
                break
            if placed.end > end or (outside and outside.start <= placed.start < outside.end):
                continue
            found.setdefault(placed.entity.id, placed.entity)
        return list(found.values())


def shared_entities(a: Sequence[EntityRef], b: Sequence[EntityRef]) -> bool:
    """Whether two lists of entities have one in common."""
    return bool({e.id for e in a} & {e.id for e in b})
