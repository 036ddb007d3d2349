"""Building a brief from a set of articles: claim groups, figures, statements, timeline and coverage.

Nothing is written here that the articles do not say: every line of the brief
is one article's clause (a claim, a statement, a dated sentence), cited with
its offsets, and each section only selects and orders them:

- what happened: the most salient claims stated by two or more independent
  outlets (`marsad.brief.select`: outlets, first report, one new fact per day,
  no repeats, background kept out), each in the words of the clause that reads
  best, its citations collapsed per outlet; the other such claims in `also`,
  the background in `background`;
- where outlets differ: the conflicts, each on a named part (a date, a count,
  whether it happened), the most telling first;
- figures: one row per value of each quantity, who gives it and when; the
  counts reported over time also as a series (a series, not a conflict);
- single-source claims: groups stated by one independent source that carry a
  date or a number (the checkable ones);
- the claims-by-outlets matrix: for the claims above, whether each outlet
  supports, contradicts (the whole claim, not one detail of it) or does not say them.
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
    FigureRow,
    Matrix,
    MatrixRow,
    OutletCitations,
    OutletLine,
    Point,
    Said,
    SeriesPoint,
    TimelinePoint,
)
from marsad.brief.select import (
    background_sentences,
    first_report,
    is_background,
    outlet_counts,
    party,
    ranked_conflicts,
    salient,
)
from marsad.claims.align import Alignment, ClaimGroup
from marsad.claims.contradict import Contradiction
from marsad.claims.extract import Claim
from marsad.records import Article, Link, Span
from marsad.relate.story import align_story, story_timeline
from marsad.understand.annotation import annotation_of

# A brief reads at most this many articles of a story (their annotations are stored: nothing is
# embedded or tagged here; the cost is entity resolution and claim alignment across them): the first
# of each outlet, then the earliest others. Measured by benchmarks/brief_speed.py.
MAX_BRIEF_ARTICLES = 150
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
    repeated = background_sentences(articles, alignment.copies)
    first_day = min(((a.published or "")[:10] for a in articles if a.published), default="")
    shared = [g for g in alignment.groups if not g.single_source]
    background = [g for g in shared if is_background(g, repeated, first_day)]
    happened, also = salient([g for g in shared if g not in background])
    single = [_point(g) for g in alignment.groups if g.single_source and _checkable(g)]
    return Brief(
        title=title or _title(articles),
        articles=tuple(_ref(a) for a in sorted(articles, key=_date_key)),
        left_out=left_out,
        happened=tuple(_point(g) for g in happened),
        timeline=_timeline(articles),
        said=_said(articles),
        differences=tuple(_difference(c) for c in ranked_conflicts(alignment.groups + alignment.figures)),
        series=tuple(
            SeriesPoint(category, p.day, p.value, p.qualifier, _cite(p.claim), p.scope)
            for category, points in sorted(alignment.series.items())
            for p in points
        ),
        single_source=tuple(single),
        matrix=_matrix(happened + [g for g in also if g.contradictions], outlets),
        coverage=_coverage(articles, links, all_outlets, machine),
        also=tuple(_point(g) for g in also),
        background=tuple(_point(g) for g in background),
        figures=_figures(alignment.figures),
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


def _point(group: ClaimGroup) -> Point:
    """A group in the words of its head clause (alignment puts the best-worded first)."""
    head = group.claims[0]
    return Point(head.span.text, tuple(_cite(c) for c in group.claims), tuple(group.outlets),
                 _per_outlet(group.claims))


def _per_outlet(claims: Sequence[Claim]) -> tuple[OutletCitations, ...]:
    return tuple(OutletCitations(outlet, count, _cite(first)) for outlet, count, first in outlet_counts(claims))


def _difference(c: Contradiction) -> Difference:
    return Difference(c.reason, c.method, _cite(c.claim), _cite(c.against), c.on, _part(c.claim, c.part),
                      _part(c.against, c.against_part), (party(c.claim), party(c.against)))


def _part(claim: Claim, part: Span | None) -> Citation | None:
    if part is None:
        return None
    return Citation(claim.article, claim.outlet, claim.published, part.start, part.end, claim.sentence.start,
                    claim.sentence.end, part.text)


def _figures(groups: Sequence[ClaimGroup]) -> tuple[FigureRow, ...]:
    """One row per figure group (vague and aside ones left out), by quantity (the most reported first),
    then by the time first given."""
    reach: dict[str, int] = defaultdict(int)
    for group in groups:
        if group.figure and not group.figure.aside:
            reach[group.figure.label] += len(group.outlets)
    rows = [
        FigureRow(g.figure.label, g.figure.value, g.figure.qualifier, g.figure.scope,
                  tuple(dict.fromkeys(party(c) for c in g.claims)), first_report(g), _per_outlet(g.claims),
                  len(g.contradictions))
        for g in groups if g.figure and not g.figure.aside
    ]
    return tuple(sorted(rows, key=lambda r: (-reach[r.quantity], r.quantity, r.first_given, r.value)))


def _checkable(group: ClaimGroup) -> bool:
    return any(c.dates or c.quantities for c in group.claims)


def _whole_claim_dissent(group: ClaimGroup) -> set[str]:
    """Articles that contradict the group's claim as a whole (a denial, the model's reading), the minority
    side of each such conflict; a conflict on one detail (a date, a count) leaves both sides supporting it."""
    whole = [c for c in group.contradictions if c.on not in ("date", "count")]
    opponents: dict[str, set[str]] = defaultdict(set)
    for c in whole:
        opponents[c.claim.article].add(c.against.article)
        opponents[c.against.article].add(c.claim.article)
    found = set()
    for c in whole:
        claim, against = c.claim.article, c.against.article
        found.add(against if len(opponents[against]) > len(opponents[claim]) else claim)
    return found


def _matrix(groups: Sequence[ClaimGroup], outlets: tuple[str, ...]) -> Matrix:
    rows = []
    for group in groups[:MAX_MATRIX_ROWS]:
        dissent = _whole_claim_dissent(group)
        cells: dict[str, Cell] = {}
        for claim in group.claims:
            cells.setdefault(_outlet(claim.outlet), "supports")
        for c in group.contradictions:
            for side in (c.claim, c.against):
                if side.article in dissent:
                    cells[_outlet(side.outlet)] = "contradicts"
        point = _point(group)
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
