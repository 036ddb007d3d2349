"""Story assignment against a store: place new articles incrementally, or rebuild the whole map.

Placing new articles replays only the assignments of the store's recent past
(`STORY_MAX_GAP_DAYS` before the earliest new article) into the clusterer, so
adding articles to a large store costs in proportion to its active window, not
to its size. A rebuild streams every profile in publication order from empty
and reports how far the result moved from the incremental one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from marsad.store.base import Assignment, Store
from marsad.stories.cluster import STORY_MAX_GAP_DAYS, Embedder, Placement, StoryClusterer
from marsad.stories.profile import Profile, lead_text, profile_of
from marsad.understand.codec import unpack_vectors


@dataclass(frozen=True)
class RebuildReport:
    """How a rebuild's events and stories compare with the ones it replaced (B-cubed F1, 1.0 = same)."""

    articles: int
    events: int
    stories: int
    event_agreement: float
    story_agreement: float
    moved_articles: int  # articles whose event changed membership


def assign_new(store: Store, profiles: Sequence[Profile] | None = None) -> list[Placement]:
    """Place the articles that have no event yet (or the given profiles of new articles)."""
    if profiles is None:
        profiles = [profile_of_stored(store, article_id) for article_id in store.unassigned()]
    placements = StoryPlacer(store).place(profiles)
    store.commit()
    return placements


class StoryPlacer:
    """Places new articles, batch after batch, with one clusterer for a whole ingest.

    The store's assignments from `STORY_MAX_GAP_DAYS` before the earliest new
    article are replayed once, on the first batch; a later batch with older
    articles replays only the older part it needs. Each batch's assignments are
    written without committing, so that they land in the same unit of work as
    the batch's articles.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._clusterer: StoryClusterer | None = None
        self._since: str | None = None  # start of the replayed window ("" = all of it)

    def place(self, profiles: Sequence[Profile]) -> list[Placement]:
        """Place these new articles (in publication order) and write their assignments."""
        profiles = sorted(profiles, key=_order)
        if not profiles:
            return []
        clusterer = self._ready(_window_start(profiles) or "")
        before = Counter(clusterer.df)
        placements = clusterer.add_all(profiles)
        _save(self.store, profiles, placements)
        self.store.add_term_frequencies(len(profiles), dict(clusterer.df - before))
        return placements

    def _ready(self, since: str) -> StoryClusterer:
        """The clusterer, with the store's assignments replayed from `since` on."""
        if self._clusterer is None:
            self._clusterer = StoryClusterer(store_embedder(self.store))
            self._clusterer.load_frequencies(*self.store.term_frequencies())
            self._replay(since or None, None)
        elif self._since and since < self._since:
            self._replay(since or None, self._since)
        self._since = since if self._since is None else min(since, self._since)
        return self._clusterer

    def _replay(self, since: str | None, until: str | None) -> None:
        assert self._clusterer is not None  # made by `_ready` first
        for old in self.store.assignments(since=since, until=until):
            self._clusterer.restore(Profile.decode(old.article_id, old.profile), old.event_id, old.story_id)


def rebuild(store: Store) -> RebuildReport:
    """Cluster every article again from scratch in publication order; save and compare with the old map."""
    old = list(store.assignments())
    profiles = [Profile.decode(a.article_id, a.profile) for a in old]
    clusterer = StoryClusterer(store_embedder(store))
    placements = clusterer.add_all(sorted(profiles, key=_order))
    _save(store, profiles, placements)
    documents, frequencies = store.term_frequencies()
    changed = {t: clusterer.df[t] - frequencies.get(t, 0) for t in set(frequencies) | set(clusterer.df)}
    store.add_term_frequencies(clusterer.documents - documents, {t: n for t, n in changed.items() if n})
    store.commit()
    old_events, old_stories = _labels(old)
    new_events, new_stories = _labels(placements)
    return RebuildReport(
        articles=len(placements),
        events=len(set(new_events.values())),
        stories=len(set(new_stories.values())),
        event_agreement=bcubed_f1(old_events, new_events),
        story_agreement=bcubed_f1(old_stories, new_stories),
        moved_articles=_moved(old_events, new_events),
    )


def bcubed_f1(gold: dict[str, str], predicted: dict[str, str]) -> float:
    """B-cubed F1 of a clustering against a reference, over the items both label."""
    return bcubed(gold, predicted)[2]


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of `predicted` against `gold`, over the items both label."""
    items = [i for i in gold if i in predicted]
    if not items:
        return 0.0, 0.0, 0.0
    gold_members = _members({i: gold[i] for i in items})
    predicted_members = _members({i: predicted[i] for i in items})
    precision = recall = 0.0
    for item in items:
        same_gold = gold_members[gold[item]]
        same_predicted = predicted_members[predicted[item]]
        overlap = len(same_gold & same_predicted)
        precision += overlap / len(same_predicted)
        recall += overlap / len(same_gold)
    precision, recall = precision / len(items), recall / len(items)
    return precision, recall, 2 * precision * recall / (precision + recall)


def store_embedder(store: Store) -> Embedder:
    """Title-and-lead vectors of a store's articles: from their stored annotations, else computed
    (once each, and only when asked for: monolingual stores never need them)."""

    @lru_cache(maxsize=4096)
    def embed_article(article_id: str) -> NDArray[np.float32]:
        stored = store.annotations([article_id]).get(article_id)
        if stored is not None:
            lead: NDArray[np.float32] = unpack_vectors(stored.vectors)[0]
            return lead
        from marsad.claims.embed import embed  # deferred: loads the model

        article = store.article(article_id)
        text = lead_text(article) if article else ""
        return np.asarray(embed([text])[0], dtype=np.float32)

    return embed_article


def profile_of_stored(store: Store, article_id: str) -> Profile:
    """The clustering profile of a stored article, with the articles it copies."""
    article = store.article(article_id)
    if article is None:
        raise LookupError(f"article {article_id} vanished from the store")
    sources = [link.source for link in store.links_of(article_id) if link.target == article_id]
    return profile_of(article, sources)


def _save(store: Store, profiles: Sequence[Profile], placements: Sequence[Placement]) -> None:
    by_id = {p.article_id: p for p in profiles}
    store.save_assignments(
        Assignment(p.article_id, p.event_id, p.story_id, by_id[p.article_id].published, by_id[p.article_id].encode())
        for p in placements
    )


def _order(profile: Profile) -> tuple[bool, str]:
    return profile.published is None, profile.published or ""


def _window_start(profiles: Sequence[Profile]) -> str | None:
    dated = [p.published for p in profiles if p.published]
    if not dated:
        return None
    try:
        return (date.fromisoformat(min(dated)) - timedelta(days=STORY_MAX_GAP_DAYS)).isoformat()
    except ValueError:
        return None


def _members(labels: dict[str, str]) -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for item, label in labels.items():
        members.setdefault(label, set()).add(item)
    return members


def _labels(placed: Sequence[Assignment] | Sequence[Placement]) -> tuple[dict[str, str], dict[str, str]]:
    """(article -> event, article -> story) of a map."""
    return {p.article_id: p.event_id for p in placed}, {p.article_id: p.story_id for p in placed}


def _moved(old: dict[str, str], new: dict[str, str]) -> int:
    """How many articles no longer share their event with the same articles."""
    old_members, new_members = _members(old), _members(new)
    return sum(old_members[old[i]] != new_members[new[i]] for i in new if i in old)
