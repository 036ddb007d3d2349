"""The brief as JSON, Markdown or a standalone HTML page."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import asdict
from importlib import resources
from typing import Any

from marsad.brief.html import citation_label, citation_url, environment, timeline_days
from marsad.brief.model import Brief, Citation, Difference, FigureRow, OutletCitations, Point, Said, SeriesPoint
from marsad.claims.figures import BACKGROUND_DAYS, utc_time

FORMATS = ("md", "html", "json")
# The Markdown brief fits two screens whatever the story's size: at most this many lines per section.
MAX_MD_DIFFERENCES = 5
MAX_MD_FIGURES = 6
MAX_MD_SERIES = 3
MAX_MD_SERIES_STEPS = 5
MAX_MD_DATES = 4
MAX_MD_SPEAKERS = 5
MAX_MD_SINGLE = 3
MAX_MD_OUTLETS = 3  # outlet links per line ("BBC ×40"); the others are counted
MAX_MD_QUOTE = 130  # characters of article text per quote
MAX_MD_SHORT_QUOTE = 90  # per side of a difference, per statement
MAX_MD_AGAINST = 3  # clauses a difference is set against, per line
MAX_MD_LISTED = 3  # copies and machine translations named in the coverage
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+|!~])")
_CELL_MARKS = {"supports": "✓", "contradicts": "✗", "silent": "·"}


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
                      [_point_line(p, link_base, n) for n, p in enumerate(brief.happened, start=1)])
    lines += _section("Where outlets differ", _difference_lines(brief, link_base))
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


def _point_line(point: Point, base: str, number: int = 0) -> str:
    mark = f"{number}." if number else "-"
    return f"{mark} {_quote(point.text)} — {len(point.outlets)} outlet(s): {_per_outlet(point.per_outlet, base)}"


def _per_outlet(groups: tuple[OutletCitations, ...], base: str) -> str:
    shown = " ".join(f"[\\[{_md(g.outlet)}{' ×' + str(g.count) if g.count > 1 else ''}\\]]"
                     f"({citation_url(g.citation, base)})" for g in groups[:MAX_MD_OUTLETS])
    hidden = len(groups) - MAX_MD_OUTLETS
    return shown + (f" (+{hidden} more outlets)" if hidden > 0 else "")


def _difference_lines(brief: Brief, base: str) -> list[str]:
    """One line per clause that differs, with every clause it differs from (the most telling first)."""
    by_claim: dict[tuple[str, int, str], list[Difference]] = {}
    for d in brief.differences:
        by_claim.setdefault((d.claim.article, d.claim.start, d.on), []).append(d)
    return [_difference_line(items, base) for items in list(by_claim.values())[:MAX_MD_DIFFERENCES]]


def _difference_line(items: list[Difference], base: str) -> str:
    d = items[0]
    on = "whether it happened" if d.on == "occurrence" else f"the {d.on}"
    said = f"«{_md(d.part.text)}» " if d.part else ""
    against = "; ".join(
        (f"«{_md(o.against_part.text)}» " if o.against_part else "") + f"({_md(o.between[1])}) "
        + _cites([o.against], base)
        for o in items[:MAX_MD_AGAINST]
    )
    more = f" (+{len(items) - MAX_MD_AGAINST} more)" if len(items) > MAX_MD_AGAINST else ""
    return (f"- on {on}: {said}({_md(d.between[0])}) {_cites([d.claim], base)} "
            f"«{_quote(d.claim.text, MAX_MD_SHORT_QUOTE)}» — against {against}{more}")


def _figure_lines(brief: Brief, base: str) -> list[str]:
    rows = _salient_figures(brief.figures)
    if not rows:
        return []
    lines = ["| quantity | figure | given by | first given | sources |", "|---|---|---|---|---|"]
    for row in rows:
        figure = f"{(row.qualifier or '').replace('_', ' ')} {row.value}".strip()
        scope = "" if row.scope == "day" else f" ({row.scope})"
        conflict = f" ⚠ {row.conflicts} conflict(s)" if row.conflicts else ""
        lines.append(f"| {_md(row.quantity + scope)} | {figure}{conflict} | {_md(', '.join(row.said_by[:3]))} "
                     f"| {row.first_given[:16]} | {_per_outlet(row.per_outlet[:2], base)} |")
    return lines


def _salient_figures(rows: tuple[FigureRow, ...]) -> list[FigureRow]:
    """The figures in conflict, then the most reported figure of each quantity, then the latest; in the
    brief's order (by quantity, then time)."""
    ranked = sorted(rows, key=lambda r: -sum(o.count for o in r.per_outlet))
    chosen = [r for r in ranked if r.conflicts][: MAX_MD_FIGURES // 2]
    for row in ranked:
        if len(chosen) < MAX_MD_FIGURES and not any((c.quantity, c.scope) == (row.quantity, row.scope)
                                                    for c in chosen):
            chosen.append(row)
    for row in sorted(rows, key=lambda r: r.first_given, reverse=True):
        if len(chosen) < MAX_MD_FIGURES and row not in chosen:
            chosen.append(row)
    return [r for r in rows if r in chosen]


def _series_lines(brief: Brief, base: str) -> list[str]:
    """The longest series, one line per quantity and scope: the values as they rose, first to last."""
    by_label: dict[str, list[SeriesPoint]] = {}
    for point in brief.series:
        by_label.setdefault(point.category, []).append(point)
    by_quantity: dict[tuple[str, str], list[SeriesPoint]] = {}
    for label, points in by_label.items():
        ordered = sorted(points, key=lambda p: (utc_time(p.citation.published), p.value))
        rising = all(a.value <= b.value for a, b in itertools.pairwise(ordered))
        for point in points:  # one line for a quantity whose scopes grow together (7, then 200 since, 1000)
            by_quantity.setdefault((label, "day" if rising else point.scope), []).append(point)
    ranked = sorted(by_quantity.items(), key=lambda kv: -len(kv[1]))[:MAX_MD_SERIES]
    lines = []
    for (category, scope), points in ranked:
        steps = _rising(sorted(points, key=lambda p: (utc_time(p.citation.published), p.value)))
        if len(steps) > MAX_MD_SERIES_STEPS:
            steps = steps[: MAX_MD_SERIES_STEPS - 1] + steps[-1:]
        path = " → ".join(f"{(p.qualifier or '').replace('_', ' ')} {p.value} ({utc_time(p.citation.published)[:16]}) "
                          f"{_cites([p.citation], base)}".strip() for p in steps)
        lines.append(f"- {_md(category + _scope_tag(scope))}: {path}")
    return lines


def _rising(points: list[SeriesPoint]) -> list[SeriesPoint]:
    """The points that raise the count above every earlier one (a growing toll's steps)."""
    steps: list[SeriesPoint] = []
    for point in points:
        if not steps or point.value > steps[-1].value:
            steps.append(point)
    return steps


def _scope_tag(scope: str) -> str:
    return "" if scope == "day" else f" ({scope})"


def _timeline_lines(brief: Brief, base: str) -> list[str]:
    first = min((a.published or "")[:10] for a in brief.articles) if brief.articles else ""
    recent = [t for t in brief.timeline if t.date >= _days_before(first, BACKGROUND_DAYS)]
    days = sorted(timeline_days(recent), key=lambda d: (-d.count, d.date))[:MAX_MD_DATES]
    lines = []
    for day in sorted(days, key=lambda d: d.date):
        point = next(t for t in recent if t.date == day.date)
        lines.append(f"- {day.date} ({day.count} articles): «{_md(point.expression)}» "
                     f"{_quote(point.sentence, MAX_MD_SHORT_QUOTE)} "
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
        f"{_quote(items[0].citation.text, MAX_MD_SHORT_QUOTE)} {_cites([items[0].citation], base)}"
        for speaker, items in ranked[:MAX_MD_SPEAKERS]
    ]


def _quote(text: str, limit: int = MAX_MD_QUOTE) -> str:
    """Article text, escaped, on one line, cut to `limit` characters (the citation has it whole)."""
    flat = " ".join(text.split())
    return _md(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _cites(citations: tuple[Citation, ...] | list[Citation], base: str) -> str:
    return " ".join(f"[\\[{_md(citation_label(c))}\\]]({citation_url(c, base)})" for c in citations)


def _matrix_lines(brief: Brief) -> list[str]:
    matrix = brief.matrix
    if not matrix.rows:
        return []
    header = "| claim | " + " | ".join(_md(o) for o in matrix.outlets) + " |"
    rule = "|---" * (len(matrix.outlets) + 1) + "|"
    facts = {point.text: n for n, point in enumerate(brief.happened, start=1)}
    rows = [
        f"| {facts[row.text] if row.text in facts else _quote(row.text, MAX_MD_SHORT_QUOTE)} | "
        + " | ".join(_CELL_MARKS[c] for c in row.cells) + " |"
        for row in matrix.rows if row.text in facts
    ]
    return ["Rows are the facts of \"What happened\", by number.", "", header, rule, *rows]


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
