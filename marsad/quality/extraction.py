"""Token-level extraction quality (the Article Extraction Benchmark's measure)."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from marsad.clean.article import clean_document
from marsad.ingest.formats import read_html
from marsad.records import Origin, RawDocument

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 of one page's extracted text."""

    precision: float
    recall: float
    f1: float


def token_scores(predicted: str, gold: str) -> Score:
    """Bag-of-tokens precision/recall/F1 of `predicted` against `gold`."""
    p, g = Counter(_TOKEN.findall(predicted.lower())), Counter(_TOKEN.findall(gold.lower()))
    overlap = sum((p & g).values())
    precision = overlap / max(1, sum(p.values()))
    recall = overlap / max(1, sum(g.values()))
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return Score(precision, recall, f1)


def marsad_body(html: bytes, url: str | None = None) -> str:
    """What marsad keeps of a page's article body (extraction + cleaning), title excluded."""
    for item in read_html(Origin("page"), html, url):
        if isinstance(item, RawDocument):
            return clean_document(item).body
    return ""


def evaluate(aeb: Path) -> dict[str, list[Score]]:
    """Scores per page for trafilatura alone and for marsad on the AEB folder."""
    truth = json.loads((aeb / "ground-truth.json").read_text("utf-8"))
    scores: dict[str, list[Score]] = {"trafilatura": [], "marsad": []}
    for key, gold in sorted(truth.items()):
        html = gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes())
        alone = trafilatura.extract(html, url=gold.get("url")) or ""
        scores["trafilatura"].append(token_scores(alone, gold["articleBody"]))
        scores["marsad"].append(token_scores(marsad_body(html, gold.get("url")), gold["articleBody"]))
    return scores
