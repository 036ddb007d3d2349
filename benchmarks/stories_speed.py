"""Story clustering speed on the ANT corpus, streaming in date order, beside TF-IDF + average linkage.

    .venv/bin/python benchmarks/stories_speed.py                 # 5k, 10k, 20k and all 31k articles
    .venv/bin/python benchmarks/stories_speed.py --sizes 2000 5000

Both sides get the same articles (title and text, in publication order) and
are timed in CPU seconds of this process, in the same run. marsad: profiles
(stems of title and lead) and the online two-level clusterer, one article at a
time. Baseline: scikit-learn TF-IDF over title and text, then average-linkage
agglomerative clustering on cosine distance (scipy), whose distance matrix
grows with the square of the number of articles; it is only run up to
`BASELINE_MAX` articles (beyond, it needs more memory than these machines
have). Needs the `train` extra (scikit-learn, scipy).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from ant import records
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.feature_extraction.text import TfidfVectorizer

from marsad.stories.cluster import StoryClusterer
from marsad.stories.profile import profile_from_text
from marsad.text.normalize import fold

BASELINE_MAX = 10_000
BASELINE_THRESHOLD = 0.75  # the baseline's best event-level distance on the dev windows (stories_quality.py)


def load(limit: int | None) -> list[dict[str, Any]]:
    """ANT records with text, in publication order (the first `limit` of them)."""
    texts = sorted((r for r in records() if r.get("text")), key=lambda r: r.get("published") or "")
    return texts[:limit] if limit else texts


def run_marsad(records: list[dict[str, Any]]) -> tuple[float, int, int]:
    """CPU seconds, events and stories of streaming the records through the clusterer."""
    start = time.process_time()
    clusterer = StoryClusterer()
    clusterer.add_all(
        profile_from_text(r["id"], r.get("title") or "", r["text"], r.get("published"), "ar") for r in records
    )
    return time.process_time() - start, len(clusterer.events), len(clusterer.stories)


def run_baseline(records: list[dict[str, Any]]) -> tuple[float, int]:
    """CPU seconds and clusters of TF-IDF + average-linkage clustering of the records."""
    start = time.process_time()
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(
        fold(f"{r.get('title') or ''} {r['text']}") for r in records
    )
    similarity = (matrix @ matrix.T).toarray()
    distance = np.clip(1.0 - similarity[np.triu_indices(len(records), k=1)], 0.0, None)
    del similarity
    labels = fcluster(linkage(distance, method="average"), t=BASELINE_THRESHOLD, criterion="distance")
    return time.process_time() - start, len(set(labels))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[5000, 10000, 20000, 0], help="0 = all")
    args = parser.parse_args()
    corpus = load(None)
    print(f"ANT: {len(corpus)} articles with text, streamed in publication order; CPU seconds of this process")
    print(f"{'articles':>9} {'marsad s':>9} {'art/s':>8} {'events':>7} {'stories':>7}"
          f" {'baseline s':>10} {'art/s':>8} {'marsad/baseline':>15}")
    for size in args.sizes:
        records = corpus[:size] if size else corpus
        seconds, events, stories = run_marsad(records)
        line = f"{len(records):9d} {seconds:9.1f} {len(records) / seconds:8.0f} {events:7d} {stories:7d}"
        if len(records) <= BASELINE_MAX:
            base_seconds, _ = run_baseline(records)
            line += f" {base_seconds:10.1f} {len(records) / base_seconds:8.0f} {base_seconds / seconds:14.1f}x"
        else:
            line += f" {'(quadratic memory: not run)':>36}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
