"""Cross-document cleaning evidence between a chunk's admission and its write.

The single writer admits a chunk (and decides how each document is cleaned)
before the chunk before it is written, when the per-article stages run
elsewhere. The counts of the admitted documents are kept here, in memory, on
top of the store's, so that every document is cleaned with the evidence of all
those read before it, as in a serial ingest; they are written to the store in
their chunk's unit of work.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marsad.store.base import PARAGRAPH_CARRIERS, ParagraphEvidence, Store


class PendingLines:
    """The store's template-line counts plus those of admitted documents not written yet."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pending: Counter[tuple[str, int]] = Counter()

    def outlet_line_counts(self, outlet: str, keys: Iterable[int]) -> dict[int, int]:
        counts = self.store.outlet_line_counts(outlet, keys)
        for key in set(keys):
            if (outlet, key) in self.pending:
                counts[key] = counts.get(key, 0) + self.pending[(outlet, key)]
        return counts


@dataclass(frozen=True)
class Counted:
    """One document's paragraphs counted for its outlet (a call of `Store.add_paragraph_evidence`)."""

    outlet: str
    document: int
    topic: tuple[str, ...]
    keys: frozenset[int]


class PendingParagraphs:
    """The store's paragraph evidence plus that of admitted documents not written yet (`clean.paragraphs`
    reads and counts through it as through a store)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._carriers: defaultdict[tuple[str, int], list[int]] = defaultdict(list)  # pending, oldest first
        self._topics: dict[int, frozenset[str]] = {}
        self._counted: list[Counted] = []  # since the last `take_counted`

    def add_paragraph_evidence(self, outlet: str, document: int, topic: Sequence[str], keys: Iterable[int]) -> None:
        counted = Counted(outlet, document, tuple(topic), frozenset(keys))
        self._topics.setdefault(document, frozenset(topic))
        for key in counted.keys:
            self._carriers[(outlet, key)].append(document)
        self._counted.append(counted)

    def paragraph_evidence(self, outlet: str, keys: Iterable[int]) -> dict[int, ParagraphEvidence]:
        keys = set(keys)
        found = self.store.paragraph_evidence(outlet, keys)
        for key in keys:
            pending = self._carriers.get((outlet, key))
            if pending:
                old = found.get(key, ParagraphEvidence(0, ()))
                carriers = (*old.carriers, *pending)[-PARAGRAPH_CARRIERS:]
                found[key] = ParagraphEvidence(old.articles + len(pending), carriers)
        return found

    def document_topics(self, documents: Sequence[int]) -> dict[int, frozenset[str]]:
        found = {d: self._topics[d] for d in documents if d in self._topics}
        return {**found, **self.store.document_topics(documents)}  # a stored topic was kept first

    def take_counted(self) -> list[Counted]:
        """The documents counted since the last call (one chunk's), in order."""
        counted, self._counted = self._counted, []
        return counted

    def write(self, counted: Iterable[Counted]) -> None:
        """Write these counts to the store (inside the writer's unit of work) and drop them from the pending
        ones; a text that another writer counted meanwhile is not counted again."""
        for c in counted:
            if not self.store.document_topics([c.document]):
                self.store.add_paragraph_evidence(c.outlet, c.document, c.topic, c.keys)
            for key in c.keys:
                carriers = self._carriers[(c.outlet, key)]
                carriers.remove(c.document)
                if not carriers:
                    del self._carriers[(c.outlet, key)]
            self._topics.pop(c.document, None)
