"""Reading byte streams within the limits: gzip that cannot explode, lines of bounded length.

Nothing here holds more than one chunk, one line (at most `MAX_LINE_BYTES`) or one
whole-file read (at most `MAX_WHOLE_FILE_BYTES`) in memory, whatever the input.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from marsad.errors import InputError
from marsad.ingest.limits import (
    COMPRESSION_ALLOWANCE_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_LINE_BYTES,
    megabytes,
)
from marsad.records import Origin, Problem

CHUNK_BYTES = 1 << 20
# What reading a corrupt gzip stream raises.
GZIP_ERRORS = (EOFError, OSError, zlib.error)

Read = Callable[[int], bytes]
NumberedLine = tuple[int, bytes]


class _Counting(io.RawIOBase):
    """A binary stream that counts the bytes read from it (the compressed side of a gzip stream)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # typeshed's Buffer
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


class Gunzipped:
    """The decompressed bytes of a gzip stream; more than `MAX_COMPRESSION_RATIO` times the
    compressed bytes read so far (plus an allowance) raises `InputError`: a gzip bomb."""

    def __init__(self, stream: BinaryIO) -> None:
        self._compressed = _Counting(stream)
        self._gzip = gzip.GzipFile(fileobj=self._compressed)
        self.produced = 0

    def read(self, size: int) -> bytes:
        """Up to `size` bytes (b"" at the end); what came before a corrupt part is returned first."""
        data = self._gzip.read1(size)
        self.produced += len(data)
        compressed = self._compressed.count
        if self.produced > COMPRESSION_ALLOWANCE_BYTES + MAX_COMPRESSION_RATIO * compressed:
            raise InputError(
                f"gzip bomb: expands more than {MAX_COMPRESSION_RATIO} times, the limit "
                f"({compressed:,} compressed bytes to over {megabytes(self.produced)}); the rest is not read"
            )
        return data


def read_at_most(read: Read, limit: int) -> bytes:
    """Up to `limit` bytes of a stream (fewer at its end), read in chunks."""
    parts: list[bytes] = []
    size = 0
    while size < limit and (chunk := read(min(CHUNK_BYTES, limit - size))):
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def numbered_lines(name: str, read: Read) -> Iterator[NumberedLine | Problem]:
    """The non-blank lines of a stream with their numbers (from 1), without their newline.

    A line longer than `MAX_LINE_BYTES` is one `Problem` and is skipped without being
    held whole; a corrupt gzip stream or a gzip bomb ends the lines with a `Problem`.
    """
    lines = _LineSplitter(name)
    try:
        while chunk := read(CHUNK_BYTES):
            yield from lines.feed(chunk)
        yield from lines.finish()
    except InputError as exc:
        yield Problem(Origin(name, f"line {lines.number + 1}"), str(exc))
    except GZIP_ERRORS as exc:
        yield Problem(
            Origin(name, f"line {lines.number + 1}"),
            f"truncated or corrupt gzip ({exc}); the {lines.number} lines before it were read",
        )


class _LineSplitter:
    """Cuts chunks into numbered lines, dropping blank ones and skipping the too long."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.number = 0  # lines completed so far
        self._pending: list[bytes] = []  # pieces of the line being read
        self._size = 0
        self._skipping = False  # the line being read is over the limit: said when it ends

    def feed(self, chunk: bytes) -> Iterator[NumberedLine | Problem]:
        last = chunk.rfind(b"\n")
        if last >= 0 and self._size == 0 and not self._skipping and not chunk.strip():
            self.number += chunk.count(b"\n")  # a run of blank lines, counted at C speed
            self._add(chunk[last + 1 :])
            return
        pieces = chunk.split(b"\n")
        for piece in pieces[:-1]:
            self._add(piece)
            yield from self._end_line()
        self._add(pieces[-1])

    def finish(self) -> Iterator[NumberedLine | Problem]:
        if self._size or self._skipping:
            yield from self._end_line()

    def _add(self, piece: bytes) -> None:
        self._size += len(piece)
        if self._skipping or not piece:
            return
        if self._size <= MAX_LINE_BYTES:
            self._pending.append(piece)
        else:
            self._pending, self._skipping = [], True

    def _end_line(self) -> Iterator[NumberedLine | Problem]:
        self.number += 1
        line = b"".join(self._pending)
        if self._skipping:
            yield Problem(
                Origin(self.name, f"line {self.number}"),
                f"line longer than {megabytes(MAX_LINE_BYTES)}, the limit for one record "
                f"({megabytes(self._size)}); skipped",
            )
        elif line.strip():
            yield self.number, line
        self._pending, self._size, self._skipping = [], 0, False
