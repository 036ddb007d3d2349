"""What the browser may upload: limits on size, number and type, and safe file names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Limits on one ingest request (files, pasted text and URL list together).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_REQUEST_BYTES = 100 * 1024 * 1024
MAX_FILES = 200
MAX_PASTE_CHARS = 2_000_000
MAX_URLS = 10_000
# The formats `marsad ingest` reads (any of them gzipped); meta.json is the directory sidecar.
ALLOWED_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson", ".csv",
                              ".warc", ".gz"})
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class Rejected:
    """An uploaded file that was not kept, and why."""

    name: str
    reason: str


def check_upload(name: str, size: int) -> str | None:
    """Why an uploaded file cannot be ingested, or None when it can."""
    suffix = Path(name.lower()).suffix
    if suffix not in ALLOWED_SUFFIXES:
        allowed = " ".join(sorted(ALLOWED_SUFFIXES))
        return f"type {suffix or '(no extension)'} is not accepted; upload one of: {allowed}"
    if size > MAX_FILE_BYTES:
        return f"{size} bytes is over the limit of {MAX_FILE_BYTES} bytes per file; split the file"
    if size == 0:
        return "the file is empty"
    return None


def safe_name(name: str, taken: set[str]) -> str:
    """A file name without directories or unsafe characters, unique among `taken`."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip("._") or "upload.txt"
    candidate, n = base, 1
    while candidate in taken:
        stem, dot, suffix = base.partition(".")
        candidate = f"{stem}_{n}{dot}{suffix}"
        n += 1
    taken.add(candidate)
    return candidate
