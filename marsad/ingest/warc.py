"""WARC and WARC.gz: every HTML `response` (or `resource`) record is one page.

warcio stops without a word at a record cut short, so each record's length is
checked and so are bytes left after the last whole record: a truncated archive
ends with one `Problem`. A record the crawler cut (`WARC-Truncated`, or an HTTP
body shorter than its `Content-Length`) is one `Problem`, not a truncated article.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from marsad.ingest.limits import MAX_DOCUMENT_BYTES, megabytes
from marsad.records import Origin, Problem, RawDocument

Item = RawDocument | Problem
ReadHtml = Callable[[Origin, bytes, str | None], Iterator[Item]]
_DRAIN_BYTES = 1 << 16


def read_warc(path: str, stream: io.BufferedIOBase, read_html: ReadHtml) -> Iterator[Item]:
    """Every page of the archive, read with `read_html`; a problem per bad record, one for a cut archive."""
    count = 0
    records = ArchiveIterator(stream)
    try:
        for record in records:
            if record.rec_type is None or record.length is None:
                raise EOFError("record header cut short (no WARC-Type or Content-Length)")
            wanted = record.rec_type in ("response", "resource")
            payload = record.content_stream().read(MAX_DOCUMENT_BYTES + 1) if wanted else b""
            missing = _unread_bytes(record)
            if missing:
                raise EOFError(f"record cut short, {missing} bytes missing")
            if not wanted:
                continue
            count += 1
            origin = Origin(path, record.rec_headers.get_header("WARC-Record-ID") or f"record {count}")
            problem = _cut_or_too_large(record, payload)
            if problem:
                yield Problem(origin, problem)
            elif _is_html(record, payload):
                yield from read_html(origin, payload, record.rec_headers.get_header("WARC-Target-URI"))
        left = records.fh.tell() - records.offset
        if left > 0:
            raise EOFError(f"{left} bytes after the last whole record")
    except Exception as exc:  # warcio raises many types (even AttributeError) on a cut archive
        yield Problem(
            Origin(path, f"after record {count}"),
            f"truncated or corrupt WARC ({type(exc).__name__}: {exc}); {count} records read",
        )


def _cut_or_too_large(record: Any, payload: bytes) -> str | None:
    """Why a page record cannot be read as a whole article, or None."""
    if len(payload) > MAX_DOCUMENT_BYTES:
        return (f"record too large for one article (over {megabytes(MAX_DOCUMENT_BYTES)}); "
                "skipped")
    truncated = record.rec_headers.get_header("WARC-Truncated")
    if truncated:
        return f"record truncated by the crawler (WARC-Truncated: {truncated}); not stored as a partial article"
    headers = record.http_headers
    if headers is None or headers.get_header("Transfer-Encoding") or headers.get_header("Content-Encoding"):
        return None
    declared = headers.get_header("Content-Length") or ""
    if declared.isdigit() and int(declared) > len(payload):
        return (f"record cut short: the page has {len(payload)} of its {declared} bytes "
                "(HTTP Content-Length); not stored as a partial article")
    return None


def _is_html(record: Any, payload: bytes) -> bool:
    content_type = (
        record.http_headers.get_header("Content-Type", "") if record.http_headers
        else record.rec_headers.get_header("Content-Type", "")
    ) or ""
    return "html" in content_type.lower() or payload.lstrip()[:1] == b"<"


def _unread_bytes(record: Any) -> int:
    """Bytes a WARC record's Content-Length promised that the file does not hold."""
    while record.raw_stream.read(_DRAIN_BYTES):
        pass
    return int(getattr(record.raw_stream, "limit", 0))  # warcio's LimitReader counts down
