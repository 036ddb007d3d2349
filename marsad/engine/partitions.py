"""The input cut into partitions that workers read and decode on their own.

- a Parquet file: one partition per row group;
- a JSON Lines file (`.jsonl`, `.ndjson`, `.jsonlines`, gzipped or not): chunks
  of `LINES_PER_PARTITION` lines, read as bytes here and parsed on a worker with
  their own line numbers (the error lines name the same lines as a local ingest);
- any other file or a directory (with its `meta.json` sidecars): one partition,
  read by `ingest.sources.read_inputs` on a worker (a WARC file is one partition);
- stdin: read here.
Items come back in input order, exactly those a local ingest reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from pathlib import Path

from marsad.ingest import formats
from marsad.ingest.formats import Item
from marsad.ingest.sources import STDIN, Metadata, read_inputs
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
    first_line: int = 0  # of `lines`, counted from 1
    lines: tuple[bytes | Problem, ...] = ()


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
    if partition.first_line:
        # blank lines are skipped, so padding numbers this partition's lines as in the whole file
        lines = [*repeat(b"", partition.first_line - 1), *partition.lines]
        return _filled(formats.read_jsonl(partition.path, lines), partition.defaults)
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
        lines = formats.gunzip_lines(name, stream) if compressed else iter(stream)
        first = 1
        while part := tuple(islice(lines, LINES_PER_PARTITION)):
            yield Partition(name, defaults, first_line=first, lines=part)
            first += len(part)


def _filled(items: Iterator[Item], defaults: Metadata) -> list[Item]:
    return [defaults.fill(item) if isinstance(item, RawDocument) else item for item in items]

