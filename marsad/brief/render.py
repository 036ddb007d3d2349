"""The brief as JSON, Markdown or a standalone HTML page."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from importlib import resources
from typing import Any

from marsad.brief.html import citation_label, citation_url, environment, timeline_days
from marsad.brief.model import Brief, Citation, Difference, OutletCitations, Point, Said, SeriesPoint
from marsad.claims.figures import BACKGROUND_DAYS

FORMATS = ("md", "html", "json")
# The Markdown brief fits two screens whatever the story's size: at most this many lines per section.
MAX_MD_DIFFERENCES = 8
MAX_MD_FIGURES = 12
MAX_MD_SERIES = 3
MAX_MD_SERIES_STEPS = 8
MAX_MD_DATES = 5
MAX_MD_SPEAKERS = 6
MAX_MD_SINGLE = 5
MAX_MD_MATRIX_ROWS = 10
MAX_MD_OUTLETS = 6  # outlet links per line ("BBC ×40"); the others are counted
MAX_MD_QUOTE = 220  # characters of article text per quote
MAX_MD_LISTED = 3  # copies and machine translations named in the coverage
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
    """The brief as Markdown, two screens for any story size: the salient facts, the conflicts, the
    figures, and a few lines of each other section; article text is escaped and every line ends with
    the clauses it quotes. The rest is in the JSON and the web page (the last line says how much)."""
    lines = [f"# {_md(brief.title)}", "", _md(_scope(brief)), ""]
    lines += _section("What happened (most independent outlets first)",
                      [_point_line(p, link_base) for p in brief.happened])
    lines += _section("Where outlets differ", [_difference_line(d, link_base)
                                               for d in brief.differences[:MAX_MD_DIFFERENCES]])
    lines += _section("Figures: who gave what figure, when", _figure_lines(brief, link_base))
    lines += _section("Counts over time (a series, not a contradiction)", _series_lines(brief, link_base))
    lines += _section("Timeline (the days most articles date)", _timeline_lines(brief, link_base))
    lines += _section("Who said what (the most reported speakers)", _said_lines(brief, link_base))
    lines += _section("Single-source claims", [_point_line(p, link_base)
                                               for p in brief.single_source[:MAX_MD_SINGLE]])
    lines += _section("Claims by outlets", _matrix_lines(brief))
    lines += _section("Coverage", _coverage_lines(brief))
    lines.append(_md(_more(brief)))
    return "\n".join(lines).rstrip() + "\n"


def _scope(brief: Brief) -> str:
    outlets = len(brief.coverage.outlets)
    scope = f"Built from {len(brief.articles)} articles of {outlets} outlets"
    if brief.left_out:
        scope += f" ({brief.left_out} more articles of the story not read)"
    return scope + "; every line is the articles' own words, with its sources."


def _more(brief: Brief) -> str:
    shown = MAX_MD_DIFFERENCES
    return (f"In the web page and the JSON: {len(brief.also)} more claims of two or more outlets, "
            f"{len(brief.background)} background claims, {max(0, len(brief.differences) - shown)} more "
            f"differences, {len(brief.figures)} figures, {len(brief.said)} attributed statements, "
            f"{len(brief.timeline)} dated expressions, {len(brief.single_source)} single-source claims.")


def _section(heading: str, lines: list[str]) -> list[str]:
    return [f"## {heading}", "", *(lines or ["(none)"]), ""]


def _point_line(point: Point, base: str) -> str:
    return f"- {_quote(point.text)} — {len(point.outlets)} outlet(s): {_per_outlet(point.per_outlet, base)}"


def _per_outlet(groups: tuple[OutletCitations, ...], base: str) -> str:
    shown = " ".join(f"[\\[{_md(g.outlet)}{' ×' + str(g.count) if g.count > 1 else ''}\\]]"
                     f"({citation_url(g.citation, base)})" for g in groups[:MAX_MD_OUTLETS])
    hidden = len(groups) - MAX_MD_OUTLETS
    return shown + (f" (+{hidden} more outlets)" if hidden > 0 else "")


def _difference_line(d: Difference, base: str) -> str:
    if d.part and d.against_part:
        what = (f"on the {d.on}: «{_md(d.part.text)}» ({_md(d.between[0])}) vs «{_md(d.against_part.text)}» "
                f"({_md(d.between[1])})")
    else:
        what = f"on {'whether it happened' if d.on == 'occurrence' else 'the ' + d.on}: {_md(d.between[0])} vs " \
               f"{_md(d.between[1])}"
    return (f"- {what} — {_quote(d.claim.text)} {_cites([d.claim], base)} / {_quote(d.against.text)} "
            f"{_cites([d.against], base)}")


def _figure_lines(brief: Brief, base: str) -> list[str]:
    rows = brief.figures[:MAX_MD_FIGURES]
    if not rows:
        return []
    lines = ["| quantity | figure | given by | first given | sources |", "|---|---|---|---|---|"]
    for row in rows:
        figure = f"{(row.qualifier or '').replace('_', ' ')} {row.value}".strip()
        scope = "" if row.scope == "day" else f" ({row.scope})"
        conflict = f" ⚠ {row.conflicts} conflict(s)" if row.conflicts else ""
        lines.append(f"| {_md(row.quantity + scope)} | {figure}{conflict} | {_md(', '.join(row.said_by[:3]))} "
                     f"| {row.first_given[:16]} | {_per_outlet(row.per_outlet, base)} |")
    return lines


def _series_lines(brief: Brief, base: str) -> list[str]:
    by_category: dict[str, list[SeriesPoint]] = {}
    for point in brief.series:
        by_category.setdefault(point.category, []).append(point)
    ranked = sorted(by_category.items(), key=lambda kv: -len(kv[1]))[:MAX_MD_SERIES]
    lines = []
    for category, points in ranked:
        steps = [p for n, p in enumerate(points) if n == 0 or p.value != points[n - 1].value]
        if len(steps) > MAX_MD_SERIES_STEPS:
            steps = steps[: MAX_MD_SERIES_STEPS - 1] + steps[-1:]
        path = " → ".join(f"{(p.qualifier or '').replace('_', ' ')} {p.value} ({p.day}) {_cites([p.citation], base)}"
                          .strip() for p in steps)
        lines.append(f"- {_md(category)}: {path}")
    return lines


def _timeline_lines(brief: Brief, base: str) -> list[str]:
    first = min((a.published or "")[:10] for a in brief.articles) if brief.articles else ""
    recent = [t for t in brief.timeline if t.date >= _days_before(first, BACKGROUND_DAYS)]
    days = sorted(timeline_days(recent), key=lambda d: (-d.count, d.date))[:MAX_MD_DATES]
    lines = []
    for day in sorted(days, key=lambda d: d.date):
        point = next(t for t in recent if t.date == day.date)
        lines.append(f"- {day.date} ({day.count} articles): «{_md(point.expression)}» {_quote(point.sentence)} "
                     f"{_cites([point.citation], base)}")
    return lines


def _days_before(day: str, days: int) -> str:
    try:
        return (dt.date.fromisoformat(day) - dt.timedelta(days=days)).isoformat()
    except ValueError:
        return ""


def _said_lines(brief: Brief, base: str) -> list[str]:
    by_speaker: dict[str, list[Said]] = {}
    for said in brief.said:
        if said.speaker:
            by_speaker.setdefault(said.speaker, []).append(said)
    ranked = sorted(by_speaker.items(), key=lambda kv: (-len({s.citation.outlet for s in kv[1]}), -len(kv[1])))
    return [
        f"- {_md(speaker)} ({len(items)} statement(s)){' (denial)' if items[0].polarity == 'deny' else ''}: "
        f"{_quote(items[0].citation.text)} {_cites([items[0].citation], base)}"
        for speaker, items in ranked[:MAX_MD_SPEAKERS]
    ]


def _quote(text: str) -> str:
    """Article text, escaped, on one line, cut to `MAX_MD_QUOTE` characters (the citation has it whole)."""
    flat = " ".join(text.split())
    return _md(flat if len(flat) <= MAX_MD_QUOTE else flat[: MAX_MD_QUOTE - 1] + "…")


def _cites(citations: tuple[Citation, ...] | list[Citation], base: str) -> str:
    return " ".join(f"[\\[{_md(citation_label(c))}\\]]({citation_url(c, base)})" for c in citations)


def _matrix_lines(brief: Brief) -> list[str]:
    matrix = brief.matrix
    if not matrix.rows:
        return []
    header = "| claim | " + " | ".join(_md(o) for o in matrix.outlets) + " |"
    rule = "|---" * (len(matrix.outlets) + 1) + "|"
    rows = [
        f"| {_quote(row.text)} | " + " | ".join(_CELL_MARKS[c] for c in row.cells) + " |"
        for row in matrix.rows[:MAX_MD_MATRIX_ROWS]
    ]
    return [header, rule, *rows]


def _coverage_lines(brief: Brief) -> list[str]:
    cov = brief.coverage
    lines = [
        f"- {_md(o.outlet)}: {o.articles} article(s), first {(o.first_published or '?')[:16]} ({o.first_article})"
        for o in cov.outlets
    ]
    lines.append(f"- first reporter: {cov.first_reporter or '?'}")
    if cov.copies:
        shown = ", ".join(f"{c.target} copies {c.source} ({c.kind})" for c in cov.copies[:MAX_MD_LISTED])
        lines.append(f"- {len(cov.copies)} cop(ies): {shown}{' …' if len(cov.copies) > MAX_MD_LISTED else ''}")
    if cov.machine_translated:
        shown = ", ".join(cov.machine_translated[:MAX_MD_LISTED])
        lines.append(f"- {len(cov.machine_translated)} read(s) as machine translation: {shown}"
                     f"{' …' if len(cov.machine_translated) > MAX_MD_LISTED else ''}")
    if cov.silent_outlets:
        lines.append("- silent: " + ", ".join(_md(o) for o in cov.silent_outlets))
    return lines


def _md(text: str) -> str:
    """Markdown-escaped text on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
