"""The brief's records. Every text in them is the articles' own words, with a citation to where they stand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Cell = Literal["supports", "contradicts", "silent"]


@dataclass(frozen=True)
class Citation:
    """An exact passage of one article: the cited clause and the sentence it belongs to."""

    article: str
    outlet: str | None
    published: str | None
    start: int  # the cited clause, offsets in the article text
    end: int
    sentence_start: int  # the sentence around it
    sentence_end: int
    text: str  # the clause, as the article writes it


@dataclass(frozen=True)
class OutletCitations:
    """The citations of one outlet, collapsed to one line: "BBC ×40", linking to its best-worded clause."""

    outlet: str
    count: int
    citation: Citation


@dataclass(frozen=True)
class Point:
    """One line of the brief: a claim in one article's words, and every article that states it."""

    text: str
    citations: tuple[Citation, ...]
    outlets: tuple[str, ...]  # independent outlets stating it (copies of one story count once)
    per_outlet: tuple[OutletCitations, ...] = ()  # the citations collapsed per outlet, most first


@dataclass(frozen=True)
class Difference:
    """Two outlets disagreeing about one claim, on one part of it (a date, a count, whether it happened)."""

    reason: str
    method: str  # "rule" (dates, counts, denial) or "stance" (the agreement model)
    claim: Citation
    against: Citation
    on: str = "other"  # date | count | occurrence | place | other
    part: Citation | None = None  # the words of `claim` the conflict is on (the date, the figure)
    against_part: Citation | None = None
    between: tuple[str, str] = ("", "")  # who gives each side: the attributed speaker, else the outlet


@dataclass(frozen=True)
class SeriesPoint:
    """One reported value of a count (killed, injured, missing), with the day it refers to."""

    category: str
    day: str
    value: int
    qualifier: str | None
    citation: Citation
    scope: str = "day"  # "day", or a running total ("total since 2018-03-30")


@dataclass(frozen=True)
class FigureRow:
    """One figure of the quantities table: one value of one quantity, who gives it, when, and where."""

    quantity: str  # "killed", "killed (children)", "دول"
    value: int
    qualifier: str | None
    scope: str  # "day", "total", "total since 2018-03-30"
    said_by: tuple[str, ...]  # the parties giving it (attributed speakers), else the outlets
    first_given: str  # the earliest time it was given (UTC ISO, or a day)
    per_outlet: tuple[OutletCitations, ...]
    conflicts: int  # how many conflicts it takes part in


@dataclass(frozen=True)
class TimelinePoint:
    """One dated expression of an article, resolved to a date."""

    date: str
    end_date: str | None
    precision: str
    expression: str
    sentence: str  # the sentence the expression stands in
    citation: Citation  # the expression itself, inside its sentence


@dataclass(frozen=True)
class Said:
    """A statement an article attributes to someone, with its chain of attribution."""

    speaker: str | None
    chain: tuple[str, ...]  # outermost source first, speaker last
    verb: str
    polarity: str  # "assert" or "deny"
    citation: Citation  # the reported content


@dataclass(frozen=True)
class ArticleRef:
    """One article of the brief."""

    id: str
    outlet: str | None
    published: str | None
    title: str | None
    machine_translated: bool


@dataclass(frozen=True)
class Copy:
    """An article that reuses another's text."""

    source: str  # the earlier article
    target: str  # the article that copies it
    kind: str  # exact, near, reuse, or shared-sentences (found among the brief's articles)


@dataclass(frozen=True)
class OutletLine:
    """One outlet's coverage: how many articles, first and last."""

    outlet: str
    articles: int
    first_article: str
    first_published: str | None
    last_published: str | None


@dataclass(frozen=True)
class Coverage:
    """Who reported, who was first, who copied whom, what reads as machine translation, who was silent."""

    outlets: tuple[OutletLine, ...]
    first_reporter: str | None  # article id
    copies: tuple[Copy, ...]
    machine_translated: tuple[str, ...]  # article ids
    silent_outlets: tuple[str, ...]


@dataclass(frozen=True)
class MatrixRow:
    """One claim and, for every outlet of the brief, whether it supports, contradicts or does not say it."""

    text: str
    citation: Citation
    cells: tuple[Cell, ...]  # in the order of `Matrix.outlets`


@dataclass(frozen=True)
class Matrix:
    """Claims by outlets."""

    outlets: tuple[str, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class Brief:
    """What a set of articles (one story) says, section by section."""

    title: str
    articles: tuple[ArticleRef, ...]
    left_out: int  # articles of the story not read for the brief (beyond the size limit)
    happened: tuple[Point, ...]  # the most salient facts stated by two or more outlets (at most 10)
    timeline: tuple[TimelinePoint, ...]
    said: tuple[Said, ...]
    differences: tuple[Difference, ...]
    series: tuple[SeriesPoint, ...]  # by category, then day
    single_source: tuple[Point, ...]
    matrix: Matrix
    coverage: Coverage
    also: tuple[Point, ...] = ()  # claims of two or more outlets beyond the salient ones in `happened`
    background: tuple[Point, ...] = ()  # what the articles repeat as background (history, standing paragraphs)
    figures: tuple[FigureRow, ...] = ()  # the quantities table, by quantity then time
