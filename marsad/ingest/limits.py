"""Limits on what one input may make marsad read, each enforced while streaming.

A limit that is hit becomes one `Problem` naming the file (and line or record)
and the limit; the rest of the batch goes on. The README's "Reliability"
section lists them.
"""

from __future__ import annotations

# A single article larger than this is not an article (a dump, a log, a binary).
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Lines of one article (the longest of 62,000 real ones has 801): cleaning works line by line.
MAX_DOCUMENT_LINES = 20_000
# One JSON Lines line is one record: a longer line is skipped without being held in memory.
MAX_LINE_BYTES = MAX_DOCUMENT_BYTES
# Formats read whole (CSV, JSON arrays, text, HTML): a CSV may hold several articles.
MAX_WHOLE_FILE_BYTES = 4 * MAX_DOCUMENT_BYTES
# A gzip stream may expand to this many times the compressed bytes read so far, plus
# the allowance below. News text compresses 3-10 times; a gzip bomb, a thousand times.
MAX_COMPRESSION_RATIO = 100
COMPRESSION_ALLOWANCE_BYTES = 16 * 1024 * 1024
# JSON nested deeper than this is refused before it is parsed (an article record is 2-3 deep).
MAX_JSON_DEPTH = 64
# Records (lines, array items, CSV rows, WARC records) read from one file; split larger files.
MAX_RECORDS_PER_FILE = 1_000_000
# After this many bad records in one file, the rest of the file is not read (one more line says so).
MAX_PROBLEMS_PER_FILE = 100


def megabytes(size: int) -> str:
    """A byte count for a message: "10 MB", "1.5 MB"."""
    value = size / 1024 / 1024
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
