"""Reading the story map back from a store: stories with their events, articles and coverage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from marsad.records import Link
from marsad.store.base import ArticleSummary, Store, StoryFilter
from marsad.stories.records import Copy, Coverage, Event, OutletCoverage, Story


def list_stories(store: Store, where: StoryFilter | None = None, limit: int = 50, offset: int = 0) -> list[Story]:
    """Stories matching the filter, most recently active first."""
    outlets = store.outlets()
    ids = store.story_ids(where or StoryFilter(), limit, offset)
    return [s for s in (_story(store, i, outlets) for i in ids) if s is not None]


def get_story(store: Store, story_id: str) -> Story | None:
    """One story by id."""
    return _story(store, story_id, store.outlets())


def _story(store: Store, story_id: str, all_outlets: Sequence[str]) -> Story | None:
    members = store.story_articles(story_id)
    if not members:
        return None
    links = store.links_among([a.id for _, a in members])
    by_event: dict[str, list[ArticleSummary]] = defaultdict(list)
    for event_id, summary in members:
        by_event[event_id].append(summary)
    events = tuple(
        sorted(
            (_event(event_id, story_id, articles, links, all_outlets) for event_id, articles in by_event.items()),
            key=lambda e: (e.first_published is None, e.first_published or "", e.id),
        )
    )
    articles = [a for _, a in members]
    main = max(events, key=lambda e: len(e.articles))  # the earliest of the largest: max keeps the first
    return Story(
        id=story_id,
        title=main.title,
        events=events,
        first_published=_first_date(articles),
        last_published=_last_date(articles),
        coverage=coverage(articles, links, all_outlets),
    )


def _event(
    event_id: str, story_id: str, articles: list[ArticleSummary], links: Sequence[Link], outlets: Sequence[str]
) -> Event:
    return Event(
        id=event_id,
        story_id=story_id,
        title=next((a.title for a in articles if a.title), ""),
        articles=tuple(articles),
        first_published=_first_date(articles),
        last_published=_last_date(articles),
        coverage=coverage(articles, links, outlets),
    )


def coverage(articles: Sequence[ArticleSummary], links: Sequence[Link], all_outlets: Sequence[str]) -> Coverage:
    """Outlets with their first and last article, the first reporter, copies among the articles, silent outlets."""
    ordered = sorted(articles, key=lambda a: (a.published is None, a.published or ""))
    per_outlet: dict[str, list[ArticleSummary]] = defaultdict(list)
    for a in ordered:
        per_outlet[a.outlet or "unknown"].append(a)
    outlets = tuple(
        OutletCoverage(name, len(items), items[0].id, items[0].published, items[-1].id, items[-1].published)
        for name, items in sorted(per_outlet.items(), key=lambda kv: (kv[1][0].published or "~", kv[0]))
    )
    ids = {a.id for a in articles}
    copies = tuple(
        Copy(link.source, link.target, link.kind, link.score)
        for link in links
        if link.source in ids and link.target in ids
    )
    silent = tuple(o for o in all_outlets if o not in per_outlet)
    return Coverage(outlets, ordered[0].id if ordered else None, copies, silent)


def _first_date(articles: Sequence[ArticleSummary]) -> str | None:
    dates = [a.published for a in articles if a.published]
    return min(dates) if dates else None


def _last_date(articles: Sequence[ArticleSummary]) -> str | None:
    dates = [a.published for a in articles if a.published]
    return max(dates) if dates else None
