"""HTML helpers shared by the brief and the web pages: escaping, bidi isolation, citation links."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from marsad.brief.model import Citation, TimelinePoint

# A left-to-right run inside Arabic text: Latin words and numbers (dates, counts,
# "Harchaoui", "2019-04-15", "3.5%"), isolated so the bidi algorithm does not reorder them.
_LTR_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/%'’&+\-]*(?:\s+[A-Za-z0-9][A-Za-z0-9.,:/%'’&+\-]*)*")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def bidi(text: str | None) -> Markup:
    """`text` escaped, with its Latin and digit runs inside Arabic wrapped in <bdi> (isolated)."""
    if not text:
        return Markup("")
    if not _ARABIC.search(text):
        return Markup('<bdi dir="ltr">') + escape(text) + Markup("</bdi>")
    parts: list[Markup] = []
    position = 0
    for match in _LTR_RUN.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(Markup('<bdi dir="ltr">') + escape(match.group()) + Markup("</bdi>"))
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def citation_url(citation: Citation, base: str = "") -> str:
    """The article page at the cited sentence, with the cited clause highlighted."""
    return f"{base}/articles/{citation.article}?hl={citation.start}-{citation.end}#s{citation.sentence_start}"


def citation_label(citation: Citation) -> str:
    """How a citation reads: outlet and day."""
    day = (citation.published or "")[:10]
    return f"{citation.outlet or citation.article}{', ' + day if day else ''}"


@dataclass(frozen=True)
class Day:
    """One bar of the timeline chart: a date and how many articles mention it."""

    date: str
    count: int


def timeline_days(points: Sequence[TimelinePoint]) -> list[Day]:
    """Distinct dates of a timeline with the number of articles that mention each."""
    articles: dict[str, set[str]] = defaultdict(set)
    for point in points:
        articles[point.date].add(point.citation.article)
    return [Day(date, len(ids)) for date, ids in sorted(articles.items())]


@cache
def environment(*packages: str) -> Environment:
    """A Jinja environment (autoescaping on) over the templates of `packages` and the brief's."""
    loaders = [PackageLoader(p, "templates") for p in (*packages, "marsad.brief")]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["bidi"] = bidi
    env.filters["cite_url"] = citation_url
    env.filters["cite_label"] = citation_label
    env.filters["timeline_days"] = timeline_days
    return env
