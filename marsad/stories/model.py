"""The learned decisions of story clustering: does an article belong to this event, or its new event
to this story? Logistic regressions over a few similarities between the article and the cluster.

The features compare the article with the cluster as a whole (the mean over its
members, i.e. average linkage) and with its most similar recent member (single
linkage over the last `RECENT_MEMBERS`): TF-IDF cosine of title-and-lead terms,
cosine of multilingual-e5 title-and-lead vectors (which meet across languages
and across the lexically different angles of one big story), cosine of named
entities (term and entity means are over the members in the article's language:
an English member shares no term with Arabic coverage), the share of the article's title-and-lead entities the cluster
already names, the cluster's size, the days between them and the share of the
cluster's articles from the article's outlet. The weights and thresholds are
fitted by `scripts/train_stories.py` on the hand-labelled ANT windows
(`benchmarks/data/stories/`) and shipped in `data/model.json`.
"""

from __future__ import annotations

import json
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

FEATURES = (
    "term_mean", "term_max", "vector_mean", "vector_max", "entity_mean", "entity_max",
    "lead_entities", "log_size", "day_gap", "same_outlet",
)
RECENT_MEMBERS = 20
"""Members a cluster keeps whole for the single-linkage features (its latest ones)."""

GAP_SATURATION_DAYS = 7
"""The day gap feature stops growing here. The windows taught the model gaps of up to three days, and a
linear weight carried to months would forbid any affair to last (the seeds' June and November follow-ups
of an April call); beyond a week the similarities decide, within `STORY_MAX_GAP_DAYS` of the clusterer."""

Vector = dict[str, float]


@dataclass(frozen=True)
class Item:
    """An article as the clusterer compares it: unit term and entity vectors, lead entities, e5 vector."""

    article_id: str
    day: date | None
    outlet: str | None
    terms: Vector
    entities: Vector
    lead_entities: frozenset[str]
    vector: NDArray[np.float32] | None
    language: str = ""


@dataclass
class Members:
    """What a cluster keeps of its articles for the features: sums, counts and its latest members."""

    size: int = 0
    terms: Vector = field(default_factory=dict)
    entities: Vector = field(default_factory=dict)
    vector: NDArray[np.float64] | None = None
    vectors: int = 0
    leads: Counter[str] = field(default_factory=Counter)
    outlets: Counter[str] = field(default_factory=Counter)
    recent: deque[Item] = field(default_factory=lambda: deque(maxlen=RECENT_MEMBERS))
    languages: Counter[str] = field(default_factory=Counter)

    def add(self, item: Item) -> None:
        self.size += 1
        for source, target in ((item.terms, self.terms), (item.entities, self.entities)):
            for key, weight in source.items():
                target[key] = target.get(key, 0.0) + weight
        if item.vector is not None:
            self.vector = item.vector.astype(np.float64) if self.vector is None else self.vector + item.vector
            self.vectors += 1
        self.leads.update(item.lead_entities)
        self.outlets[item.outlet or ""] += 1
        self.languages[item.language] += 1
        self.recent.append(item)


def features(item: Item, members: Members, first: date | None, last: date | None) -> list[float]:
    """The features (in `FEATURES` order) of an article against a cluster."""
    n = max(members.size, 1)
    # Terms and entity keys meet only within a language: means over the members in the article's own.
    n_own = max(members.languages[item.language], 1) if members.languages else n
    recent = members.recent
    with_vectors = [m.vector for m in recent if m.vector is not None]
    vector_mean = vector_max = 0.0
    if item.vector is not None and members.vector is not None and members.vectors:
        vector_mean = float(item.vector @ members.vector) / members.vectors
        vector_max = max(float(item.vector @ v) for v in with_vectors) if with_vectors else 0.0
    leads = sum(1 for key in item.lead_entities if members.leads[key]) / max(1, len(item.lead_entities))
    return [
        dot(item.terms, members.terms) / n_own, max((dot(item.terms, m.terms) for m in recent), default=0.0),
        vector_mean, vector_max,
        dot(item.entities, members.entities) / n_own,
        max((dot(item.entities, m.entities) for m in recent), default=0.0),
        leads, math.log(n), float(min(_gap(item.day, first, last), GAP_SATURATION_DAYS)),
        members.outlets[item.outlet or ""] / n,
    ]


@dataclass(frozen=True)
class Decision:
    """One logistic regression and the probability above which it says yes."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, values: list[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class StoryModel:
    """The event decision (join this event?) and the story decision (does the new event join this story?)."""

    event: Decision
    story: Decision


@lru_cache(maxsize=1)
def shipped_model() -> StoryModel:
    """The model in `data/model.json`."""
    data = json.loads(resources.files("marsad.stories").joinpath("data/model.json").read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError("stories/data/model.json was trained on other features: run scripts/train_stories.py")
    return StoryModel(*(Decision(tuple(data[k]["weights"]), data[k]["bias"], data[k]["threshold"])
                        for k in ("event", "story")))


def dot(a: Vector, b: Vector) -> float:
    """Dot product of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(key, 0.0) for key, weight in a.items())


def unit(weights: Vector) -> Vector:
    """`weights` scaled to length 1."""
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {key: w / norm for key, w in weights.items()}


def _gap(day: date | None, first: date | None, last: date | None) -> int:
    if day is None or first is None or last is None:
        return 0
    return min(abs((day - last).days), abs((day - first).days))
