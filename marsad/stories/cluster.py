"""Online two-level clustering: each article joins an event (or opens one), each new event a story.

Articles arrive one at a time, ideally in publication order. An article joins
the event it is most similar to, among events active within
`EVENT_MAX_GAP_DAYS`, when the cosine of its TF-IDF vector with the event's
centroid reaches `EVENT_MIN_SIMILARITY`; an article that copies an earlier one
(a dedupe link) joins that article's event outright. Otherwise it opens a new
event, which joins the most similar story active within `STORY_MAX_GAP_DAYS`
when the cosine reaches `STORY_MIN_SIMILARITY`, or opens a new story.

Document frequencies grow with the stream, so the result of streaming a set of
articles in date order is the result of a rebuild. Across languages (an
English wire and its Arabic coverage) the shared-term cosine is blind; there
the clusterer compares multilingual embeddings of titles and leads, computed
only for articles that have candidates in another language.
"""

from __future__ import annotations

import gc
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

import numpy as np
from numpy.typing import NDArray

from marsad.stories.profile import Profile

EVENT_MIN_SIMILARITY = 0.3
"""Similarity (see `EVENT_LINKAGE`) between an article and an event above which the article joins the event."""

EVENT_LINKAGE = 1.0
"""How an article's similarity to a cluster is averaged over the members: 1.0 is average linkage (mean
cosine with the members), 0.0 the cosine with the centroid, in between a blend (see `_Cluster.similarity`).
Average linkage keeps events tight; stories, whose events drift, use a blend."""

STORY_LINKAGE = 0.5
"""`EVENT_LINKAGE`'s counterpart for stories."""

EVENT_MAX_GAP_DAYS = 3
"""An event takes articles published at most this many days after (or before) its others."""

STORY_MIN_SIMILARITY = 0.2
"""Similarity (see `STORY_LINKAGE`) between a new event's first article and a story above which the event joins it."""

STORY_MAX_GAP_DAYS = 240
"""A story takes new events at most this many days after its last article."""

CROSS_LINGUAL_MIN_SIMILARITY = 0.88
"""Cosine of multilingual-e5 title-and-lead embeddings above which articles in two languages share an event."""

CANDIDATE_TERMS = 10
"""How many of an article's heaviest terms are looked up to find candidate events and stories."""

IDF_FULL_AFTER = 30
"""Below this many articles, document frequencies say little (in nine articles about one explosion the
port's name is in all nine and would weigh nothing), so IDF is scaled down towards plain term counts."""

MAX_POSTINGS_SCANNED = 200
"""At most this many clusters, the latest to take a term, are looked at per term (bounds the cost per article)."""

MAX_CANDIDATES = 25
"""At most this many events (and stories) are scored per article: those sharing most heavy terms with it."""

CROSS_LINGUAL_CANDIDATES = 30
"""At most this many recent events of other languages are compared by embedding."""

CROSS_LINGUAL_MEMBERS = 5
"""An article is compared across languages with this many of an event's latest articles."""



@dataclass(frozen=True)
class Thresholds:
    """The clusterer's decision thresholds (the module constants by default; benchmarks sweep them)."""

    event: float = EVENT_MIN_SIMILARITY
    event_gap_days: int = EVENT_MAX_GAP_DAYS
    story: float = STORY_MIN_SIMILARITY
    story_gap_days: int = STORY_MAX_GAP_DAYS
    cross_lingual: float = CROSS_LINGUAL_MIN_SIMILARITY


Vector = dict[str, float]
Embedder = Callable[[str], NDArray[np.float32]]  # article id -> normalised title+lead embedding


@dataclass
class _Cluster:
    """An event or a story: the sum of its members' unit vectors and its time span."""

    id: str
    first: date | None
    last: date | None
    centroid: Vector = field(default_factory=dict)
    norm2: float = 0.0  # squared length of the centroid, kept up to date by `add`
    size: int = 0
    language: str = ""
    linkage: float = EVENT_LINKAGE
    story_id: str = ""  # events only
    members: list[str] = field(default_factory=list)  # article ids, for comparisons across languages

    def add(self, article_id: str, vector: Vector, day: date | None) -> None:
        self.members.append(article_id)
        for term, weight in vector.items():
            old = self.centroid.get(term, 0.0)
            self.centroid[term] = old + weight
            self.norm2 += weight * (2 * old + weight)
        self.size += 1
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)

    def similarity(self, vector: Vector) -> float:
        """dot(vector, centroid) / (|centroid|^(1-linkage) * size^linkage): the mean cosine with the
        members at linkage 1 (members are unit vectors), the cosine with the centroid at linkage 0."""
        norm = math.sqrt(self.norm2)
        if norm == 0:
            return 0.0
        dot = sum(w * self.centroid.get(t, 0.0) for t, w in vector.items())
        return float(dot / (norm ** (1 - self.linkage) * self.size**self.linkage))

    def near(self, day: date | None, max_gap: int) -> bool:
        if day is None or self.first is None or self.last is None:
            return True
        return (day - self.last).days <= max_gap and (self.first - day).days <= max_gap


@dataclass(frozen=True)
class Placement:
    """Where the clusterer put an article."""

    article_id: str
    event_id: str
    story_id: str


class StoryClusterer:
    """The online clusterer's state: document frequencies, events, stories and their term postings."""

    def __init__(self, embedder: Embedder | None = None, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self.documents = 0
        self.df: Counter[str] = Counter()
        self.events: dict[str, _Cluster] = {}
        self.stories: dict[str, _Cluster] = {}
        self.event_of: dict[str, str] = {}  # article id -> event id
        self._event_postings: defaultdict[str, dict[str, None]] = defaultdict(dict)
        self._story_postings: defaultdict[str, dict[str, None]] = defaultdict(dict)
        self._embedder = embedder

    def load_frequencies(self, documents: int, df: dict[str, int]) -> None:
        """Start from the document frequencies of a store instead of from nothing."""
        self.documents = documents
        self.df = Counter(df)

    def restore(self, profile: Profile, event_id: str, story_id: str) -> None:
        """Replay an earlier placement (from a store) without deciding anything or counting the article again."""
        self._join(profile, self._weighted(profile), event_id, story_id)

    def add(self, profile: Profile) -> Placement:
        """Place one article: into an existing event, or a new event of an existing or new story."""
        vector = self._vector(profile)
        day = _day(profile.published)
        event = self._copied_event(profile) or self._best_event(profile, vector, day)
        if event is not None:
            story_id = event.story_id
            event_id = event.id
        else:
            event_id = f"ev-{profile.article_id}"
            story = self._best_story(vector, day)
            story_id = story.id if story else f"st-{profile.article_id}"
        self._join(profile, vector, event_id, story_id)
        return Placement(profile.article_id, event_id, story_id)

    def add_all(self, profiles: Iterable[Profile]) -> list[Placement]:
        """Place many articles in order. The cyclic garbage collector is paused meanwhile: the
        clusterer makes no reference cycles, and the collector's full passes over its many small
        dicts would otherwise make the cost per article grow with the size of the stream."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return [self.add(p) for p in profiles]
        finally:
            if paused:
                gc.enable()

    def _vector(self, profile: Profile) -> Vector:
        self.documents += 1
        self.df.update(profile.terms.keys())
        return self._weighted(profile)

    def _weighted(self, profile: Profile) -> Vector:
        raw = {t: w * self._idf(t) for t, w in profile.terms.items()}
        norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
        return {t: w / norm for t, w in raw.items()}

    def _idf(self, term: str) -> float:
        """Smoothed IDF, flattened while the collection is smaller than `IDF_FULL_AFTER` articles."""
        damping = min(1.0, self.documents / IDF_FULL_AFTER)
        return 1.0 + math.log((self.documents + 1) / (self.df[term] + 1)) * damping

    def _join(self, profile: Profile, vector: Vector, event_id: str, story_id: str) -> None:
        day = _day(profile.published)
        event = self.events.get(event_id)
        if event is None:
            event = self.events[event_id] = _Cluster(
                event_id, day, day, language=profile.language, story_id=story_id
            )
        story = self.stories.get(story_id)
        if story is None:
            story = _Cluster(story_id, day, day, language=profile.language, linkage=STORY_LINKAGE)
            self.stories[story_id] = story
        event.add(profile.article_id, vector, day)
        story.add(profile.article_id, vector, day)
        self.event_of[profile.article_id] = event_id
        for term in _heaviest(vector):
            _touch(self._event_postings[term], event_id)
            _touch(self._story_postings[term], story_id)

    def _copied_event(self, profile: Profile) -> _Cluster | None:
        for source in profile.links:
            event_id = self.event_of.get(source)
            if event_id is not None:
                return self.events[event_id]
        return None

    def _best_event(self, profile: Profile, vector: Vector, day: date | None) -> _Cluster | None:
        gap = self.thresholds.event_gap_days
        candidates = self._candidates(self._event_postings, self.events, vector, day, gap)
        scored = [(e.similarity(vector), e.id) for e in candidates]
        best = max(scored, default=(0.0, ""))
        if best[0] >= self.thresholds.event:
            return self.events[best[1]]
        return self._best_event_across_languages(profile, day)

    def _best_story(self, vector: Vector, day: date | None) -> _Cluster | None:
        candidates = self._candidates(self._story_postings, self.stories, vector, day, self.thresholds.story_gap_days)
        best = max(((s.similarity(vector), s.id) for s in candidates), default=(0.0, ""))
        return self.stories[best[1]] if best[0] >= self.thresholds.story else None

    def _candidates(
        self,
        postings: defaultdict[str, dict[str, None]],
        clusters: dict[str, _Cluster],
        vector: Vector,
        day: date | None,
        max_gap: int,
    ) -> list[_Cluster]:
        """Clusters sharing the most of the vector's heaviest terms, near in time (at most
        `MAX_CANDIDATES`); per term only the latest `MAX_POSTINGS_SCANNED` clusters to take it are
        looked at, so that common terms cost nothing extra."""
        found: Counter[str] = Counter()
        for term in _heaviest(vector):
            ids = postings.get(term)
            if not ids:
                continue
            stale = []
            for cluster_id in islice(reversed(ids), MAX_POSTINGS_SCANNED):
                cluster = clusters[cluster_id]
                if cluster.near(day, max_gap):
                    found[cluster_id] += 1
                elif day and cluster.last and (day - cluster.last).days > max_gap:
                    stale.append(cluster_id)
            for cluster_id in stale:  # streaming in date order: they will never be near again
                del ids[cluster_id]
        return [clusters[cluster_id] for cluster_id, _ in found.most_common(MAX_CANDIDATES)]

    def _best_event_across_languages(self, profile: Profile, day: date | None) -> _Cluster | None:
        if self._embedder is None:
            return None
        others = [
            e
            for e in reversed(self.events.values())
            if e.language != profile.language and e.near(day, self.thresholds.event_gap_days)
        ][:CROSS_LINGUAL_CANDIDATES]
        if not others:
            return None
        mine = self._embedder(profile.article_id)
        scored = [
            (max(float(mine @ self._embedder(m)) for m in e.members[-CROSS_LINGUAL_MEMBERS:]), e.id) for e in others
        ]
        best = max(scored)
        return self.events[best[1]] if best[0] >= self.thresholds.cross_lingual else None


def cluster_profiles(
    profiles: Iterable[Profile], embedder: Embedder | None = None, thresholds: Thresholds | None = None
) -> list[Placement]:
    """Cluster profiles from scratch, in the order given (publication order for a rebuild)."""
    return StoryClusterer(embedder, thresholds).add_all(profiles)


def _touch(posting: dict[str, None], cluster_id: str) -> None:
    """Move a cluster to the recent end of a term's posting (dicts keep insertion order)."""
    posting.pop(cluster_id, None)
    posting[cluster_id] = None


def _heaviest(vector: Vector) -> list[str]:
    return sorted(vector, key=vector.__getitem__, reverse=True)[:CANDIDATE_TERMS]


def _day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
