"""Online two-level clustering: each article joins an event (or opens one), each new event a story.

Articles arrive one at a time, ideally in publication order. An article that
copies an earlier one (a dedupe link) joins that article's event outright.
Otherwise, for an understood article (its profile has entities and an e5
vector), the learned decisions of `model.py` decide: it joins the event, among
those active within `EVENT_MAX_GAP_DAYS`, with the highest probability of
being its event when that probability reaches the model's threshold; else it
opens a new event, which joins the story (active within `STORY_MAX_GAP_DAYS`)
with the highest probability above the story threshold, or opens a new story.
Candidates are the clusters sharing the article's heaviest terms or
title-and-lead entities, and those whose mean vector is nearest to its own.
An article with no annotation (`marsad ingest --no-understand`) is placed by
the TF-IDF cosine alone: `EVENT_MIN_SIMILARITY`, `STORY_MIN_SIMILARITY`.

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

from marsad.entities.transliterate import skeletons
from marsad.stories.model import Decision, Item, Members, StoryModel, Vector, dot, features, shipped_model, unit
from marsad.stories.profile import Profile

EVENT_MIN_SIMILARITY = 0.3
"""Similarity (see `EVENT_LINKAGE`) between an article and an event above which the article joins the event."""

EVENT_LINKAGE = 1.0
"""How an article's similarity to a cluster is averaged over the members: 1.0 is average linkage (mean
cosine with the members), 0.0 the cosine with the centroid, in between a blend (see `Cluster.similarity`).
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

CROSS_LINGUAL_NAMED_SIMILARITY = 0.84
"""A lower cosine that suffices when `CROSS_LINGUAL_SHARED_NAMES` of the article's title-and-lead names
meet the event's across scripts (Haftar / حفتر by consonant skeleton). Set on one pair (the seeds' event and
an English wire report of it, 0.86 with Trump and Haftar shared): a first guess, not a calibration."""

CROSS_LINGUAL_SHARED_NAMES = 2

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

CROSS_LINGUAL_SCANNED = 1000
"""Other-language events are looked for among this many of the latest events (not the whole stream)."""

CROSS_LINGUAL_MEMBERS = 5
"""An article is compared across languages with this many of an event's latest articles."""

VECTOR_CANDIDATES = 10
"""Clusters, nearest by their mean title-and-lead vector, scored beside those sharing terms or entities."""

ENTITY_KEY = "@"
"""Prefix of an entity's key in the postings (terms never start with it)."""

EVENT, STORY = "event", "story"



@dataclass(frozen=True)
class Thresholds:
    """The clusterer's decision thresholds (the module constants by default; benchmarks sweep them)."""

    event: float = EVENT_MIN_SIMILARITY
    event_gap_days: int = EVENT_MAX_GAP_DAYS
    story: float = STORY_MIN_SIMILARITY
    story_gap_days: int = STORY_MAX_GAP_DAYS
    cross_lingual: float = CROSS_LINGUAL_MIN_SIMILARITY


Embedder = Callable[[str], NDArray[np.float32]]  # article id -> normalised title+lead embedding


@dataclass
class Cluster:
    """An event or a story: its members' accumulated features and its time span."""

    id: str
    first: date | None
    last: date | None
    norm2: float = 0.0  # squared length of the term centroid, kept up to date by `add`
    language: str = ""
    linkage: float = EVENT_LINKAGE
    story_id: str = ""  # events only
    sums: Members = field(default_factory=Members)
    keys: set[str] = field(default_factory=set)  # the posting keys it is filed under

    @property
    def size(self) -> int:
        return self.sums.size

    def add(self, item: Item) -> None:
        centroid = self.sums.terms
        for term, weight in item.terms.items():
            self.norm2 += weight * (2 * centroid.get(term, 0.0) + weight)
        self.sums.add(item)
        if item.day is not None:
            self.first = item.day if self.first is None else min(self.first, item.day)
            self.last = item.day if self.last is None else max(self.last, item.day)

    def similarity(self, vector: Vector) -> float:
        """dot(vector, centroid) / (|centroid|^(1-linkage) * size^linkage): the mean cosine with the
        members at linkage 1 (members are unit vectors), the cosine with the centroid at linkage 0."""
        norm = math.sqrt(self.norm2)
        if norm == 0:
            return 0.0
        return float(dot(vector, self.sums.terms) / (norm ** (1 - self.linkage) * self.size**self.linkage))

    def features(self, item: Item) -> list[float]:
        return features(item, self.sums, self.first, self.last)

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
    """The online clusterer's state: document frequencies, events, stories and their postings."""

    def __init__(
        self, embedder: Embedder | None = None, thresholds: Thresholds | None = None, model: StoryModel | None = None
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.model = model or shipped_model()
        self.documents = 0
        self.df: Counter[str] = Counter()
        self.events: dict[str, Cluster] = {}
        self.stories: dict[str, Cluster] = {}
        self.event_of: dict[str, str] = {}  # article id -> event id
        self._event_postings: defaultdict[str, dict[str, None]] = defaultdict(dict)
        self._story_postings: defaultdict[str, dict[str, None]] = defaultdict(dict)
        self._event_vectors = VectorIndex()
        self._story_vectors = VectorIndex()
        self._embedder = embedder
        self.touched: dict[tuple[str, str], set[str]] = {}  # (level, cluster id) -> keys added since `drain`

    def load_frequencies(self, documents: int, df: dict[str, int]) -> None:
        """Start from the document frequencies of a store instead of from nothing."""
        self.documents = documents
        self.df = Counter(df)

    def restore(self, profile: Profile, event_id: str, story_id: str) -> None:
        """Replay an earlier placement (from a store) without deciding anything or counting the article again."""
        self._join(self._item(profile), profile.language, event_id, story_id)

    def preview(self, profile: Profile) -> Item:
        """An article as the clusterer would compare it now, without counting it in."""
        return self._item(profile)

    def observe(self, profile: Profile) -> Item:
        """Count a new article into the document frequencies; return it as the clusterer compares it."""
        self.documents += 1
        self.df.update(profile.terms.keys())
        return self._item(profile)

    def adopt(self, level: str, cluster: Cluster) -> None:
        """Take in a cluster made earlier (read back from a store), filed under its posting keys."""
        clusters, postings, vectors = (
            (self.events, self._event_postings, self._event_vectors) if level == EVENT
            else (self.stories, self._story_postings, self._story_vectors)
        )
        if cluster.id in clusters:
            return
        clusters[cluster.id] = cluster
        for key in cluster.keys:
            _touch(postings[key], cluster.id)
        if cluster.sums.vector is not None:
            vectors.put(cluster.id, cluster.sums.vector, cluster.last)

    def drain(self) -> list[tuple[str, Cluster, set[str]]]:
        """The clusters changed since the last call, with the keys they gained: (level, cluster, keys)."""
        changed = [
            (level, (self.events if level == EVENT else self.stories)[cluster_id], keys)
            for (level, cluster_id), keys in self.touched.items()
        ]
        self.touched = {}
        return changed

    def join(self, item: Item, language: str, event_id: str, story_id: str) -> None:
        """Put an article in an event and a story (new ones when the ids are new)."""
        self._join(item, language, event_id, story_id)

    def add(self, profile: Profile) -> Placement:
        """Place one article: into an existing event, or a new event of an existing or new story."""
        item = self.observe(profile)
        event = self._copied_event(profile) or self._best_event(profile, item)
        if event is not None:
            story_id, event_id = event.story_id, event.id
        else:
            event_id = f"ev-{profile.article_id}"
            story = self._best_story(item)
            story_id = story.id if story else f"st-{profile.article_id}"
        self._join(item, profile.language, event_id, story_id)
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

    def decide(self, item: Item, clusters: Iterable[Cluster], decision: Decision) -> tuple[float, Cluster | None]:
        """The most probable of `clusters` under `decision`, with its probability."""
        best: tuple[float, Cluster | None] = (0.0, None)
        for cluster in clusters:
            probability = decision.probability(cluster.features(item))
            if probability > best[0]:
                best = (probability, cluster)
        return best

    def event_candidates(self, item: Item) -> list[Cluster]:
        """Events an article may join: near in time, sharing heavy terms or lead entities, or near in meaning."""
        return self._candidate_clusters(item, self._event_postings, self.events, self._event_vectors,
                                        self.thresholds.event_gap_days)

    def story_candidates(self, item: Item) -> list[Cluster]:
        """Stories a new event may join (as `event_candidates`)."""
        return self._candidate_clusters(item, self._story_postings, self.stories, self._story_vectors,
                                        self.thresholds.story_gap_days)

    def _item(self, profile: Profile) -> Item:
        raw = {t: w * self._idf(t) for t, w in profile.terms.items()}
        entities = {key: 1.0 + math.log(count) for key, count in profile.entities.items()}
        return Item(profile.article_id, day_of(profile.published), profile.outlet, unit(raw), unit(entities),
                    frozenset(profile.lead_entities), profile.vector, profile.language)

    def _idf(self, term: str) -> float:
        """Smoothed IDF, flattened while the collection is smaller than `IDF_FULL_AFTER` articles."""
        damping = min(1.0, self.documents / IDF_FULL_AFTER)
        return 1.0 + math.log((self.documents + 1) / (self.df[term] + 1)) * damping

    def _join(self, item: Item, language: str, event_id: str, story_id: str) -> None:
        event = self.events.get(event_id)
        if event is None:
            event = self.events[event_id] = Cluster(
                event_id, item.day, item.day, language=language, story_id=story_id
            )
        story = self.stories.get(story_id)
        if story is None:
            story = Cluster(story_id, item.day, item.day, language=language, linkage=STORY_LINKAGE)
            self.stories[story_id] = story
        event.add(item)
        story.add(item)
        self.event_of[item.article_id] = event_id
        keys = posting_keys(item)
        event.keys.update(keys)
        story.keys.update(keys)
        for key in keys:
            _touch(self._event_postings[key], event_id)
            _touch(self._story_postings[key], story_id)
        self.touched.setdefault((EVENT, event_id), set()).update(keys)
        self.touched.setdefault((STORY, story_id), set()).update(keys)
        for index, cluster in ((self._event_vectors, event), (self._story_vectors, story)):
            if cluster.sums.vector is not None:
                index.put(cluster.id, cluster.sums.vector, cluster.last)

    def _copied_event(self, profile: Profile) -> Cluster | None:
        for source in profile.links:
            event_id = self.event_of.get(source)
            if event_id is not None:
                return self.events[event_id]
        return None

    def _best_event(self, profile: Profile, item: Item) -> Cluster | None:
        if item.vector is not None:
            probability, event = self.decide(item, self.event_candidates(item), self.model.event)
            if event is not None and probability >= self.model.event.threshold:
                return event
        else:
            candidates = self._candidates(self._event_postings, self.events, item, self.thresholds.event_gap_days)
            best = max(((e.similarity(item.terms), e.id) for e in candidates), default=(0.0, ""))
            if best[0] >= self.thresholds.event:
                return self.events[best[1]]
        return self._best_event_across_languages(profile, item)

    def _best_story(self, item: Item) -> Cluster | None:
        if item.vector is not None:
            probability, story = self.decide(item, self.story_candidates(item), self.model.story)
            return story if probability >= self.model.story.threshold else None
        candidates = self._candidates(self._story_postings, self.stories, item, self.thresholds.story_gap_days)
        best = max(((s.similarity(item.terms), s.id) for s in candidates), default=(0.0, ""))
        return self.stories[best[1]] if best[0] >= self.thresholds.story else None

    def _candidate_clusters(
        self,
        item: Item,
        postings: defaultdict[str, dict[str, None]],
        clusters: dict[str, Cluster],
        vectors: VectorIndex,
        max_gap: int,
    ) -> list[Cluster]:
        found = {c.id: c for c in self._candidates(postings, clusters, item, max_gap)}
        if item.vector is not None:
            for cluster_id in vectors.nearest(item.vector, item.day, max_gap, VECTOR_CANDIDATES):
                found.setdefault(cluster_id, clusters[cluster_id])
        return list(found.values())

    def _candidates(
        self,
        postings: defaultdict[str, dict[str, None]],
        clusters: dict[str, Cluster],
        item: Item,
        max_gap: int,
    ) -> list[Cluster]:
        """Clusters sharing the most of the article's heaviest terms and lead entities, near in time
        (at most `MAX_CANDIDATES`); per key only the latest `MAX_POSTINGS_SCANNED` clusters to take it
        are looked at, so that common keys cost nothing extra."""
        found: Counter[str] = Counter()
        for key in posting_keys(item):
            ids = postings.get(key)
            if not ids:
                continue
            stale = []
            for cluster_id in islice(reversed(ids), MAX_POSTINGS_SCANNED):
                cluster = clusters[cluster_id]
                if cluster.near(item.day, max_gap):
                    found[cluster_id] += 1
                elif item.day and cluster.last and (item.day - cluster.last).days > max_gap:
                    stale.append(cluster_id)
            for cluster_id in stale:  # streaming in date order: they will never be near again
                del ids[cluster_id]
        return [clusters[cluster_id] for cluster_id, _ in found.most_common(MAX_CANDIDATES)]

    def _best_event_across_languages(self, profile: Profile, item: Item) -> Cluster | None:
        """For an article with no event in its own language: the event in another language whose latest
        members' title-and-lead vectors come closest to its own, above `CROSS_LINGUAL_MIN_SIMILARITY`."""
        if item.vector is None and self._embedder is None:
            return None
        others = [
            e
            for e in islice(reversed(self.events.values()), CROSS_LINGUAL_SCANNED)
            if e.language != profile.language and e.near(item.day, self.thresholds.event_gap_days)
        ][:CROSS_LINGUAL_CANDIDATES]
        if not others:  # the common case: nothing to embed the article for
            return None
        mine = item.vector if item.vector is not None else self._embedder(item.article_id) if self._embedder else None
        if mine is None:
            return None
        scored = [(max((float(mine @ v) for v in self._latest_vectors(e)), default=0.0), e.id) for e in others]
        for cosine, event_id in sorted(scored, reverse=True):
            if cosine >= self.thresholds.cross_lingual:
                return self.events[event_id]
            if cosine < CROSS_LINGUAL_NAMED_SIMILARITY:
                return None
            if shared_names(item.lead_entities, self.events[event_id].sums.leads) >= CROSS_LINGUAL_SHARED_NAMES:
                return self.events[event_id]
        return None

    def _latest_vectors(self, event: Cluster) -> list[NDArray[np.float32]]:
        latest = list(event.sums.recent)[-CROSS_LINGUAL_MEMBERS:]
        if self._embedder is None:
            return [m.vector for m in latest if m.vector is not None]
        return [m.vector if m.vector is not None else self._embedder(m.article_id) for m in latest]


class VectorIndex:
    """Clusters' mean vectors in one growing matrix, for the nearest ones active near a day."""

    def __init__(self) -> None:
        self._rows: dict[str, int] = {}
        self._ids: list[str] = []
        self._matrix = np.zeros((64, 384), dtype=np.float32)
        self._last = np.zeros(64, dtype=np.int64)

    def put(self, cluster_id: str, vector: NDArray[np.float64], last: date | None) -> None:
        row = self._rows.get(cluster_id)
        if row is None:
            row = self._rows[cluster_id] = len(self._ids)
            self._ids.append(cluster_id)
            if row == len(self._matrix):
                self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
                self._last = np.concatenate([self._last, np.zeros_like(self._last)])
        self._matrix[row] = vector / max(float(np.linalg.norm(vector)), 1e-12)
        self._last[row] = last.toordinal() if last else 0

    def nearest(self, vector: NDArray[np.float32], day: date | None, max_gap: int, k: int) -> list[str]:
        """Ids of the (at most) `k` clusters with the highest cosine, last active within `max_gap` days."""
        n = len(self._ids)
        if n == 0:
            return []
        scores = self._matrix[:n] @ vector
        if day is not None:
            scores = np.where(np.abs(day.toordinal() - self._last[:n]) <= max_gap, scores, -np.inf)
        top = np.argsort(-scores)[:k]
        return [self._ids[i] for i in top if np.isfinite(scores[i])]


def cluster_profiles(
    profiles: Iterable[Profile], embedder: Embedder | None = None, thresholds: Thresholds | None = None
) -> list[Placement]:
    """Cluster profiles from scratch, in the order given (publication order for a rebuild)."""
    return StoryClusterer(embedder, thresholds).add_all(profiles)


def shared_names(names: Iterable[str], others: Iterable[str]) -> int:
    """How many of `names` (entity keys) have a word whose consonant skeleton is a word skeleton of `others`."""
    theirs = {s for name in others for word in name.split() for s in skeletons(word) if len(s) >= 3}
    return sum(1 for name in names if any(skeletons(word) & theirs for word in name.split()))


def posting_keys(item: Item) -> list[str]:
    """What an article files its clusters under: its heaviest terms and its title-and-lead entities."""
    return [*_heaviest(item.terms), *(ENTITY_KEY + k for k in sorted(item.lead_entities))]


def _touch(posting: dict[str, None], cluster_id: str) -> None:
    """Move a cluster to the recent end of a term's posting (dicts keep insertion order)."""
    posting.pop(cluster_id, None)
    posting[cluster_id] = None


def _heaviest(vector: Vector) -> list[str]:
    return sorted(vector, key=vector.__getitem__, reverse=True)[:CANDIDATE_TERMS]


def day_of(published: str | None) -> date | None:
    """The day of a `published` string, if it starts with one."""
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
