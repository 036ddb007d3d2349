"""Event and story clustering quality (B-cubed) on hand-labelled ANT windows, beside a TF-IDF baseline.

    .venv/bin/python benchmarks/stories_quality.py [--cache DIR]  # marsad's figures and the baseline's best
    .venv/bin/python benchmarks/stories_quality.py --sweep        # also the terms-only threshold grid

For each window it prints marsad as `marsad ingest` places articles (understood at
ingest: the learned model over terms, entities and e5 vectors), in-sample since
the shipped model was fitted on all the windows, beside the same window held out
(the model fitted on the other windows, as `scripts/train_stories.py` measured and
recorded in `marsad/stories/data/model.json`); marsad `--no-understand` (terms only);
and the baseline. Understanding a window takes minutes: `--cache DIR` keeps the
understood stores between runs (the training script's cache serves too).

The windows are in `benchmarks/data/stories/ant-window-*.tsv` (article ids of
the ANT corpus with hand labels; how they were made is in the `.md` beside
each). The baseline is the one the issue names: TF-IDF over title and text,
agglomerative clustering with average linkage on cosine distance, at the
distance threshold that is best for each level separately (an oracle choice
that favours the baseline). Needs the `train` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from ant import records
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

from marsad.stories.cluster import Thresholds
from marsad.stories.evaluate import (
    Labels,
    PlacedWindow,
    Scores,
    model_labels,
    read_labels,
    score,
    understood_profiles,
)
from marsad.text.normalize import fold

REPO = Path(__file__).resolve().parents[1]
WINDOWS = REPO / "benchmarks" / "data" / "stories"


def load_records(ids: set[str]) -> list[dict[str, Any]]:
    """The ANT records with these ids, in corpus order."""
    return [r for r in records() if r["id"] in ids]


def baseline(records: list[dict[str, Any]], gold: Labels) -> dict[str, tuple[float, float]]:
    """Best B-cubed F1 (and its threshold) of TF-IDF + average linkage, per level."""
    texts = [fold(f"{r.get('title') or ''} {r.get('text') or ''}") for r in records]
    matrix = TfidfVectorizer(sublinear_tf=True, min_df=1).fit_transform(texts).toarray()
    best = {"event": (0.0, 0.0), "story": (0.0, 0.0)}
    for threshold in np.arange(0.05, 1.0, 0.05):
        model = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=float(threshold)
        )
        found = [str(c) for c in model.fit_predict(matrix)]
        labels = {r["id"]: c for r, c in zip(records, found, strict=True)}
        scores = score(gold, Labels(labels, labels))
        for level, value in (("event", scores.event[2]), ("story", scores.story[2])):
            if value > best[level][0]:
                best[level] = (value, float(threshold))
    return best


def sweep(window: PlacedWindow, gold: Labels) -> None:
    """Print marsad's B-cubed F1 over a grid of event and story thresholds."""
    print("  event-threshold story-threshold  event-F1 story-F1")
    for event in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        for story in (0.08, 0.1, 0.12, 0.15, 0.2, 0.25):
            s = score(gold, window.recluster(Thresholds(event=event, story=story)))
            print(f"  {event:15.2f} {story:15.2f} {s.event[2]:9.3f} {s.story[2]:8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="print the terms-only threshold grid too")
    parser.add_argument("--cache", type=Path, help="folder keeping the understood windows' stores between runs")
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.mkdtemp())
    cache.mkdir(parents=True, exist_ok=True)
    held_out = json.loads((REPO / "marsad" / "stories" / "data" / "model.json").read_text())["held_out_bcubed_f1"]
    for path in sorted(WINDOWS.glob("ant-window-*[0-9].tsv")):  # the second annotators' files are not gold
        name = path.name[len("ant-window-") : -len(".tsv")]
        gold = read_labels(path)
        records = load_records(set(gold.events))
        understood = score(gold, model_labels(understood_profiles(records, cache / f"{name}.db", workers=2)))
        window = PlacedWindow(records)
        terms_only = score(gold, window.placed)
        base = baseline(records, gold)
        print(f"{path.name}: {len(records)} articles, {len(set(gold.events.values()))} events,"
              f" {len(set(gold.stories.values()))} stories (gold)")
        _row("marsad, in-sample", understood)
        if name in held_out:
            print(f"  {'marsad, window held out':26s} events F1 {held_out[name]['event']:.3f}"
                  f" | stories F1 {held_out[name]['story']:.3f}")
        _row("marsad --no-understand", terms_only)
        print(f"  {'baseline':26s} events F1 {base['event'][0]:.3f} (best threshold {base['event'][1]:.2f})"
              f" | stories F1 {base['story'][0]:.3f} (best threshold {base['story'][1]:.2f})")
        if args.sweep:
            sweep(window, gold)


def _row(label: str, scores: Scores) -> None:
    print(f"  {label:26s} events P {scores.event[0]:.3f} R {scores.event[1]:.3f} F1 {scores.event[2]:.3f}"
          f" | stories P {scores.story[0]:.3f} R {scores.story[1]:.3f} F1 {scores.story[2]:.3f}")


if __name__ == "__main__":
    main()
