"""JSON shapes printed by the CLI (and served by the API): a contract with users' scripts."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from marsad.claims.quotes import Statement
from marsad.dates.timeline import TimelineEntry
from marsad.records import Article
from marsad.store.base import ArticleSummary


def article_json(article: Article) -> dict[str, Any]:
    """The full article record: text, structure, removed lines, language, MT signal, metadata."""
    record = asdict(article)
    record["body"] = article.body
    return record


def summary_json(summary: ArticleSummary) -> dict[str, Any]:
    """One row of a listing."""
    return asdict(summary)


def timeline_json(entry: TimelineEntry) -> dict[str, Any]:
    """One timeline entry: date, precision, expression, sentence and article (with offsets)."""
    record = asdict(entry)
    record["date"] = entry.date.isoformat()
    record["end_date"] = entry.end_date.isoformat() if entry.end_date else None
    return record


def statement_json(statement: Statement) -> dict[str, Any]:
    """One attributed statement: speaker, verb, content, sentence (with offsets) and chain."""
    return asdict(statement)


def print_json(value: Any) -> None:
    """Print JSON (UTF-8, Arabic unescaped) on standard output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
