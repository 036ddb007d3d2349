"""Walk the inputs a user names (files, directories, `-` for stdin) and read each one.

The format of a file comes from its name (`.jsonl`, `.csv`, `.html`, `.warc`,
any of them `.gz`, or `.parquet`) or, when the name says nothing, from its first bytes.
A directory may hold a `meta.json` sidecar mapping file names to metadata
(`outlet`, `published`, `language`, `url`, `title`, `author`).
"""

from __future__ import annotations

import io
import json
import logging
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from marsad.errors import InputError
from marsad.ingest import formats
from marsad.ingest.fields import FieldMap
from marsad.ingest.formats import Item
from marsad.ingest.limits import (
    MAX_DOCUMENT_LINES,
    MAX_PROBLEMS_PER_FILE,
    MAX_RECORDS_PER_FILE,
    MAX_WHOLE_FILE_BYTES,
    megabytes,
)
from marsad.ingest.streams import GZIP_ERRORS, Gunzipped, numbered_lines, read_at_most
from marsad.ingest.walk import walk_files
from marsad.records import Origin, Problem, RawDocument

log = logging.getLogger(__name__)

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
        elif path.exists():  # a file, or a pipe named on purpose (<(zcat feed.jsonl.gz))
            yield from _with_metadata(read_file(path, fields), defaults)
        elif path.is_symlink():
            yield Problem(Origin(name), "a broken symbolic link")
        else:
            yield Problem(Origin(name), "no such file or directory")


def _read_directory(root: Path, defaults: Metadata, fields: FieldMap | None) -> Iterator[Item]:
    sidecars: dict[Path, dict[str, Metadata]] = {}
    for path in walk_files(root):
        if isinstance(path, Problem):
            yield path
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
    """Every document in one file, whatever its format, within the per-file limits."""
    try:
        with path.open("rb") as stream:
            yield from _read_stream(str(path), stream, fields)
    except OSError as exc:
        yield Problem(Origin(str(path)), f"cannot read file ({exc.strerror or exc})")


def _read_stream(name: str, stream: BinaryIO, fields: FieldMap | None = None) -> Iterator[Item]:
    """The items of one stream, each bad record a problem, stopping at the per-file limits."""
    problems = records = 0
    try:
        for found in _read_items(name, stream, fields):
            item = within_line_limit(found)
            records += 1
            problems += isinstance(item, Problem)
            yield item
            if problems >= MAX_PROBLEMS_PER_FILE:
                yield Problem(Origin(name, _after(item)), f"{problems} bad records, the limit for one file; "
                                                          "the rest of it is not read")
                return
            if records >= MAX_RECORDS_PER_FILE:
                yield Problem(Origin(name, _after(item)), f"more than {MAX_RECORDS_PER_FILE:,} records, the limit "
                                                          "for one file; the rest is not read: split the file")
                return
    except Exception as exc:  # a reader's bug must cost one file, not the batch
        log.info("reading %s failed", name, exc_info=True)
        yield Problem(Origin(name), f"internal error while reading ({type(exc).__name__}: {exc}); "
                                    f"{records} records read before it")


def within_line_limit(item: Item) -> Item:
    """The document, or a problem when its text has more lines than an article can have."""
    if isinstance(item, RawDocument) and (lines := item.text.count("\n") + 1) > MAX_DOCUMENT_LINES:
        return Problem(item.origin, f"more lines than an article has ({lines:,} lines; the limit is "
                                    f"{MAX_DOCUMENT_LINES:,}); split it into articles")
    return item


def _after(item: Item) -> str:
    return f"after {item.origin.locator}" if item.origin.locator else ""


def _read_items(name: str, stream: BinaryIO, fields: FieldMap | None) -> Iterator[Item]:
    lowered = name.lower()
    kind = _kind_from_name(lowered.removesuffix(".gz"))
    buffered: io.BufferedReader[Any] = io.BufferedReader(stream)
    head = buffered.peek(64)[:64]
    compressed = lowered.endswith(".gz") or head.startswith(_GZIP_MAGIC)
    if kind == "warc" or (kind is None and _is_warc(head, compressed, buffered)):
        yield from formats.read_warc(name, buffered)
        return
    if kind == "parquet":
        from marsad.ingest.parquet import read_parquet  # pyarrow loads only for Parquet input

        yield from read_parquet(name, buffered, fields)
        return
    if kind == "jsonl" and not lowered.removesuffix(".gz").endswith(".json"):
        read = Gunzipped(buffered).read if compressed else buffered.read
        yield from formats.read_jsonl(name, numbered_lines(name, read), fields)
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
        yield from formats.read_jsonl(name, numbered_lines(name, io.BytesIO(raw).read), fields)
    else:
        yield from formats.read_text(origin, raw)


def _read_all(name: str, stream: io.BufferedReader[Any], compressed: bool) -> bytes | Problem:
    """A file read whole (CSV, JSON array, text, HTML), at most `MAX_WHOLE_FILE_BYTES` of it."""
    limit = MAX_WHOLE_FILE_BYTES
    try:
        data = read_at_most(Gunzipped(stream).read if compressed else stream.read, limit + 1)
    except InputError as exc:
        return Problem(Origin(name), str(exc))
    except GZIP_ERRORS as exc:
        return Problem(Origin(name), f"truncated or corrupt gzip ({exc})")
    if len(data) > limit:
        return Problem(
            Origin(name),
            f"too large to read as one document (> {megabytes(limit)}); split it into articles (JSON Lines)",
        )
    return data


def _kind_from_name(name: str) -> str | None:
    for suffixes, kind in (
        ((".jsonl", ".ndjson", ".jsonlines"), "jsonl"),
        ((".csv", ".tsv"), "csv"),
        ((".html", ".htm", ".xhtml", ".shtml"), "html"),
        ((".warc", ".arc"), "warc"),
        ((".parquet", ".pq"), "parquet"),
        ((".txt", ".text", ".md"), "text"),
    ):
        if name.endswith(suffixes):
            return kind
    if name.endswith(".json"):
        return "jsonl"
    return None


def _is_warc(head: bytes, compressed: bool, stream: io.BufferedReader[Any]) -> bool:
    """True when the stream (gzipped or not) starts with a WARC header."""
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
