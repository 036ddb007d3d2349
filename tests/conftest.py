"""Shared fixtures: where the public gold data and the seed articles live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public gold data folder (`../shared/data`), which CI places beside the repo."""
    assert DATA.is_dir(), f"public data not found at {DATA}"
    return DATA


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five seed articles (`../shared/seeds`) with their `meta.json`."""
    assert SEEDS.is_dir(), f"seed articles not found at {SEEDS}"
    return SEEDS
