"""Building a brief from a set of articles: claim groups, statements, timeline and coverage.

Nothing is written here that the articles do not say: every line of the brief
is one article's clause (a claim, a statement, a dated sentence), cited with
its offsets, and each section only selects and orders them:

- what happened: claim groups stated by two or more independent outlets (an
  article and its copies count once), most outlets first, each in the words of
  a clause that does not read as machine translation when one exists;
- where outlets differ: the contradictions found inside claim groups;
- counts reported on different days: the number series (a series, not a conflict);
- single-source claims: groups stated by one independent source that carry a
  date or a number (the checkable ones);
- the claims-by-outlets matrix: for the claims above, whether each outlet
  supports, contradicts or does not say them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from marsad.brief.model import (
    ArticleRef,
    Brief,
    Cell,
    Citation,
    Copy,
    Coverage,
    Difference,
    Matrix,
    MatrixRow,
    OutletLine,
    Point,
    Said,
    SeriesPoint,
    TimelinePoint,
)
from marsad.claims.align import Alignment, ClaimGroup
from marsad.claims.extract import Claim
from marsad.records import Article, Link
from marsad.relate.story import align_story, story_timeline
from marsad.understand.annotation import annotation_of

# A brief reads at most this many articles of a story (claim alignment embeds
# every clause, about 40 a second on two cores): the first of each outlet, then
# the earliest others.
MAX_BRIEF_ARTICLES = 30
# Rows of the claims-by-outlets matrix.
MAX_MATRIX_ROWS = 30
UNKNOWN_OUTLET = "unknown outlet"


def build_brief(
    articles: Sequence[Article],
    links: Sequence[Link] = (),
    title: str | None = None,
    all_outlets: Sequence[str] = (),
    left_out: int = 0,
    alignment: Alignment | None = None,
) -> Brief:
    """The brief of understood `articles` (one story): `links` are the store's links among them,
    `all_outlets` the outlets of the corpus (those absent are silent), `left_out`
    how many articles of the story were not passed in, `alignment` their claim
    alignment when already computed."""
    alignment = alignment if alignment is not None else align_story(articles)
    machine = {a.id for a in articles if a.machine_translation.flagged}
    outlets = tuple(sorted({_outlet(a.outlet) for a in articles}))
    happened = [_point(g, machine) for g in alignment.groups if not g.single_source]
    single = [_point(g, machine) for g in alignment.groups if g.single_source and _checkable(g)]
    return Brief(
        title=title or _title(articles),
        articles=tuple(_ref(a) for a in sorted(articles, key=_date_key)),
        left_out=left_out,
        happened=tuple(happened),
        timeline=_timeline(articles),
        said=_said(articles),
        differences=_differences(alignment),
        series=tuple(
            SeriesPoint(category, p.day, p.value, p.qualifier, _cite(p.claim))
            for category, points in sorted(alignment.series.items())
            for p in points
        ),
        single_source=tuple(single),
        matrix=_matrix(alignment, outlets, machine),
        coverage=_coverage(articles, links, all_outlets, machine),
    )


def choose_articles(articles: Sequence[Article], limit: int = MAX_BRIEF_ARTICLES) -> list[Article]:
    """At most `limit` articles for a brief: the first of each outlet, then the earliest others."""
    ordered = sorted(articles, key=_date_key)
    chosen: dict[str, Article] = {}
    outlets: set[str | None] = set()
    for article in ordered:
        if article.outlet not in outlets:
            outlets.add(article.outlet)
            chosen[article.id] = article
    for article in ordered:
        chosen.setdefault(article.id, article)
    return sorted(list(chosen.values())[:limit], key=_date_key)


def cite(article: Article, start: int, end: int) -> Citation:
    """A citation of `article.text[start:end]` inside the sentence that holds it."""
    sentence = next((s for s in article.sentences if s.start <= start < s.end), None)
    s_start, s_end = (sentence.start, sentence.end) if sentence else (start, end)
    return Citation(article.id, article.outlet, article.published, start, end, s_start, s_end, article.text[start:end])


def _cite(claim: Claim) -> Citation:
    return Citation(
        claim.article, claim.outlet, claim.published, claim.span.start, claim.span.end,
        claim.sentence.start, claim.sentence.end, claim.span.text,
    )


def _point(group: ClaimGroup, machine: set[str]) -> Point:
    lead = min(group.claims, key=lambda c: (c.article in machine, c.published or "~", c.span.start))
    others = [c for c in group.claims if c is not lead]
    return Point(lead.span.text, tuple(_cite(c) for c in [lead, *others]), tuple(group.outlets))


def _checkable(group: ClaimGroup) -> bool:
    return any(c.dates or c.quantities for c in group.claims)


def _differences(alignment: Alignment) -> tuple[Difference, ...]:
    """Every contradiction once (one found between two groups is recorded on both)."""
    seen: set[frozenset[tuple[str, int]]] = set()
    found = []
    for group in alignment.groups:
        for c in group.contradictions:
            key = frozenset({(c.claim.article, c.claim.span.start), (c.against.article, c.against.span.start)})
            if key not in seen:
                seen.add(key)
                found.append(Difference(c.reason, c.method, _cite(c.claim), _cite(c.against)))
    return tuple(found)


def _dissenters(group: ClaimGroup) -> set[str]:
    """Articles on the minority side of the group's contradictions (the contradicting claim on a tie)."""
    opponents: dict[str, set[str]] = defaultdict(set)
    for c in group.contradictions:
        opponents[c.claim.article].add(c.against.article)
        opponents[c.against.article].add(c.claim.article)
    found = set()
    for c in group.contradictions:
        claim, against = c.claim.article, c.against.article
        found.add(against if len(opponents[against]) > len(opponents[claim]) else claim)
    return found


def _matrix(alignment: Alignment, outlets: tuple[str, ...], machine: set[str]) -> Matrix:
    groups = [g for g in alignment.groups if not g.single_source or g.contradictions or _checkable(g)]
    rows = []
    for group in groups[:MAX_MATRIX_ROWS]:
        dissent = _dissenters(group)
        cells: dict[str, Cell] = {}
        for claim in group.claims:
            cells.setdefault(_outlet(claim.outlet), "supports")
        for c in group.contradictions:
            for side in (c.claim, c.against):
                if side.article in dissent:
                    cells[_outlet(side.outlet)] = "contradicts"
        point = _point(group, machine)
        rows.append(MatrixRow(point.text, point.citations[0], tuple(cells.get(o, "silent") for o in outlets)))
    return Matrix(outlets, tuple(rows))


def _timeline(articles: Sequence[Article]) -> tuple[TimelinePoint, ...]:
    by_id = {a.id: a for a in articles}
    seen: set[tuple[str, str, str]] = set()
    points = []
    for entry in story_timeline(articles):
        key = (entry.date.isoformat(), entry.article, entry.sentence)
        if key in seen:
            continue
        seen.add(key)
        points.append(TimelinePoint(
            entry.date.isoformat(), entry.end_date.isoformat() if entry.end_date else None,
            entry.precision, entry.expression, entry.sentence, cite(by_id[entry.article], entry.start, entry.end),
        ))
    return tuple(points)


def _said(articles: Sequence[Article]) -> tuple[Said, ...]:
    said = []
    for article in sorted(articles, key=_date_key):
        for st in annotation_of(article).statements:
            citation = cite(article, st.content.start, st.content.end)
            said.append(Said(st.speaker.text if st.speaker else None, tuple(st.chain), st.verb, st.polarity, citation))
    return tuple(said)


def _coverage(
    articles: Sequence[Article], links: Sequence[Link], all_outlets: Sequence[str], machine: set[str]
) -> Coverage:
    ordered = sorted(articles, key=_date_key)
    per_outlet: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        per_outlet[_outlet(article.outlet)].append(article)
    lines = tuple(
        OutletLine(name, len(items), items[0].id, items[0].published, items[-1].published)
        for name, items in sorted(per_outlet.items(), key=lambda kv: (_date_key(kv[1][0]), kv[0]))
    )
    ids = {a.id for a in articles}
    copies = tuple(Copy(ln.source, ln.target, ln.kind) for ln in links if ln.source in ids and ln.target in ids)
    return Coverage(
        outlets=lines,
        first_reporter=ordered[0].id if ordered else None,
        copies=copies,
        machine_translated=tuple(a.id for a in ordered if a.id in machine),
        silent_outlets=tuple(o for o in all_outlets if o not in per_outlet),
    )


def _ref(article: Article) -> ArticleRef:
    return ArticleRef(article.id, article.outlet, article.published, article.title,
                      article.machine_translation.flagged)


def _title(articles: Sequence[Article]) -> str:
    """The title most articles share, else the earliest article's title."""
    titles = Counter(a.title for a in articles if a.title)
    if not titles:
        return ""
    common, count = titles.most_common(1)[0]
    if count > 1:
        return common
    return next(a.title for a in sorted(articles, key=_date_key) if a.title) or ""


def _outlet(outlet: str | None) -> str:
    return outlet or UNKNOWN_OUTLET


def _date_key(article: Article) -> tuple[bool, str, str]:
    return (article.published is None, article.published or "", article.id)
