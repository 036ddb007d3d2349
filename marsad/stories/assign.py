"""Story assignment against a store: place new articles incrementally, or rebuild the whole map.

Placing new articles replays only the assignments of the store's recent past
(`STORY_MAX_GAP_DAYS` before the earliest new article) into the clusterer, so
adding articles to a large store costs in proportion to its active window, not
to its size. A rebuild streams every profile in publication order from empty
and reports how far the result moved from the incremental one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from marsad.store.base import Assignment, Store, StoredCluster
from marsad.stories.cluster import (
    EVENT,
    MAX_CANDIDATES,
    STORY,
    VECTOR_CANDIDATES,
    Cluster,
    Embedder,
    Placement,
    StoryClusterer,
    day_of,
    posting_keys,
)
from marsad.stories.profile import Profile, lead_text, profile_of
from marsad.stories.state import cluster_vector, decode_cluster, encode_cluster
from marsad.understand.codec import unpack_vectors
from marsad.understand.storage import attach_annotations


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

    Nothing of the store is loaded up front: for each batch, the events and
    stories its articles may join — those filed under their heaviest terms or
    title-and-lead entities, those whose mean vector is nearest to theirs, and
    those of the articles they copy — are read back from their stored states
    (`stories.state`), with the document frequencies of the batch's terms only.
    So the cost of placing an article depends on what arrives, not on how much
    is stored. The batch's assignments and the states of the clusters it
    changed are written without committing, in the batch's unit of work.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.clusterer = StoryClusterer(store_embedder(store))
        self.clusterer.documents = store.term_frequencies([])[0]
        self._known_terms: set[str] = set()
        if not store.saved_clusters() and next(store.assignments(), None) is not None:
            self._save_states_of_old_store()

    def place(self, profiles: Sequence[Profile]) -> list[Placement]:
        """Place these new articles (in publication order) and write their assignments."""
        profiles = sorted(profiles, key=_order)
        if not profiles:
            return []
        terms = self._load_frequencies(profiles)
        self._load_candidates(profiles)
        df = self.clusterer.df
        before = {t: df[t] for t in terms}
        placements = self.clusterer.add_all(profiles)
        _save(self.store, profiles, placements)
        self.store.add_term_frequencies(len(profiles), {t: df[t] - n for t, n in before.items() if df[t] != n})
        save_clusters(self.store, self.clusterer)
        return placements

    def _load_frequencies(self, profiles: Sequence[Profile]) -> set[str]:
        terms = {t for p in profiles for t in p.terms}
        missing = terms - self._known_terms
        if missing:
            _, found = self.store.term_frequencies(sorted(missing))
            for term in missing:
                self.clusterer.df[term] = found.get(term, 0)
            self._known_terms |= missing
        return terms

    def _load_candidates(self, profiles: Sequence[Profile]) -> None:
        """Read back the stored events and stories these articles may join."""
        clusterer = self.clusterer
        wanted: dict[str, set[str]] = {EVENT: set(), STORY: set()}
        gaps = {EVENT: clusterer.thresholds.event_gap_days, STORY: clusterer.thresholds.story_gap_days}
        first = _earliest_day(profiles)
        with_vectors = any(p.vector is not None for p in profiles)  # none without understanding
        nearest = {level: _StoredVectors(self.store.cluster_vectors(level, _days_before(first, gap))
                                         if with_vectors else [])
                   for level, gap in gaps.items()}
        for profile in profiles:
            item = clusterer.preview(profile)
            keys = posting_keys(item)
            for level, gap in gaps.items():
                since = _days_before(item.day, gap)
                wanted[level].update(self.store.cluster_candidates(level, keys, since, MAX_CANDIDATES))
                if item.vector is not None:
                    wanted[level].update(nearest[level].nearest(item.vector, VECTOR_CANDIDATES))
        for source, (event_id, story_id) in self.store.placements_of([s for p in profiles for s in p.links]).items():
            wanted[EVENT].add(event_id)
            wanted[STORY].add(story_id)
            clusterer.event_of.setdefault(source, event_id)
        events = self._adopt(EVENT, wanted[EVENT] - clusterer.events.keys())
        self._adopt(STORY, ({e.story_id for e in events} | wanted[STORY]) - clusterer.stories.keys())

    def _adopt(self, level: str, ids: set[str]) -> list[Cluster]:
        found = [decode_cluster(c.id, c.state) for c in self.store.clusters(level, sorted(ids))]
        for cluster in found:
            self.clusterer.adopt(level, cluster)
        return found

    def _save_states_of_old_store(self) -> None:
        """A store made before cluster states were kept: replay its assignments once, keep the states."""
        clusterer = StoryClusterer(store_embedder(self.store))
        clusterer.load_frequencies(*self.store.term_frequencies())
        for old in self.store.assignments():
            clusterer.restore(Profile.decode(old.article_id, old.profile), old.event_id, old.story_id)
        save_clusters(self.store, clusterer)


def save_clusters(store: Store, clusterer: StoryClusterer) -> None:
    """Write the states of the clusters changed since the last save, with the keys they gained."""
    store.save_clusters(
        StoredCluster(level, cluster.id, cluster.last.isoformat() if cluster.last else None, encode_cluster(cluster),
                      cluster_vector(cluster), sorted(keys))
        for level, cluster, keys in clusterer.drain()
    )


class _StoredVectors:
    """Stored clusters' mean vectors, for the nearest ones to an article's vector."""

    def __init__(self, rows: list[tuple[str, bytes]]) -> None:
        self.ids = [cluster_id for cluster_id, _ in rows]
        self.matrix = np.vstack([unpack_vectors(v) for _, v in rows]) if rows else np.zeros((0, 1), np.float32)

    def nearest(self, vector: NDArray[np.float32], k: int) -> list[str]:
        if not self.ids:
            return []
        scores = self.matrix @ vector
        return [self.ids[i] for i in np.argsort(-scores)[:k]]


def rebuild(store: Store) -> RebuildReport:
    """Cluster every article again from scratch in publication order; save and compare with the old map."""
    old = list(store.assignments())
    profiles = [Profile.decode(a.article_id, a.profile) for a in old]
    clusterer = StoryClusterer(store_embedder(store))
    placements = clusterer.add_all(sorted(profiles, key=_order))
    _save(store, profiles, placements)
    store.clear_clusters()
    save_clusters(store, clusterer)
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
    """The clustering profile of a stored article (with its stored annotation, if any), with the articles
    it copies."""
    article = store.article(article_id)
    if article is None:
        raise LookupError(f"article {article_id} vanished from the store")
    attach_annotations(store, [article])
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


def _earliest_day(profiles: Sequence[Profile]) -> date | None:
    days = [d for d in (day_of(p.published) for p in profiles) if d is not None]
    return min(days) if days else None


def _days_before(day: date | None, days: int) -> str | None:
    return (day - timedelta(days=days)).isoformat() if day else None


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
