"""What the browser may upload: limits on size, number and type, and safe file names."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from marsad.ingest.sources import SIDECAR_NAME

# Limits on one ingest request (files, pasted text and URL list together).
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_REQUEST_BYTES = 100 * 1024 * 1024
MAX_FILES = 200
MAX_PASTE_CHARS = 2_000_000
MAX_URLS = 10_000
# A form field (pasted text, URL list) as sent, given to FastAPI's form parser (which refuses more while
# reading): MAX_PASTE_CHARS characters of up to 4 UTF-8 bytes, each up to 3 bytes once URL-encoded.
MAX_FIELD_BYTES = 12 * MAX_PASTE_CHARS
# Saved file names are cut to this many UTF-8 bytes (file systems allow 255), keeping their suffixes.
MAX_NAME_BYTES = 120
# The formats `marsad ingest` reads (any of them gzipped); meta.json is the directory sidecar.
ALLOWED_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson", ".csv",
                              ".warc", ".gz"})
_UNSAFE = re.compile(r"[^\w.\-]+")
_ROOM_FOR_NUMBER = 8  # "_12" added to a name already taken


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
    """A file name without directories or unsafe characters, at most `MAX_NAME_BYTES`, unique among `taken`."""
    base = _shortened(_UNSAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip("._") or "upload.txt")
    candidate, n = base, 1
    while candidate in taken:
        stem, dot, suffix = base.partition(".")
        candidate = f"{stem}_{n}{dot}{suffix}"
        n += 1
    taken.add(candidate)
    return candidate


def _shortened(name: str) -> str:
    """`name` cut to `MAX_NAME_BYTES` UTF-8 bytes in its stem, its suffixes (.jsonl.gz) kept whole."""
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, dot, suffixes = name.partition(".")
    if len(suffixes.encode()) > MAX_NAME_BYTES // 2:  # dots inside a long name, not suffixes
        stem, dot, suffixes = name.rpartition(".")
    room = MAX_NAME_BYTES - _ROOM_FOR_NUMBER - len((dot + suffixes).encode())
    return stem.encode()[:room].decode("utf-8", errors="ignore") + dot + suffixes


def point_sidecar_at_saved_names(folder: Path, saved: list[tuple[str, str]]) -> list[str]:
    """Make an uploaded `meta.json` name the files as they were saved (spaces and the like replaced).

    Returns notes for the job: the names it gives that no uploaded file has. An unreadable
    `meta.json` is left as it is: the ingest reports it.
    """
    sidecar = folder / SIDECAR_NAME
    if (SIDECAR_NAME, SIDECAR_NAME) not in saved:
        return []
    try:
        entries = json.loads(sidecar.read_bytes())
    except ValueError:
        return []
    if not isinstance(entries, dict):
        return []
    renamed: dict[str, str] = {}
    for uploaded, saved_name in saved:
        renamed.setdefault(uploaded, saved_name)
    sidecar.write_text(json.dumps({renamed.get(k, k): v for k, v in entries.items()}, ensure_ascii=False), "utf-8")
    missing = [k for k in entries if not k.startswith("_") and k not in renamed]
    if not missing:
        return []
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [f"{SIDECAR_NAME} gives metadata for files that were not uploaded: {shown}"]
