"""The brief as JSON, Markdown or a standalone HTML page."""

from __future__ import annotations

import re
from dataclasses import asdict
from importlib import resources
from typing import Any

from marsad.brief.html import citation_label, citation_url, environment
from marsad.brief.model import Brief, Citation, Point

FORMATS = ("md", "html", "json")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+|!~])")
_CELL_MARKS = {"supports": "✓ supports", "contradicts": "✗ contradicts", "silent": "· silent"}


def brief_json(brief: Brief, link_base: str = "") -> dict[str, Any]:
    """The brief as a JSON-ready dict; every citation carries the `url` of its source sentence."""
    record: dict[str, Any] = _with_urls(asdict(brief), link_base)
    return record


def _with_urls(value: Any, base: str) -> Any:
    if isinstance(value, dict):
        record = {k: _with_urls(v, base) for k, v in value.items()}
        if {"article", "start", "sentence_start"} <= record.keys():
            record["url"] = citation_url(Citation(**{k: record[k] for k in Citation.__dataclass_fields__}), base)
        return record
    if isinstance(value, list | tuple):
        return [_with_urls(v, base) for v in value]
    return value


def brief_html(brief: Brief, link_base: str = "") -> str:
    """A standalone HTML page (right to left, styles inline, no script)."""
    css = resources.files("marsad.brief").joinpath("templates/brief.css").read_text(encoding="utf-8")
    template = environment().get_template("brief_page.html")
    return template.render(brief=brief, link_base=link_base, css=css)


def brief_markdown(brief: Brief, link_base: str = "") -> str:
    """The brief as Markdown; article text is escaped, every line ends with its citations."""
    lines = [f"# {_md(brief.title)}", "", _md(_scope(brief)), ""]
    lines += _section("What happened (most independent outlets first)",
                      [_point_line(p, link_base) for p in brief.happened])
    lines += _section("Timeline", [
        f"- {t.date} ({t.precision}) «{_md(t.expression)}»: {_md(t.sentence)} {_cites([t.citation], link_base)}"
        for t in brief.timeline
    ])
    lines += _section("Who said what", [
        f"- {_md(' ← '.join(s.chain) or s.speaker or '?')}{' (denial)' if s.polarity == 'deny' else ''}: "
        f"{_md(s.citation.text)} {_cites([s.citation], link_base)}"
        for s in brief.said
    ])
    lines += _section("Where outlets differ", [
        f"- {_md(d.reason)}: {_md(d.claim.text)} {_cites([d.claim], link_base)} — against: "
        f"{_md(d.against.text)} {_cites([d.against], link_base)}"
        for d in brief.differences
    ])
    lines += _section("Counts over time (a series, not a contradiction)", [
        f"- {s.category}, {s.day}: {(s.qualifier or '').replace('_', ' ')} {s.value} — {_md(s.citation.text)} "
        f"{_cites([s.citation], link_base)}".replace(":  ", ": ")
        for s in brief.series
    ])
    lines += _section("Single-source claims", [_point_line(p, link_base) for p in brief.single_source])
    lines += _section("Claims by outlets", _matrix_lines(brief))
    lines += _section("Coverage", _coverage_lines(brief))
    return "\n".join(lines).rstrip() + "\n"


def _scope(brief: Brief) -> str:
    outlets = len(brief.coverage.outlets)
    scope = f"Built from {len(brief.articles)} articles of {outlets} outlets"
    if brief.left_out:
        scope += f" ({brief.left_out} more articles of the story not read)"
    return scope + "; every line is the articles' own words, with its sources."


def _section(heading: str, lines: list[str]) -> list[str]:
    return [f"## {heading}", "", *(lines or ["(none)"]), ""]


def _point_line(point: Point, base: str) -> str:
    return f"- {_md(point.text)} — {len(point.outlets)} outlet(s) {_cites(point.citations, base)}"


def _cites(citations: tuple[Citation, ...] | list[Citation], base: str) -> str:
    return " ".join(f"[\\[{_md(citation_label(c))}\\]]({citation_url(c, base)})" for c in citations)


def _matrix_lines(brief: Brief) -> list[str]:
    matrix = brief.matrix
    if not matrix.rows:
        return []
    header = "| claim | " + " | ".join(_md(o) for o in matrix.outlets) + " |"
    rule = "|---" * (len(matrix.outlets) + 1) + "|"
    rows = [
        f"| {_md(row.text)} | " + " | ".join(_CELL_MARKS[c] for c in row.cells) + " |" for row in matrix.rows
    ]
    return [header, rule, *rows]


def _coverage_lines(brief: Brief) -> list[str]:
    cov = brief.coverage
    lines = [
        f"- {_md(o.outlet)}: {o.articles} article(s), first {(o.first_published or '?')[:10]} ({o.first_article})"
        for o in cov.outlets
    ]
    lines.append(f"- first reporter: {cov.first_reporter or '?'}")
    lines += [f"- {c.target} copies {c.source} ({c.kind})" for c in cov.copies]
    lines += [f"- {a} reads as machine translation" for a in cov.machine_translated]
    if cov.silent_outlets:
        lines.append("- silent: " + ", ".join(_md(o) for o in cov.silent_outlets))
    return lines


def _md(text: str) -> str:
    """Markdown-escaped text on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
