"""What story clustering produces: events (one happening) grouped into stories (its ongoing sequence)."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.store.base import ArticleSummary


@dataclass(frozen=True)
class Copy:
    """An article that reuses another's text (a link found by deduplication)."""

    source: str  # the earlier article
    target: str  # the article that copies it
    kind: str  # "exact", "near" or "reuse"
    score: float


@dataclass(frozen=True)
class OutletCoverage:
    """One outlet's share of an event or story: how many articles, its first and last."""

    outlet: str
    articles: int
    first_article: str
    first_published: str | None
    last_article: str
    last_published: str | None


@dataclass(frozen=True)
class Coverage:
    """Who reported an event or story, who was first, who copied whom, who stayed silent."""

    outlets: tuple[OutletCoverage, ...]
    first_reporter: str | None  # article id of the earliest article
    copies: tuple[Copy, ...]
    silent_outlets: tuple[str, ...]  # outlets of the store that have no article here


@dataclass(frozen=True)
class Event:
    """One happening, statement, decision, meeting or incident, and the articles whose main subject it is."""

    id: str
    story_id: str
    title: str
    articles: tuple[ArticleSummary, ...]  # publication order
    first_published: str | None
    last_published: str | None
    coverage: Coverage


@dataclass(frozen=True)
class Story:
    """The ongoing sequence of events one belongs to."""

    id: str
    title: str
    events: tuple[Event, ...]  # order of first publication
    first_published: str | None
    last_published: str | None
    coverage: Coverage

    @property
    def article_ids(self) -> list[str]:
        return [a.id for e in self.events for a in e.articles]
