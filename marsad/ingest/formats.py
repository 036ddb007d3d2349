"""Readers for each input format. Each yields `RawDocument`s and `Problem`s, never raises.

A reader keeps the exact bytes of every record it reads (`RawDocument.raw`), so
any later result traces back to them.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from marsad.errors import InputError
from marsad.ingest.decode import decode_bytes
from marsad.ingest.fields import FieldMap
from marsad.ingest.html import extract_html, looks_like_html
from marsad.records import Origin, Problem, RawDocument

# A single article larger than this is not an article (a dump, a log, a binary).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

Item = RawDocument | Problem

# Record fields understood in JSON Lines and CSV input, by the slot they fill.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body"),
    "html": ("html", "raw_html"),
    "url": ("url", "link"),
    "outlet": ("source", "outlet", "site", "sitename"),
    "title": ("title", "headline"),
    "published": ("published", "date", "published_at", "pubdate"),
    "author": ("author", "byline"),
    "language": ("language", "lang"),
}
_KNOWN_FIELDS = {name for names in FIELD_ALIASES.values() for name in names}


def read_text(origin: Origin, raw: bytes) -> Iterator[Item]:
    """A plain-text article (or an HTML page, if the text turns out to be one)."""
    try:
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise InputError(_too_large(len(raw)))
        decoded = decode_bytes(raw)
        if looks_like_html(decoded.text):
            yield _html_document(origin, raw, decoded.text, decoded.encoding, list(decoded.notes))
            return
        yield RawDocument(
            origin=origin, raw=raw, text=decoded.text, encoding=decoded.encoding,
            notes=list(decoded.notes),
        )
    except InputError as exc:
        yield Problem(origin, str(exc))


def read_html(origin: Origin, raw: bytes, url: str | None = None) -> Iterator[Item]:
    """One HTML page: main text and metadata extracted with trafilatura."""
    try:
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise InputError(_too_large(len(raw)))
        decoded = decode_bytes(raw)
        yield _html_document(origin, raw, decoded.text, decoded.encoding, list(decoded.notes), url)
    except InputError as exc:
        yield Problem(origin, str(exc))


def _html_document(
    origin: Origin, raw: bytes, html: str, encoding: str, notes: list[str], url: str | None = None
) -> RawDocument:
    page = extract_html(html, url)
    return RawDocument(
        origin=origin, raw=raw, text=page.text, encoding=encoding, html=html, title=page.title,
        url=page.url, outlet=page.outlet, published=page.published, author=page.author,
        language=page.language, notes=notes,
    )


def read_jsonl(path: str, lines: Iterable[bytes | Problem], fields: FieldMap | None = None) -> Iterator[Item]:
    """JSON Lines: one article object per line (`text` or `html`, plus metadata; `fields` maps others)."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, Problem):
            yield line
            continue
        if not line.strip():
            continue
        origin = Origin(path, f"line {number}")
        try:
            if len(line) > MAX_DOCUMENT_BYTES:
                raise InputError(_too_large(len(line)))
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise InputError(f"invalid JSON ({exc})") from exc
            if not isinstance(record, dict):
                raise InputError(f"expected a JSON object, got {type(record).__name__}")
            yield from _record_document(origin, line.rstrip(b"\r\n"), record, fields)
        except InputError as exc:
            yield Problem(origin, str(exc))


def read_json_array(path: str, raw: bytes, fields: FieldMap | None = None) -> Iterator[Item]:
    """A JSON file holding an array of article objects."""
    try:
        records = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield Problem(Origin(path), f"invalid JSON ({exc})")
        return
    for number, record in enumerate(records, start=1):
        origin = Origin(path, f"item {number}")
        if not isinstance(record, dict):
            yield Problem(origin, f"expected a JSON object, got {type(record).__name__}")
            continue
        try:
            item_raw = json.dumps(record, ensure_ascii=False).encode()
            yield from _record_document(origin, item_raw, record, fields)
        except InputError as exc:
            yield Problem(origin, str(exc))


def read_csv(path: str, raw: bytes, fields: FieldMap | None = None) -> Iterator[Item]:
    """CSV with a header row: columns `text` or `html`, plus metadata columns (`fields` maps others)."""
    try:
        decoded = decode_bytes(raw)
    except InputError as exc:
        yield Problem(Origin(path), str(exc))
        return
    csv.field_size_limit(MAX_DOCUMENT_BYTES)
    consumed: list[str] = []
    line_number = 1

    def tracked(lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.DictReader(tracked(io.StringIO(decoded.text, newline="")))
    try:
        text_columns = {"text", "html", "content", "body", "raw_html"} | (fields or FieldMap()).sources("text", "html")
        if not text_columns & {f.strip().lower() for f in reader.fieldnames or []}:
            yield Problem(Origin(path, "line 1"), "CSV header has no `text` or `html` column")
            return
        consumed.clear()
        for row in reader:
            line_number += 1
            origin = Origin(path, f"line {line_number}")
            raw_row = "".join(consumed).encode(decoded.encoding, errors="replace")
            line_number += max(0, len(consumed) - 1)
            consumed.clear()
            clean = {k.strip().lower(): v for k, v in row.items() if isinstance(k, str)}
            try:
                yield from _record_document(origin, raw_row, clean, fields)
            except InputError as exc:
                yield Problem(origin, str(exc))
    except csv.Error as exc:
        yield Problem(Origin(path, f"line {line_number + 1}"), f"malformed CSV ({exc})")


def _record_document(
    origin: Origin, raw: bytes, record: dict[str, Any], fields: FieldMap | None = None
) -> Iterator[RawDocument]:
    slots = {slot: _first(record, names) for slot, names in FIELD_ALIASES.items()}
    mapped = fields.slots(record) if fields else {}
    slots.update(mapped)
    extra = {
        k: str(v) for k, v in record.items()
        if k not in _KNOWN_FIELDS and isinstance(v, str | int | float) and str(v).strip()
    }
    if "id" in mapped:
        extra["id"] = mapped["id"]
    if slots["text"]:
        text = slots["text"]
        html: str | None = None
        page = None
    elif slots["html"]:
        html = slots["html"]
        page = extract_html(html, slots["url"])
        text = page.text
    else:
        mapped_text = sorted((fields or FieldMap()).sources("text", "html"))
        also = f" (nor {', '.join(f'`{m}`' for m in mapped_text)}, mapped to them)" if mapped_text else ""
        raise InputError(f"record has no `text` or `html` field{also}")
    yield RawDocument(
        origin=origin, raw=raw, text=text, html=html,
        title=slots["title"] or (page.title if page else None),
        url=slots["url"] or (page.url if page else None),
        outlet=slots["outlet"] or (page.outlet if page else None),
        published=slots["published"] or (page.published if page else None),
        author=slots["author"] or (page.author if page else None),
        language=slots["language"], extra=extra,
    )


def _first(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value)
    return None


def read_warc(path: str, stream: io.BufferedIOBase) -> Iterator[Item]:
    """WARC or WARC.gz: every HTML `response` (or `resource`) record is one page.

    warcio stops without a word at a record cut short, so each record's length
    is checked and so are bytes left after the last whole record: a truncated
    archive ends with one `Problem`.
    """
    count = 0
    records = ArchiveIterator(stream)
    try:
        for record in records:
            if record.rec_type is None or record.length is None:
                raise EOFError("record header cut short (no WARC-Type or Content-Length)")
            wanted = record.rec_type in ("response", "resource")
            payload = record.content_stream().read() if wanted else b""
            missing = _unread_bytes(record)
            if missing:
                raise EOFError(f"record cut short, {missing} bytes missing")
            if not wanted:
                continue
            count += 1
            record_id = record.rec_headers.get_header("WARC-Record-ID") or f"record {count}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            content_type = (
                record.http_headers.get_header("Content-Type", "") if record.http_headers
                else record.rec_headers.get_header("Content-Type", "")
            ) or ""
            if "html" not in content_type.lower() and payload.lstrip()[:1] != b"<":
                continue
            yield from read_html(Origin(path, record_id), payload, url)
        left = records.fh.tell() - records.offset
        if left > 0:
            raise EOFError(f"{left} bytes after the last whole record")
    except Exception as exc:  # warcio raises many types (even AttributeError) on a cut archive
        yield Problem(
            Origin(path, f"after record {count}"),
            f"truncated or corrupt WARC ({type(exc).__name__}: {exc}); {count} records read",
        )


def _unread_bytes(record: Any) -> int:
    """Bytes a WARC record's Content-Length promised that the file does not hold."""
    while record.raw_stream.read(1 << 16):
        pass
    return int(getattr(record.raw_stream, "limit", 0))  # warcio's LimitReader counts down


def gunzip_lines(path: str, raw_stream: io.BufferedIOBase) -> Iterator[bytes | Problem]:
    """Lines of a gzip stream; a truncated or corrupt stream ends with a `Problem`."""
    count = 0
    try:
        with gzip.GzipFile(fileobj=raw_stream) as stream:
            for line in stream:
                count += 1
                yield line
    except (EOFError, OSError, zlib.error) as exc:
        yield Problem(
            Origin(path, f"line {count + 1}"),
            f"truncated or corrupt gzip ({exc}); the {count} lines before it were read",
        )


def _too_large(size: int) -> str:
    return (
        f"too large for one article ({size / 1024 / 1024:.1f} MB > "
        f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB); split it into articles (JSON Lines)"
    )
