"""Field mapping for record inputs (JSON Lines, JSON, CSV): which input field fills which slot.

Corpora name their fields differently: SaudiNewsNet dates its articles in
`date_extracted`, others say `article_body`, `pub_date` or `headline`. `--field
published=date_extracted` (repeatable; the web form and `POST /api/ingest` take
the same specs in a `fields` field) makes that field fill marsad's slot, in
place of the built-in names (`formats.FIELD_ALIASES`) when the record has it. The mapping
counts the records each spec filled, so a misspelt field name shows as 0 in the
ingest summary instead of passing in silence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from marsad.errors import InputError

# marsad's slots a field can fill (`source` is accepted for `outlet`); `id` is the record's own id,
# kept with the article as `extra.id` (what listings show as `input_id`).
TARGETS = ("text", "html", "url", "outlet", "title", "published", "author", "language", "id")
SYNONYMS = {"source": "outlet"}


@dataclass(frozen=True)
class FieldUse:
    """One spec of a mapping and how many records it filled."""

    target: str
    source: str
    records: int


@dataclass
class FieldMap:
    """Which input field fills which of marsad's slots, and how often it did."""

    fields: dict[str, str] = field(default_factory=dict)  # target slot -> input field name
    _used: Counter[str] = field(default_factory=Counter, repr=False)

    @classmethod
    def parse(cls, specs: Iterable[str]) -> FieldMap:
        """A mapping from `SLOT=FIELD` specs (also comma- or line-separated in one string)."""
        mapping: dict[str, str] = {}
        for spec in (s.strip() for chunk in specs for s in chunk.replace("\n", ",").split(",")):
            if not spec:
                continue
            target, sep, source = (part.strip() for part in spec.partition("="))
            target = SYNONYMS.get(target.lower(), target.lower())
            if not sep or not source or target not in TARGETS:
                raise InputError(
                    f"field mapping {spec!r}: expected SLOT=FIELD with SLOT one of "
                    f"{', '.join(TARGETS)} (e.g. published=date_extracted)"
                )
            if mapping.get(target, source) != source:
                raise InputError(f"field mapping: {target} is mapped twice ({mapping[target]!r} and {source!r})")
            mapping[target] = source
        return cls(mapping)

    def slots(self, record: dict[str, Any]) -> dict[str, str]:
        """The slots the record's mapped fields fill (they win over the built-in field names)."""
        found: dict[str, str] = {}
        for target, source in self.fields.items():
            value = record.get(source, record.get(source.lower()))
            if isinstance(value, str | int | float) and str(value).strip():
                found[target] = str(value)
                self._used[target] += 1
        return found

    def sources(self, *targets: str) -> set[str]:
        """The input field names mapped to these slots (lowercased, as CSV headers are read)."""
        return {source.lower() for target, source in self.fields.items() if target in targets}

    def add_uses(self, uses: Iterable[FieldUse]) -> None:
        """Count records filled elsewhere (by a copy of this mapping on a cluster's worker)."""
        for use in uses:
            self._used[use.target] += use.records

    def uses(self) -> list[FieldUse]:
        """Each spec with the number of records it filled so far."""
        return [FieldUse(target, source, self._used[target]) for target, source in self.fields.items()]
