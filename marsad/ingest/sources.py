"""Walk the inputs a user names (files, directories, `-` for stdin) and read each one.

The format of a file comes from its name (`.jsonl`, `.csv`, `.html`, `.warc`,
any of them `.gz`) or, when the name says nothing, from its first bytes.
A directory may hold a `meta.json` sidecar mapping file names to metadata
(`outlet`, `published`, `language`, `url`, `title`, `author`).
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from marsad.ingest import formats
from marsad.ingest.fields import FieldMap
from marsad.ingest.formats import Item
from marsad.records import Origin, Problem, RawDocument

SIDECAR_NAME = "meta.json"
STDIN = "-"
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Metadata:
    """Metadata given for documents that lack it (command-line options, sidecars)."""

    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None

    def fill(self, doc: RawDocument) -> RawDocument:
        """Return `doc` with every empty metadata slot filled from this metadata."""
        return replace(
            doc,
            outlet=doc.outlet or self.outlet,
            published=doc.published or self.published,
            language=doc.language or self.language,
            url=doc.url or self.url,
            title=doc.title or self.title,
            author=doc.author or self.author,
        )


def read_inputs(
    paths: Sequence[str], defaults: Metadata | None = None, fields: FieldMap | None = None
) -> Iterator[Item]:
    """Every document (or problem) in `paths`, in a stable order; `fields` maps record fields to slots."""
    defaults = defaults or Metadata()
    for name in paths:
        if name == STDIN:
            yield from _with_metadata(_read_stream("<stdin>", sys.stdin.buffer, fields), defaults)
            continue
        path = Path(name)
        if path.is_dir():
            yield from _read_directory(path, defaults, fields)
        elif path.is_file():
            yield from _with_metadata(read_file(path, fields), defaults)
        else:
            yield Problem(Origin(name), "no such file or directory")


def _read_directory(root: Path, defaults: Metadata, fields: FieldMap | None) -> Iterator[Item]:
    sidecars: dict[Path, dict[str, Metadata]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if path.name == SIDECAR_NAME:
            continue
        if path.parent not in sidecars:
            sidecars[path.parent], problem = _load_sidecar(path.parent / SIDECAR_NAME)
            if problem:
                yield problem
        meta = sidecars[path.parent].get(path.name, Metadata())
        yield from _with_metadata(_with_metadata(read_file(path, fields), meta), defaults)


def _load_sidecar(path: Path) -> tuple[dict[str, Metadata], Problem | None]:
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict):
            raise ValueError("expected an object mapping file names to metadata")
        fields = Metadata.__dataclass_fields__
        entries = {
            name: Metadata(**{k: str(v) for k, v in value.items() if k in fields})
            for name, value in data.items()
            if not name.startswith("_") and isinstance(value, dict)
        }
    except (ValueError, UnicodeDecodeError) as exc:
        return {}, Problem(Origin(str(path)), f"metadata sidecar ignored: {exc}")
    return entries, None


def _with_metadata(items: Iterator[Item], meta: Metadata) -> Iterator[Item]:
    for item in items:
        yield meta.fill(item) if isinstance(item, RawDocument) else item


def read_file(path: Path, fields: FieldMap | None = None) -> Iterator[Item]:
    """Every document in one file, whatever its format."""
    try:
        with path.open("rb") as stream:
            yield from _read_stream(str(path), stream, fields)
    except OSError as exc:
        yield Problem(Origin(str(path)), f"cannot read file ({exc.strerror or exc})")


def _read_stream(name: str, stream: BinaryIO, fields: FieldMap | None = None) -> Iterator[Item]:
    lowered = name.lower()
    kind = _kind_from_name(lowered.removesuffix(".gz"))
    buffered: io.BufferedReader[Any] = io.BufferedReader(stream)
    head = buffered.peek(64)[:64]
    compressed = lowered.endswith(".gz") or head.startswith(_GZIP_MAGIC)
    if kind == "warc" or (kind is None and _is_warc(head, compressed, buffered)):
        yield from formats.read_warc(name, buffered)
        return
    if kind == "jsonl" and not lowered.removesuffix(".gz").endswith(".json"):
        lines = formats.gunzip_lines(name, buffered) if compressed else iter(buffered)
        yield from formats.read_jsonl(name, lines, fields)
        return
    raw_or_problem = _read_all(name, buffered, compressed)
    if isinstance(raw_or_problem, Problem):
        yield raw_or_problem
        return
    raw = raw_or_problem
    kind = kind or _kind_from_content(raw)
    origin = Origin(name)
    if kind == "csv":
        yield from formats.read_csv(name, raw, fields)
    elif kind == "html":
        yield from formats.read_html(origin, raw)
    elif kind == "jsonl" and raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        yield from formats.read_json_array(name, raw, fields)
    elif kind == "jsonl":
        yield from formats.read_jsonl(name, io.BytesIO(raw), fields)
    else:
        yield from formats.read_text(origin, raw)


def _read_all(name: str, stream: io.BufferedReader[Any], compressed: bool) -> bytes | Problem:
    limit = formats.MAX_DOCUMENT_BYTES * 4  # a CSV may hold several articles
    try:
        source: BinaryIO = gzip.GzipFile(fileobj=stream) if compressed else stream  # type: ignore[assignment]
        data = source.read(limit + 1)
    except (EOFError, OSError) as exc:
        return Problem(Origin(name), f"truncated or corrupt gzip ({exc})")
    if len(data) > limit:
        return Problem(
            Origin(name),
            f"too large to read as one document (> {limit // 1024 // 1024} MB); "
            "split it into articles (JSON Lines)",
        )
    return data


def _kind_from_name(name: str) -> str | None:
    for suffixes, kind in (
        ((".jsonl", ".ndjson", ".jsonlines"), "jsonl"),
        ((".csv", ".tsv"), "csv"),
        ((".html", ".htm", ".xhtml", ".shtml"), "html"),
        ((".warc", ".arc"), "warc"),
        ((".txt", ".text", ".md"), "text"),
    ):
        if name.endswith(suffixes):
            return kind
    if name.endswith(".json"):
        return "jsonl"
    return None


def _is_warc(head: bytes, compressed: bool, stream: io.BufferedReader[Any]) -> bool:
    if compressed:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(stream.peek(4096))[:16]
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def _kind_from_content(raw: bytes) -> str:
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "jsonl"
    if head[:1] == b"<" and b"<" in head[1:]:
        return "html"
    return "text"
