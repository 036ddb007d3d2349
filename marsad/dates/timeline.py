"""The timeline of a set of articles: every dated expression, in date order, with its sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from marsad.dates.finder import find_time_expressions
from marsad.records import Article


@dataclass(frozen=True)
class TimelineEntry:
    """One dated expression of one article, with the sentence it belongs to."""

    date: dt.date
    end_date: dt.date | None
    precision: str
    expression: str
    start: int  # offsets of the expression in the article text
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    article: str
    outlet: str | None
    published: str | None
    relative: bool


def publication_date(article: Article) -> dt.date | None:
    """The article's publication day, if its metadata gives one."""
    if not article.published:
        return None
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def article_timeline(article: Article) -> list[TimelineEntry]:
    """Dated expressions of one article, each placed in its sentence."""
    entries = []
    for found in find_time_expressions(article.text, publication_date(article)):
        if found.value is None:
            continue
        sentence = next(
            (s for s in article.sentences if s.start <= found.start < s.end), None
        )
        entries.append(TimelineEntry(
            date=found.value, end_date=found.end_value, precision=found.precision,
            expression=found.text, start=found.start, end=found.end,
            sentence=sentence.text if sentence else found.text,
            sentence_start=sentence.start if sentence else found.start,
            sentence_end=sentence.end if sentence else found.end,
            article=article.id, outlet=article.outlet, published=article.published,
            relative=found.relative,
        ))
    return entries


def timeline(articles: Iterable[Article]) -> list[TimelineEntry]:
    """Every dated expression of the articles, ordered by date (then article, position)."""
    entries = [e for a in articles for e in article_timeline(a)]
    return sorted(entries, key=lambda e: (e.date, e.published or "", e.article, e.start))
