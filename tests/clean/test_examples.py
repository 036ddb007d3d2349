"""Cleaning on the bundled example corpus, against its hand-written gold (examples/expected.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from marsad.pipeline import clean_inputs
from marsad.records import Article

REPO = Path(__file__).resolve().parents[2]
GOLD: dict[str, Any] = json.loads((REPO / "examples" / "expected.json").read_text("utf-8"))
TEXT_FILES = sorted(name for name in GOLD["files"] if name.endswith(".txt"))


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    found = clean_inputs([str(REPO / "examples" / "corpus")])
    return {Path(a.origin.path).name: a for a in found if isinstance(a, Article)}


@pytest.mark.parametrize("name", TEXT_FILES)
def test_gold_sentences_are_kept(articles: dict[str, Article], name: str) -> None:
    for sentence in GOLD["files"][name]["keep"]:
        assert sentence in articles[name].text


@pytest.mark.parametrize("name", TEXT_FILES)
def test_gold_noise_lines_are_removed(articles: dict[str, Article], name: str) -> None:
    paragraphs = set(articles[name].text.split("\n\n"))
    for line in GOLD["files"][name]["remove"]:
        assert line.strip() not in paragraphs


@pytest.mark.parametrize("name", TEXT_FILES)
def test_gold_title_and_byline(articles: dict[str, Article], name: str) -> None:
    gold = GOLD["files"][name]
    if gold.get("title"):
        assert articles[name].title == gold["title"]
    if gold.get("author"):
        assert articles[name].author == gold["author"]
