"""Parquet input: one article per row, the JSON Lines / CSV field names applied to its columns.

A row has no bytes of its own in a columnar file, so the bytes kept for a row
(`RawDocument.raw`) are its values as one compact JSON object, in column order:
the same row always gives the same bytes, so re-ingesting is idempotent.
Each row group can be read alone: a cluster reads them as partitions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow.parquet as pq

from marsad.errors import InputError
from marsad.ingest.fields import FieldMap
from marsad.ingest.formats import MAX_DOCUMENT_BYTES, Item, _record_document
from marsad.records import Origin, Problem

_UNREADABLE = (OSError, ValueError, TypeError)  # pyarrow's ArrowInvalid and ArrowIOError derive from these


def read_parquet(name: str, source: str | BinaryIO, fields: FieldMap | None = None) -> Iterator[Item]:
    """Every row of a Parquet file (a path, or a seekable binary stream); `fields` maps columns to slots."""
    try:
        groups = pq.ParquetFile(source).num_row_groups
    except _UNREADABLE as exc:
        yield Problem(Origin(name), f"unreadable Parquet file ({type(exc).__name__}: {exc})")
        return
    for index in range(groups):
        yield from read_row_group(name, index, source, fields)


def row_groups(path: str) -> int:
    """How many row groups a Parquet file has (0 when it cannot be read: reading it then says why)."""
    try:
        return int(pq.ParquetFile(path).num_row_groups)
    except _UNREADABLE:
        return 0


def read_row_group(
    name: str, index: int, source: str | BinaryIO | None = None, fields: FieldMap | None = None
) -> Iterator[Item]:
    """The rows of one row group; rows are numbered from 1 across the whole file."""
    try:
        parquet = pq.ParquetFile(source if source is not None else name)
        first = sum(parquet.metadata.row_group(i).num_rows for i in range(index))
        rows = parquet.read_row_group(index).to_pylist()
    except _UNREADABLE as exc:
        yield Problem(Origin(name, f"row group {index + 1}"), f"unreadable Parquet ({type(exc).__name__}: {exc})")
        return
    for number, row in enumerate(rows, start=first + 1):
        origin = Origin(name, f"row {number}")
        record = {str(k): _plain(v) for k, v in row.items()}
        raw = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        try:
            if len(raw) > MAX_DOCUMENT_BYTES:
                raise InputError(f"row too large for one article ({len(raw)} bytes > {MAX_DOCUMENT_BYTES})")
            yield from _record_document(origin, raw, record, fields)
        except InputError as exc:
            yield Problem(origin, str(exc))


def _plain(value: Any) -> Any:
    """A column value as the field mapping reads it: dates and times as ISO 8601 text."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
