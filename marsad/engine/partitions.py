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
    row_group: int | None = None
    lines: tuple[NumberedLine | Problem, ...] | None = None  # some numbered lines of a JSON Lines file


def plan(paths: Sequence[str], defaults: Metadata | None = None) -> Iterator[Partition | list[Item]]:
    """The partitions of the inputs in order (items already read here, for stdin)."""
    defaults = defaults or Metadata()
    for name in paths:
        path = Path(name)
        lowered = name.lower()
        if name == STDIN:
            yield list(read_inputs([name], defaults))
        elif path.is_file() and lowered.endswith(_PARQUET_SUFFIXES):
            from marsad.ingest.parquet import row_groups  # pyarrow loads only for Parquet input

            count = row_groups(name)
            yield from (Partition(name, defaults, row_group=i) for i in range(count)) if count else [
                Partition(name, defaults)
            ]
        elif path.is_file() and lowered.removesuffix(".gz").endswith(_LINE_SUFFIXES):
            yield from _line_partitions(str(path), defaults)
        else:
            yield Partition(name, defaults)


def read_partition(partition: Partition) -> list[Item]:
    """The items of one partition (run on a worker)."""
    if partition.row_group is not None:
        from marsad.ingest.parquet import read_row_group

        return _filled(read_row_group(partition.path, partition.row_group), partition.defaults)
    if partition.lines is not None:
        items = (within_line_limit(item) for item in formats.read_jsonl(partition.path, partition.lines))
        return _filled(items, partition.defaults)
    return list(read_inputs([partition.path], partition.defaults))


def _line_partitions(name: str, defaults: Metadata) -> Iterator[Partition]:
    try:
        stream = open(name, "rb")  # noqa: SIM115  (closed below, after the last partition)
    except OSError:  # reading it on a worker reports why
        yield Partition(name, defaults)
        return
    with stream:
        compressed = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        lines = numbered_lines(name, Gunzipped(stream).read if compressed else stream.read)
        while part := tuple(islice(lines, LINES_PER_PARTITION)):
            yield Partition(name, defaults, lines=part)


def _filled(items: Iterable[Item], defaults: Metadata) -> list[Item]:
    return [defaults.fill(item) if isinstance(item, RawDocument) else item for item in items]

