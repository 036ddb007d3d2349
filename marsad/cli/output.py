"""JSON shapes printed by the CLI (and served by the API): a contract with users' scripts."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from typing import Any

from rich.markup import escape

from marsad.claims.quotes import Statement
from marsad.dates.timeline import TimelineEntry
from marsad.records import Article
from marsad.store.base import ArticleSummary
from marsad.stories.records import Coverage, Event, Story


def article_json(article: Article) -> dict[str, Any]:
    """The full article record: text, structure, removed lines, language, MT signal, metadata."""
    record = article.to_dict()
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


def story_json(story: Story) -> dict[str, Any]:
    """A story: title, span, coverage and its events, each with its articles."""
    return {
        "id": story.id,
        "title": story.title,
        "first_published": story.first_published,
        "last_published": story.last_published,
        "articles": len(story.article_ids),
        **coverage_json(story.coverage),
        "events": [event_json(e) for e in story.events],
    }


def event_json(event: Event) -> dict[str, Any]:
    """An event: title, span, coverage and its articles (id, outlet, title, published, url, input id...)."""
    return {
        "id": event.id,
        "story_id": event.story_id,
        "title": event.title,
        "first_published": event.first_published,
        "last_published": event.last_published,
        **coverage_json(event.coverage),
        "articles": [summary_json(a) for a in event.articles],
    }


def coverage_json(coverage: Coverage) -> dict[str, Any]:
    """Outlets with their first and last articles, the first reporter, copies, silent outlets."""
    return {
        "outlets": [asdict(o) for o in coverage.outlets],
        "first_reporter": coverage.first_reporter,
        "copies": [asdict(c) for c in coverage.copies],
        "silent_outlets": list(coverage.silent_outlets),
    }


# Control characters (C0, DEL, C1) and bidi overrides: shown as escapes, never sent to a terminal.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_line(text: str) -> str:
    """`text` for one line of rich output: control characters shown as escapes (\\x1b), markup escaped."""
    return escape(_UNSAFE.sub(_escaped, text))


def safe_text(text: str) -> str:
    """Multi-line text for a terminal (printed without markup): control characters but tab and newline escaped."""
    return _UNSAFE_IN_TEXT.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def print_json(value: Any) -> None:
    """Print JSON (UTF-8, Arabic unescaped) on standard output."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
