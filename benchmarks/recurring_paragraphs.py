"""Calibration of the recurring-paragraph evidence on 220 hand-labelled ANT paragraphs.

    .venv/bin/python benchmarks/recurring_paragraphs.py

`benchmarks/data/cleaning/recurring-paragraphs.tsv` labels paragraphs that recur in
two 4-week ANT windows (2018-05-01..28 and 2018-10-01..28), drawn at random among
those seen in another article of the same outlet: F (furniture about other
stories: a teaser, a promotion, a standing note), S (a teaser or read-also of the
article's own story) or B (background or news of the article). How they were drawn
and labelled: `benchmarks/data/cleaning/README.md`.

Each window is streamed through the evidence the way `marsad ingest` counts it
(chunks of 200 in corpus order, per outlet, each text once). Printed: for a grid of
`RELATED_MIN_SHARED_TERMS` and `FURNITURE_MAX_RELATED_SHARE`, how many paragraphs of
each label the furniture rule alone would remove; then, with the shipped settings,
what the cleaner does with each labelled paragraph (removed, background, news),
teaser-block rule and background guard included.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ant import records

from marsad.clean.article import clean_document
from marsad.clean.lines import Line, split_lines
from marsad.clean.paragraphs import (
    FURNITURE_MAX_RELATED_SHARE,
    RELATED_MIN_SHARED_TERMS,
    Recurrence,
    count_paragraphs,
    document_paragraphs,
    recurrences,
)
from marsad.clean.templates import repeated_lines, template_candidates
from marsad.ingest.sources import read_inputs
from marsad.records import RawDocument
from marsad.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "benchmarks" / "data" / "cleaning" / "recurring-paragraphs.tsv"
WINDOWS = {"may": ("2018-05-01", "2018-05-28"), "oct": ("2018-10-01", "2018-10-28")}
CHUNK = 200
RELATED_GRID = (1, 2, 3, 4, 5)
SHARE_GRID = (1 / 3, 1 / 2, 2 / 3, 1.0)


@dataclass(frozen=True)
class Label:
    article: str
    paragraph: int  # 0-based, among the non-blank lines of the text
    sha1: str  # first 10 hex digits of the paragraph's SHA-1, to check the corpus has not changed
    label: str


@dataclass(frozen=True)
class Seen:
    """A labelled paragraph as the evidence saw it."""

    label: Label
    by_related_min: dict[int, Recurrence]
    fate: str  # what the cleaner did with it: a removal rule, "background" or "news"


def main() -> None:
    labels = _read_labels()
    seen: list[Seen] = []
    for window, (since, until) in WINDOWS.items():
        wanted: dict[str, list[Label]] = {}
        for lab in labels:
            wanted.setdefault(lab.article, []).append(lab)
        seen += _stream(window, since, until, wanted)
    print(f"{len(seen)} labelled paragraphs: {dict(Counter(s.label.label for s in seen))}")
    print("furniture rule alone (removed per label); F: other stories, S: own story's teaser, B: background or news")
    print("  related-min  max-related-share     F removed   S removed   B removed")
    for related_min in RELATED_GRID:
        for share in SHARE_GRID:
            removed = Counter(s.label.label for s in seen if s.by_related_min[related_min].is_furniture(share))
            shipped = (related_min, share) == (RELATED_MIN_SHARED_TERMS, FURNITURE_MAX_RELATED_SHARE)
            mark = " <- shipped" if shipped else ""
            print(f"  {related_min:11d}  {share:17.2f}  {removed['F']:5d}/{_n(seen, 'F'):<4d}"
                  f"  {removed['S']:5d}/{_n(seen, 'S'):<4d}  {removed['B']:5d}/{_n(seen, 'B'):<4d}{mark}")
    print("the cleaner with the shipped settings (label -> fate: count)")
    for (label, fate), count in sorted(Counter((s.label.label, s.fate) for s in seen).items()):
        print(f"  {label} -> {fate}: {count}")


def _n(seen: list[Seen], label: str) -> int:
    return sum(s.label.label == label for s in seen)


def _read_labels() -> list[Label]:
    rows = [line.split("\t") for line in LABELS.read_text("utf-8").splitlines() if not line.startswith("#")]
    return [Label(article, int(paragraph), sha1, label) for article, paragraph, sha1, label, _ in rows]


def _stream(window: str, since: str, until: str, wanted: dict[str, list[Label]]) -> Iterator[Seen]:
    """Count the window's paragraphs chunk by chunk, as the pipeline does, and judge the labelled ones."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"{window}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in records():
                if since <= record["published"][:10] <= until:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        store = SQLiteStore(Path(scratch) / "evidence.db")
        docs = [d for d in read_inputs([str(path)]) if isinstance(d, RawDocument)]
        for start in range(0, len(docs), CHUNK):
            chunk = [(doc, split_lines(doc.text)) for doc in docs[start : start + CHUNK]]
            for doc, lines in chunk:
                store.add_outlet_lines(doc.outlet or "", template_candidates(lines))
                count_paragraphs(store, document_paragraphs(doc.outlet or "", doc.title, lines), lines)
            for doc, lines in chunk:
                for label in wanted.get(doc.extra.get("id", ""), []):
                    yield _judge(store, doc, lines, label)
        store.close()


def _judge(store: SQLiteStore, doc: RawDocument, lines: list[Line], label: Label) -> Seen:
    line = [ln for ln in lines if not ln.blank][label.paragraph]
    if hashlib.sha1(line.text.encode()).hexdigest()[:10] != label.sha1:
        raise SystemExit(f"{label.article} paragraph {label.paragraph}: the corpus text differs from the labelled one")
    paragraphs = document_paragraphs(doc.outlet or "", doc.title, lines)
    grid = {r: recurrences(store, paragraphs, lines, r)[line.index] for r in RELATED_GRID}
    recurring = recurrences(store, paragraphs, lines)
    article = clean_document(doc, repeated_lines(store, doc.outlet, lines), lines, recurring)
    removed = next((r.rule for r in article.removed if r.start == line.start), None)
    kept = next((p.kind for p in article.paragraphs if p.source_start == line.start), "?")
    return Seen(label, grid, removed or ("background" if kept == "background" else "news"))


if __name__ == "__main__":
    main()
