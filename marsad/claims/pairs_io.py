"""Reading pairs of statements (CSV `s1,s2[,stance]`) for the stance command."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from marsad.errors import InputError
from marsad.ingest.decode import decode_bytes


def read_pairs(path: str) -> list[tuple[str, str]]:
    """The (s1, s2) pairs of a CSV file with a header row (`-` reads stdin)."""
    raw = sys.stdin.buffer.read() if path == "-" else _read(path)
    text = decode_bytes(raw).text
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    if not {"s1", "s2"} <= fields:
        raise InputError(f"{path}: the CSV header must name columns s1 and s2 (found: {sorted(fields)})")
    pairs = []
    for number, row in enumerate(reader, start=2):
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        if not clean["s1"] or not clean["s2"]:
            raise InputError(f"{path}:line {number}: empty s1 or s2")
        pairs.append((clean["s1"], clean["s2"]))
    return pairs


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
