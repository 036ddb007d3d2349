"""The input cut into partitions that workers read and decode on their own.

- a Parquet file: one partition per row group;
- a JSON Lines file (`.jsonl`, `.ndjson`, `.jsonlines`, gzipped or not): chunks
  of `LINES_PER_PARTITION` lines, read as bytes here within the streaming limits
  and parsed on a worker with their own line numbers (the error lines name the
  same lines as a local ingest);
- any other file or a directory (with its `meta.json` sidecars): one partition,
  read by `ingest.sources.read_inputs` on a worker (a WARC file is one partition);
- stdin: read here.
Items come back in input order, exactly those a local ingest reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from marsad.ingest import formats
from marsad.ingest.fields import FieldMap, FieldUse
from marsad.ingest.formats import Item
from marsad.ingest.sources import STDIN, Metadata, read_inputs, within_line_limit
from marsad.ingest.streams import Gunzipped, NumberedLine, numbered_lines
from marsad.records import Problem, RawDocument

LINES_PER_PARTITION = 500
_LINE_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class Partition:
    """A piece of the input that one task reads: a whole input, some lines of a file, or a row group."""

    path: str
    defaults: Metadata
    fields: FieldMap | None  # a copy: the records each spec fills come back with the items
    row_group: int | None = None
    lines: tuple[NumberedLine | Problem, ...] | None = None  # some numbered lines of a JSON Lines file


def plan(
    paths: Sequence[str], defaults: Metadata | None = None, fields: FieldMap | None = None
) -> Iterator[Partition | list[Item]]:
    """The partitions of the inputs in order (items already read here, for stdin)."""
    defaults = defaults or Metadata()
    for name in paths:
        path = Path(name)
        lowered = name.lower()
        if name == STDIN:
            yield list(read_inputs([name], defaults, fields))
        elif path.is_file() and lowered.endswith(_PARQUET_SUFFIXES):
            from marsad.ingest.parquet import row_groups  # pyarrow loads only for Parquet input

            count = row_groups(name)
            yield from (Partition(name, defaults, fields, row_group=i) for i in range(count)) if count else [
                Partition(name, defaults, fields)
            ]
        elif path.is_file() and lowered.removesuffix(".gz").endswith(_LINE_SUFFIXES):
            yield from _line_partitions(str(path), defaults, fields)
        else:
            yield Partition(name, defaults, fields)


def read_partition(partition: Partition) -> tuple[list[Item], list[FieldUse]]:
    """The items of one partition (run on a worker), and the records each field spec filled in it."""
    fields = partition.fields
    if partition.row_group is not None:
        from marsad.ingest.parquet import read_row_group

        items = _filled(read_row_group(partition.path, partition.row_group, None, fields), partition.defaults)
    elif partition.lines is not None:
        read = (within_line_limit(item) for item in formats.read_jsonl(partition.path, partition.lines, fields))
        items = _filled(read, partition.defaults)
    else:
        items = list(read_inputs([partition.path], partition.defaults, fields))
    return items, fields.uses() if fields else []


def _line_partitions(name: str, defaults: Metadata, fields: FieldMap | None) -> Iterator[Partition]:
    try:
        stream = open(name, "rb")  # noqa: SIM115  (closed below, after the last partition)
    except OSError:  # reading it on a worker reports why
        yield Partition(name, defaults, fields)
        return
    with stream:
        compressed = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        lines = numbered_lines(name, Gunzipped(stream).read if compressed else stream.read)
        while part := tuple(islice(lines, LINES_PER_PARTITION)):
            yield Partition(name, defaults, fields, lines=part)


def _filled(items: Iterable[Item], defaults: Metadata) -> list[Item]:
    return [defaults.fill(item) if isinstance(item, RawDocument) else item for item in items]

