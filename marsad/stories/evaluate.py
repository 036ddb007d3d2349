"""Measuring story clustering against hand labels (B-cubed), as the tests and benchmarks do.

A labelled window is a TSV with a header `id, event, story`, one row per
article, ids being the input records' own `id` field. `place_records` runs the
real pipeline (ingest, clean, dedupe, cluster) over the records in a scratch
store and returns, per input id, the event and story marsad gave it.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.pipeline import ingest
from marsad.store.sqlite import SQLiteStore
from marsad.stories.assign import bcubed, profile_of_stored
from marsad.stories.cluster import Placement, StoryClusterer, Thresholds, cluster_profiles
from marsad.stories.model import StoryModel
from marsad.stories.profile import Profile
from marsad.understand.workers import Understanding


@dataclass(frozen=True)
class Labels:
    """Gold events and stories of a window, by input id."""

    events: dict[str, str]
    stories: dict[str, str]


@dataclass(frozen=True)
class Scores:
    """B-cubed precision, recall and F1 at event and story level."""

    event: tuple[float, float, float]
    story: tuple[float, float, float]


def read_labels(path: Path) -> Labels:
    """Read a labelled window (`id`, `event`, `story` columns)."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return Labels({r["id"]: r["event"] for r in rows}, {r["id"]: r["story"] for r in rows})


def score(gold: Labels, predicted: Labels) -> Scores:
    """B-cubed scores of a prediction against gold labels."""
    return Scores(bcubed(gold.events, predicted.events), bcubed(gold.stories, predicted.stories))


def understood_profiles(records: Sequence[dict[str, Any]], db: Path, workers: int = 1) -> dict[str, Profile]:
    """Profiles (by input id) of records ingested with understanding into the store `db`, which is made
    once and reused (understanding a window of a thousand articles takes a while)."""
    if not db.exists():
        source = db.with_suffix(".jsonl")
        source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        store = SQLiteStore(db)
        with Understanding(workers) as understanding:
            ingest([str(source)], store, understanding=understanding)
        store.close()
    store = SQLiteStore(db)
    input_id = {s.id: s.input_id or s.id for s in store.summaries(limit=10**9)}
    found = {input_id[a.article_id]: profile_of_stored(store, a.article_id) for a in store.assignments()}
    store.close()
    return found


def publication_order(profiles: dict[str, Profile]) -> list[tuple[str, Profile]]:
    """(input id, profile) pairs in publication order, undated last."""
    return sorted(profiles.items(), key=lambda kv: (kv[1].published is None, kv[1].published or "", kv[0]))


def model_labels(profiles: dict[str, Profile], model: StoryModel | None = None) -> Labels:
    """The events and stories (by input id) the clusterer gives understood profiles in publication order."""
    ordered = publication_order(profiles)
    placements = StoryClusterer(model=model).add_all([p for _, p in ordered])
    by_article = {p.article_id: p for p in placements}
    return Labels({i: by_article[p.article_id].event_id for i, p in ordered},
                  {i: by_article[p.article_id].story_id for i, p in ordered})


class PlacedWindow:
    """A window of records run through the pipeline once; re-clustering with other thresholds is cheap."""

    def __init__(self, records: Sequence[dict[str, Any]]) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / "window.jsonl"
            source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
            store = SQLiteStore(Path(scratch) / "window.db")
            ingest([str(source)], store)
            self.input_id = {s.id: s.input_id or s.id for s in store.summaries(limit=len(records) + 1)}
            assigned = list(store.assignments())
            store.close()
        self.profiles = [Profile.decode(a.article_id, a.profile) for a in assigned]
        self.placed = self._labels(Placement(a.article_id, a.event_id, a.story_id) for a in assigned)

    def recluster(self, thresholds: Thresholds) -> Labels:
        """The labels the clusterer gives these articles with other thresholds."""
        return self._labels(cluster_profiles(self.profiles, thresholds=thresholds))

    def _labels(self, placements: Iterable[Placement]) -> Labels:
        events, stories = {}, {}
        for p in placements:
            events[self.input_id[p.article_id]] = p.event_id
            stories[self.input_id[p.article_id]] = p.story_id
        return Labels(events, stories)
