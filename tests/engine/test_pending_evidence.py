"""Cleaning evidence of documents admitted ahead of their write reads as if they were written already, and is
written once, as the serial ingest writes it (the writer admits a chunk while workers prepare the one before)."""

from __future__ import annotations

from pathlib import Path

from marsad.evidence import PendingParagraphs
from marsad.store.base import PARAGRAPH_CARRIERS
from marsad.store.sqlite import SQLiteStore

# (outlet, document, topic, paragraph keys) in input order: a key carried by more documents than are kept,
# one text counted twice, another outlet
CALLS = [("a", 100 + n, [f"t{n}", "ميناء"], [1, 2] if n % 2 else [2, 3]) for n in range(PARAGRAPH_CARRIERS + 3)]
CALLS += [("b", 900, ["x"], [2])]


def test_pending_paragraphs_read_and_write_as_the_store_does(tmp_path: Path) -> None:
    serial, pending_store = SQLiteStore(tmp_path / "serial.db"), SQLiteStore(tmp_path / "pending.db")
    for store in (serial, pending_store):
        store.add_paragraph_evidence(*CALLS[0])  # written before
    pending = PendingParagraphs(pending_store)
    first, second = CALLS[1:6], CALLS[6:]
    for call in first:
        pending.add_paragraph_evidence(*call)
    chunk_one = pending.take_counted()
    for call in second:  # the next chunk is admitted before the first is written
        pending.add_paragraph_evidence(*call)
    chunk_two = pending.take_counted()
    reference = SQLiteStore(tmp_path / "reference.db")  # as written in one order: the other writer's first
    for call in [CALLS[0], second[0], *first, *second[1:]]:
        reference.add_paragraph_evidence(*call)
    for call in CALLS[1:]:
        serial.add_paragraph_evidence(*call)
    documents = [c[1] for c in CALLS]
    for outlet in ("a", "b"):
        assert pending.paragraph_evidence(outlet, [1, 2, 3, 4]) == serial.paragraph_evidence(outlet, [1, 2, 3, 4])
    assert pending.document_topics(documents) == serial.document_topics(documents)
    pending_store.add_paragraph_evidence(*second[0])  # another writer counted one of these texts meanwhile
    pending.write(chunk_one)
    pending.write(chunk_two)  # ... and it is not counted again
    for outlet in ("a", "b"):
        assert pending_store.paragraph_evidence(outlet, [1, 2, 3]) == reference.paragraph_evidence(outlet, [1, 2, 3])
    assert pending_store.document_topics(documents) == serial.document_topics(documents)
    assert pending.paragraph_evidence("a", [1, 2, 3]) == reference.paragraph_evidence("a", [1, 2, 3])  # none pending
    for store in (serial, pending_store, reference):
        store.close()
