"""Articles to compact JSON and back. Span texts are not stored: offsets rebuild them."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from marsad.records import (
    Article,
    MachineTranslationSignal,
    Origin,
    Paragraph,
    RemovedLine,
    Span,
)


def encode_article(article: Article) -> str:
    """JSON for storage: sentences and Latin runs as [start, end] pairs."""
    data = dict(article.__dict__)
    del data["annotation"]  # stored apart (`store.annotations`)
    data["origin"] = asdict(article.origin)
    data["paragraphs"] = [p.__dict__ for p in article.paragraphs]
    data["removed"] = [r.__dict__ for r in article.removed]
    data["machine_translation"] = asdict(article.machine_translation)
    data["sentences"] = [[s.start, s.end] for s in article.sentences]
    data["latin_runs"] = [[s.start, s.end] for s in article.latin_runs]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_article(encoded: str) -> Article:
    """The inverse of `encode_article`."""
    data: dict[str, Any] = json.loads(encoded)
    text: str = data["text"]
    data["origin"] = Origin(**data["origin"])
    data["paragraphs"] = [Paragraph(**p) for p in data["paragraphs"]]
    data["removed"] = [RemovedLine(**r) for r in data["removed"]]
    data["sentences"] = [Span(s, e, text[s:e]) for s, e in data["sentences"]]
    data["latin_runs"] = [Span(s, e, text[s:e]) for s, e in data["latin_runs"]]
    data["machine_translation"] = MachineTranslationSignal(**data["machine_translation"])
    return Article(**data)
