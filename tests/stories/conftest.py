"""Labelled ANT windows, read once per session."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from marsad.stories.evaluate import Labels, PlacedWindow, read_labels

REPO = Path(__file__).resolve().parents[2]
WINDOWS = REPO / "benchmarks" / "data" / "stories"


@pytest.fixture(scope="session")
def ant_windows(shared_data: Path) -> dict[str, tuple[Labels, list[dict[str, Any]]]]:
    """Every labelled window: its gold labels and its ANT records, by window date."""
    labels = {p.name[len("ant-window-") : -len(".tsv")]: read_labels(p) for p in WINDOWS.glob("ant-window-*[0-9].tsv")}
    wanted = {i for gold in labels.values() for i in gold.events}
    records: dict[str, dict[str, Any]] = {}
    with gzip.open(shared_data / "corpora" / "ant-2018.jsonl.gz", "rt", encoding="utf-8") as handle:
        for record in map(json.loads, handle):
            if record["id"] in wanted:
                records[record["id"]] = record
    return {name: (gold, [records[i] for i in gold.events]) for name, gold in labels.items()}


class PlacedWindows(dict[str, PlacedWindow]):
    """Windows run through the whole pipeline once each, when a test first asks for one."""

    def __init__(self, windows: dict[str, tuple[Labels, list[dict[str, Any]]]]) -> None:
        super().__init__()
        self.windows = windows

    def __missing__(self, name: str) -> PlacedWindow:
        self[name] = placed = PlacedWindow(self.windows[name][1])
        return placed


@pytest.fixture(scope="session")
def placed_windows(ant_windows: dict[str, tuple[Labels, list[dict[str, Any]]]]) -> dict[str, PlacedWindow]:
    """Each window run through the whole pipeline, once, on first use."""
    return PlacedWindows(ant_windows)
