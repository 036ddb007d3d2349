"""HTML extraction quality on the Article Extraction Benchmark (AEB), beside trafilatura alone.

For each of the 181 pages, token-level precision, recall and F1 of the article
body against the hand-made ground truth (the AEB measure), for:
- trafilatura alone (its defaults: `trafilatura.extract(html)`);
- marsad (trafilatura extraction, then marsad's cleaning; the title is not
  part of AEB's articleBody, so it is left out).

    python benchmarks/extraction_quality.py
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from marsad.quality.extraction import evaluate

DEFAULT_AEB = Path(__file__).resolve().parents[2] / "shared/data/extraction/scrapinghub-aeb"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_AEB
    scores = evaluate(folder)
    for system, rows in scores.items():
        f1 = [r.f1 for r in rows]
        print(f"{system:12s} pages {len(rows):4d}  mean F1 {statistics.mean(f1):.4f}  "
              f"median F1 {statistics.median(f1):.4f}  "
              f"mean P {statistics.mean(r.precision for r in rows):.4f}  "
              f"mean R {statistics.mean(r.recall for r in rows):.4f}")


if __name__ == "__main__":
    main()
