"""Fit the learned decisions of story clustering on the hand-labelled ANT windows; print how they generalise.

    .venv/bin/python scripts/train_stories.py [--cache DIR] [--workers 2]   # needs the `train` extra

Each window of `benchmarks/data/stories/` (second annotations left out) is run
through the real pipeline once — ingest with understanding into a scratch
store (`--cache` keeps the stores: understanding a thousand articles takes a
while) — and its articles' profiles (terms, entities, e5 vector) are read back.
Instances are made by streaming each window in publication order with its gold
events and stories: every candidate cluster of an article (those the clusterer
would score) against it, labelled by whether it is the article's gold event (or,
for an article opening a new gold event, its gold story). Two logistic
regressions are fitted (scikit-learn, standardised features, L2), then each
window is clustered by the real clusterer with the model fitted on the *other*
windows, over a grid of the two thresholds; the pair with the best mean
(event + story B-cubed F1) across held-out windows is kept, and the model
fitted on all windows is written to `marsad/stories/data/model.json` with
those figures (`--event-threshold` fixes the event threshold instead: the mean
held-out event F1 is flat from 0.3 to 0.4, 0.856, 0.859, 0.859).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from ant import records  # noqa: E402  (the benchmarks' one ANT reader)

from marsad.stories.cluster import Cluster, StoryClusterer  # noqa: E402
from marsad.stories.evaluate import (  # noqa: E402
    Labels,
    model_labels,
    publication_order,
    read_labels,
    score,
    understood_profiles,
)
from marsad.stories.model import FEATURES, Decision, Item, StoryModel  # noqa: E402
from marsad.stories.profile import Profile  # noqa: E402

WINDOWS = REPO / "benchmarks" / "data" / "stories"
MODEL = REPO / "marsad" / "stories" / "data" / "model.json"
EVENT_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
STORY_THRESHOLDS = (0.15, 0.2, 0.3, 0.4, 0.5)
Instances = tuple[list[list[float]], list[int], list[list[float]], list[int]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="folder keeping the windows' stores between runs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--event-threshold", type=float,
                        help="fix the event threshold instead of choosing it")
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.mkdtemp())
    cache.mkdir(parents=True, exist_ok=True)
    windows = {p.name[len("ant-window-") : -len(".tsv")]: read_labels(p)
               for p in sorted(WINDOWS.glob("ant-window-*[0-9].tsv"))}
    profiles = {name: window_profiles(name, gold, cache, args.workers) for name, gold in windows.items()}
    instances = {name: teacher_forced(profiles[name], windows[name]) for name in windows}
    scores: dict[tuple[float, float], list[tuple[float, float]]] = defaultdict(list)
    for held in windows:
        fitted = fit([instances[w] for w in windows if w != held])
        for event in (args.event_threshold,) if args.event_threshold else EVENT_THRESHOLDS:
            for story in STORY_THRESHOLDS:
                scores[(event, story)].append(cluster_window(profiles[held], windows[held], fitted, event, story))
    best = max(scores, key=lambda k: np.mean([e + s for e, s in scores[k]]))
    names = list(windows)
    print("held-out window (model fitted on the others)   event F1  story F1")
    for name, (event, story) in zip(names, scores[best], strict=True):
        print(f"  {name:44s} {event:8.3f} {story:8.3f}")
    mean_event, mean_story = (float(np.mean([x[i] for x in scores[best]])) for i in (0, 1))
    print(f"  {'mean':44s} {mean_event:8.3f} {mean_story:8.3f}   (thresholds event {best[0]}, story {best[1]})")
    final = fit(list(instances.values()))
    write_model(final, best, dict(zip(names, scores[best], strict=True)))
    print(f"wrote {MODEL.relative_to(REPO)}")


def window_profiles(name: str, gold: Labels, cache: Path, workers: int) -> dict[str, Profile]:
    """Profiles of a window's articles (by input id), from a store the pipeline made with understanding."""
    db = cache / f"{name}.db"
    wanted = set(gold.events)
    return understood_profiles([] if db.exists() else [r for r in records() if r["id"] in wanted], db, workers)


def teacher_forced(profiles: dict[str, Profile], gold: Labels) -> Instances:
    """Features of each article against its candidate clusters, with the gold clusters built as it goes."""
    clusterer = StoryClusterer()
    event_x: list[list[float]] = []
    event_y: list[int] = []
    story_x: list[list[float]] = []
    story_y: list[int] = []
    for input_id, profile in publication_order(profiles):
        item = clusterer.observe(profile)
        event, story = gold.events[input_id], gold.stories[input_id]
        _label(clusterer.event_candidates(item), event, clusterer.events, item, event_x, event_y)
        if event not in clusterer.events:  # the article opens its gold event: its story is decided too
            _label(clusterer.story_candidates(item), story, clusterer.stories, item, story_x, story_y)
        clusterer.join(item, profile.language, event, story)
    return event_x, event_y, story_x, story_y


def _label(candidates: list[Cluster], gold: str, clusters: dict[str, Cluster], item: Item, x: list[list[float]],
           y: list[int]) -> None:
    """The features of an article against its candidates and its gold cluster (when it exists), labelled."""
    found = {c.id: c for c in candidates}
    if gold in clusters:
        found[gold] = clusters[gold]
    for cluster in found.values():
        x.append(cluster.features(item))
        y.append(int(cluster.id == gold))


def fit(instances: list[Instances]) -> StoryModel:
    """Two logistic regressions, thresholds to be set: (event, story)."""
    decisions = []
    for x_at, y_at in ((0, 1), (2, 3)):
        x = np.array([row for inst in instances for row in inst[x_at]])  # type: ignore[index]
        y = np.array([v for inst in instances for v in inst[y_at]])  # type: ignore[index]
        scaler = StandardScaler().fit(x)
        model = LogisticRegression(C=1.0, max_iter=5000).fit(scaler.transform(x), y)
        weights = model.coef_[0] / scaler.scale_
        bias = float(model.intercept_[0] - (model.coef_[0] * scaler.mean_ / scaler.scale_).sum())
        decisions.append(Decision(tuple(float(w) for w in weights), bias, 0.5))
    return StoryModel(*decisions)


def with_thresholds(model: StoryModel, event: float, story: float) -> StoryModel:
    return StoryModel(Decision(model.event.weights, model.event.bias, event),
                      Decision(model.story.weights, model.story.bias, story))


def cluster_window(profiles: dict[str, Profile], gold: Labels, model: StoryModel, event: float,
                   story: float) -> tuple[float, float]:
    """B-cubed F1 (event, story) of the real clusterer with this model on a window."""
    scores = score(gold, model_labels(profiles, with_thresholds(model, event, story)))
    return scores.event[2], scores.story[2]


def write_model(model: StoryModel, thresholds: tuple[float, float], held_out: dict[str, tuple[float, float]]) -> None:
    data: dict[str, Any] = {
        "features": list(FEATURES),
        "event": {"weights": list(model.event.weights), "bias": model.event.bias, "threshold": thresholds[0]},
        "story": {"weights": list(model.story.weights), "bias": model.story.bias, "threshold": thresholds[1]},
        "trained_on": sorted(held_out),
        "held_out_bcubed_f1": {name: {"event": round(e, 4), "story": round(s, 4)} for name, (e, s) in held_out.items()},
        "made_by": "scripts/train_stories.py",
    }
    MODEL.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
