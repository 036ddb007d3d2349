"""An article's text cut into paragraphs, sentences and marked segments for the article page.

Marks (entities, dates, quotes, claims, the cited clause) may overlap: the text
is cut at every mark boundary and each segment carries the kinds of the marks
covering it. Offsets are those of `Article.text`; the text itself is never changed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from marsad.records import Article


@dataclass(frozen=True)
class Mark:
    """A highlighted span: its kind (entity, date, quote, claim, cited) and a label for its tooltip."""

    start: int
    end: int
    kind: str
    label: str = ""
    href: str | None = None


@dataclass
class Segment:
    """A piece of a sentence and the marks covering it."""

    text: str
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    href: str | None = None


@dataclass
class SentenceView:
    """One sentence: its anchor offsets and its segments."""

    start: int
    end: int
    segments: list[Segment]


@dataclass
class ParagraphView:
    """One kept paragraph: its kind and its sentences."""

    kind: str
    sentences: list[SentenceView]


def annotate(article: Article, marks: list[Mark]) -> list[ParagraphView]:
    """The article's paragraphs, each cut into sentences and marked segments."""
    views = []
    for paragraph in article.paragraphs:
        spans = [(s.start, s.end) for s in article.sentences if paragraph.start <= s.start < paragraph.end]
        if not spans:
            spans = [(paragraph.start, paragraph.end)]
        views.append(ParagraphView(paragraph.kind, [_sentence(article.text, a, b, marks) for a, b in spans]))
    return views


def _sentence(text: str, start: int, end: int, marks: list[Mark]) -> SentenceView:
    inside = [m for m in marks if m.start < end and m.end > start]
    cuts = sorted({start, end, *(max(start, min(end, p)) for m in inside for p in (m.start, m.end))})
    segments = []
    for a, b in itertools.pairwise(cuts):
        covering = [m for m in inside if m.start <= a and m.end >= b]
        href = next((m.href for m in covering if m.href), None)
        segments.append(Segment(text[a:b], sorted({m.kind for m in covering}),
                                [m.label for m in covering if m.label], href))
    return SentenceView(start, end, segments)
