"""What both store backends share: search terms, snippets, timestamps, origin labels."""

from __future__ import annotations

from datetime import UTC, datetime

from marsad.records import Article
from marsad.text.normalize import fold, fold_with_offsets

SNIPPET_CONTEXT = 80


def search_terms(query: str) -> list[str]:
    """The folded words of a search query, control characters dropped (FTS5 stops at a NUL,
    PostgreSQL text cannot hold one)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in query)
    return [t.replace('"', "") for t in fold(printable).split() if t.replace('"', "")]


def snippet(text: str, terms: list[str]) -> str:
    """The passage of the original text around the first matching term."""
    folded, offsets = fold_with_offsets(text)
    positions = [p for p in (folded.find(t) for t in terms) if p >= 0]
    if not positions:
        return text[: 2 * SNIPPET_CONTEXT]
    centre = offsets[min(positions)]
    start = max(0, centre - SNIPPET_CONTEXT)
    end = min(len(text), centre + SNIPPET_CONTEXT)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[start:end].replace("\n\n", " ¶ ") + suffix


def now() -> str:
    """The current time, UTC, to the second (ISO 8601)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def origin_label(article: Article) -> str:
    """`path:locator` (or the path alone) of where an article came from."""
    o = article.origin
    return f"{o.path}:{o.locator}" if o.locator else o.path
