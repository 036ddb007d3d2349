"""Reading pairs of statements (CSV `s1,s2[,stance]`) for the stance command."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from marsad.errors import InputError
from marsad.ingest.decode import decode_bytes
from marsad.ingest.limits import MAX_WHOLE_FILE_BYTES, megabytes
from marsad.ingest.streams import read_at_most


def read_pairs(path: str) -> list[tuple[str, str]]:
    """The (s1, s2) pairs of a CSV file with a header row (`-` reads stdin)."""
    text = decode_bytes(read_limited(path)).text
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fields = {f.strip().lower() for f in reader.fieldnames or []}
        if not {"s1", "s2"} <= fields:
            raise InputError(f"{path}: the CSV header must name columns s1 and s2 (found: {sorted(fields)})")
        pairs = []
        for number, row in enumerate(reader, start=2):
            clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            if not clean["s1"] or not clean["s2"]:
                raise InputError(f"{path}:line {number}: empty s1 or s2")
            pairs.append((clean["s1"], clean["s2"]))
    except csv.Error as exc:
        raise InputError(f"{path}:line {reader.line_num + 1}: malformed CSV ({exc})") from exc
    return pairs


def read_limited(path: str) -> bytes:
    """The bytes of a file read whole (`-` for stdin), at most `MAX_WHOLE_FILE_BYTES`; `InputError` otherwise."""
    try:
        if path == "-":
            raw = read_at_most(sys.stdin.buffer.read, MAX_WHOLE_FILE_BYTES + 1)
        else:
            with Path(path).open("rb") as stream:
                raw = read_at_most(stream.read, MAX_WHOLE_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_WHOLE_FILE_BYTES:
        raise InputError(f"{path}: over {megabytes(MAX_WHOLE_FILE_BYTES)}, the limit for a file read whole; split it")
    return raw
