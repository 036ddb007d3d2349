"""Readers for each input format. Each yields `RawDocument`s and `Problem`s, never raises.

A reader keeps the exact bytes of every record it reads (`RawDocument.raw`), so
any later result traces back to them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from marsad.errors import InputError
from marsad.ingest import warc
from marsad.ingest.decode import Decoded, decode_bytes
from marsad.ingest.fields import FieldMap
from marsad.ingest.html import extract_html, looks_like_html
from marsad.ingest.jsonio import JsonRecord, array_items, parse_record
from marsad.ingest.limits import MAX_DOCUMENT_BYTES, megabytes
from marsad.ingest.sniff import PDF_PROBLEM, looks_like_pdf
from marsad.ingest.streams import NumberedLine
from marsad.records import Origin, Problem, RawDocument

__all__ = ["MAX_DOCUMENT_BYTES", "Item", "read_csv", "read_html", "read_json_array", "read_jsonl", "read_text",
           "read_warc"]

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
        if looks_like_pdf(raw):
            raise InputError(PDF_PROBLEM)
        decoded = decode_bytes(raw)
        if looks_like_html(decoded.text):
            yield _html_document(origin, raw, decoded)
            return
        yield RawDocument(
            origin=origin, raw=raw, text=decoded.text, encoding=decoded.encoding,
            notes=list(decoded.notes), warnings=list(decoded.warnings),
        )
    except InputError as exc:
        yield Problem(origin, str(exc))


def read_html(origin: Origin, raw: bytes, url: str | None = None) -> Iterator[Item]:
    """One HTML page: main text and metadata extracted with trafilatura."""
    try:
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise InputError(_too_large(len(raw)))
        decoded = decode_bytes(raw)
        yield _html_document(origin, raw, decoded, url)
    except InputError as exc:
        yield Problem(origin, str(exc))


def _html_document(origin: Origin, raw: bytes, decoded: Decoded, url: str | None = None) -> RawDocument:
    page = extract_html(decoded.text, url)
    return RawDocument(
        origin=origin, raw=raw, text=page.text, encoding=decoded.encoding, html=decoded.text, title=page.title,
        url=page.url, outlet=page.outlet, published=page.published, author=page.author,
        language=page.language, notes=list(decoded.notes), warnings=list(decoded.warnings),
    )


def read_jsonl(path: str, lines: Iterable[NumberedLine | Problem], fields: FieldMap | None = None) -> Iterator[Item]:
    """JSON Lines: one article object per line (`text` or `html`, plus metadata; `fields` maps others), each
    line decoded on its own. `lines` come from `streams.numbered_lines`, which keeps each within `MAX_LINE_BYTES`."""
    for line in lines:
        if isinstance(line, Problem):
            yield line
            continue
        number, data = line
        origin = Origin(path, f"line {number}")
        try:
            yield from _json_document(origin, parse_record(data.rstrip(b"\r")), fields)
        except InputError as exc:
            yield Problem(origin, str(exc))


def read_json_array(path: str, raw: bytes, fields: FieldMap | None = None) -> Iterator[Item]:
    """A JSON file holding an array of article objects; each keeps its own bytes of the file."""
    for number, item in enumerate(array_items(raw), start=1):
        origin = Origin(path, f"item {number}")
        try:
            if isinstance(item, InputError):
                raise item
            yield from _json_document(origin, item, fields)
        except InputError as exc:
            yield Problem(origin, str(exc))


def _json_document(origin: Origin, record: JsonRecord, fields: FieldMap | None) -> Iterator[RawDocument]:
    if not isinstance(record.value, dict):
        raise InputError(f"expected a JSON object, got {type(record.value).__name__}")
    for doc in _record_document(origin, record.raw, record.value, fields):
        doc.encoding = record.encoding
        doc.warnings = list(record.warnings)
        doc.notes = [*doc.notes, *record.warnings]
        yield doc


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
    warnings = list(decoded.warnings)  # told once, with the first row
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
                for doc in _record_document(origin, raw_row, clean, fields):
                    doc.encoding, doc.notes, doc.warnings = decoded.encoding, list(decoded.notes), warnings
                    warnings = []
                    yield doc
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
    """WARC or WARC.gz: every HTML `response` (or `resource`) record is one page (see `marsad.ingest.warc`)."""
    return warc.read_warc(path, stream, read_html)


def _too_large(size: int) -> str:
    return (
        f"too large for one article ({size / 1024 / 1024:.1f} MB > "
        f"{megabytes(MAX_DOCUMENT_BYTES)}); split it into articles (JSON Lines)"
    )
