"""HTML extraction on the Article Extraction Benchmark: marsad adds to trafilatura, never subtracts."""

from __future__ import annotations

import statistics
from pathlib import Path

from marsad.quality.extraction import evaluate

# Measured (python benchmarks/extraction_quality.py): trafilatura alone mean F1 0.948,
# median 0.9875; marsad 0.962 / 0.9948.
MARSAD_MEAN_F1_FLOOR = 0.955


def test_marsad_is_at_least_as_good_as_trafilatura_alone(shared_data: Path) -> None:
    scores = evaluate(shared_data / "extraction" / "scrapinghub-aeb")
    alone = [s.f1 for s in scores["trafilatura"]]
    ours = [s.f1 for s in scores["marsad"]]
    assert len(ours) == len(alone) == 181
    assert statistics.mean(ours) >= statistics.mean(alone)
    assert statistics.median(ours) >= statistics.median(alone)
    assert statistics.mean(ours) >= MARSAD_MEAN_F1_FLOOR
