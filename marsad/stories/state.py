"""The clusterer's events and stories as the store keeps them, so that placing new articles loads only
the clusters they may join (found by shared terms and entities, or by nearness of their vectors), never
the whole active window.

A cluster's state is everything its features need: its sums of member vectors,
its counts, its time span and its latest `model.RECENT_MEMBERS` members whole.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections import Counter, deque
from datetime import date
from typing import Any

import numpy as np

from marsad.stories.cluster import Cluster
from marsad.stories.model import RECENT_MEMBERS, Item, Members
from marsad.understand.codec import pack_vectors, unpack_vectors

KEPT_TERMS = 1000
"""A cluster keeps the sums of its heaviest terms (and entities) only: a big story's long tail of terms each
said once made its state 100 KB, which every article that might join it had to read back."""

DIGITS = 5
"""Weights are kept to this many decimals (a unit vector's weights; the cosines move by less than 1e-4)."""


def encode_cluster(cluster: Cluster) -> bytes:
    """A cluster's state, compact."""
    sums = cluster.sums
    data = {
        "first": _day(cluster.first), "last": _day(cluster.last), "norm2": cluster.norm2,
        "language": cluster.language, "linkage": cluster.linkage, "story": cluster.story_id,
        "size": sums.size, "terms": _heaviest(sums.terms), "entities": _heaviest(sums.entities),
        "vector": None if sums.vector is None else sums.vector.tolist(), "vectors": sums.vectors,
        "leads": dict(sums.leads), "outlets": dict(sums.outlets),
        "recent": [_item(m) for m in sums.recent], "keys": sorted(cluster.keys), "languages": dict(sums.languages),
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def decode_cluster(cluster_id: str, blob: bytes) -> Cluster:
    """The inverse of `encode_cluster`."""
    data = json.loads(zlib.decompress(blob))
    sums = Members(
        size=data["size"], terms=data["terms"], entities=data["entities"],
        vector=None if data["vector"] is None else np.array(data["vector"], dtype=np.float64),
        vectors=data["vectors"], leads=Counter(data["leads"]), outlets=Counter(data["outlets"]),
        recent=deque((_read_item(m) for m in data["recent"]), maxlen=RECENT_MEMBERS),
        languages=Counter(data.get("languages") or {data["language"]: data["size"]}),  # older states: one language
    )
    return Cluster(cluster_id, _read_day(data["first"]), _read_day(data["last"]), data["norm2"], data["language"],
                   data["linkage"], data["story"], sums, set(data["keys"]))


def cluster_vector(cluster: Cluster) -> bytes | None:
    """The cluster's mean vector, packed (what nearest-cluster lookups scan)."""
    vector = cluster.sums.vector
    if vector is None:
        return None
    unit = (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
    return pack_vectors(unit[None])


def _heaviest(weights: dict[str, float]) -> dict[str, float]:
    """The `KEPT_TERMS` heaviest weights, rounded to `DIGITS` decimals."""
    kept = sorted(weights.items(), key=lambda kv: -kv[1])[:KEPT_TERMS]
    return {key: round(weight, DIGITS) for key, weight in kept}


def _item(item: Item) -> dict[str, Any]:
    return {
        "id": item.article_id, "day": _day(item.day), "outlet": item.outlet, "terms": _heaviest(item.terms),
        "entities": _heaviest(item.entities), "leads": sorted(item.lead_entities), "language": item.language,
        "vector": None if item.vector is None else base64.b64encode(pack_vectors(item.vector[None])).decode(),
    }


def _read_item(data: dict[str, Any]) -> Item:
    vector = None if data["vector"] is None else unpack_vectors(base64.b64decode(data["vector"]))[0]
    return Item(data["id"], _read_day(data["day"]), data["outlet"], data["terms"], data["entities"],
                frozenset(data["leads"]), vector, data.get("language", ""))


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _read_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
