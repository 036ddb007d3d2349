"""Cross-document evidence: lines of an outlet's page template repeat across its articles."""

from __future__ import annotations

from marsad.clean.lines import Line
from marsad.store.base import OutletLineCounts
from marsad.text.normalize import stable_hash

# A headline-like line seen in at least this many articles of one outlet is template.
REPEATED_LINE_MIN_ARTICLES = 3
# Only short lines can be template (menus, share bars, taglines), never prose.
MAX_TEMPLATE_LINE_WORDS = 15


def template_candidates(lines: list[Line]) -> dict[int, str]:
    """Hashed keys of the lines of a document that could belong to a page template."""
    return {stable_hash(line.key): line.key for line in lines if _candidate(line)}


def _candidate(line: Line) -> bool:
    return line.headline_like and line.words <= MAX_TEMPLATE_LINE_WORDS and bool(line.key)


def repeated_lines(store: OutletLineCounts, outlet: str | None, lines: list[Line]) -> set[str]:
    """Keys of a document's lines that repeat across the outlet's stored articles."""
    if not outlet:
        return set()
    candidates = template_candidates(lines)
    if not candidates:
        return set()
    counts = store.outlet_line_counts(outlet, candidates)
    return {
        key for hashed, key in candidates.items()
        if counts.get(hashed, 0) >= REPEATED_LINE_MIN_ARTICLES
    }
