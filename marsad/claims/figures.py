"""Figures: counted quantities as claims of their own, grouped, put in series, and set against each other.

A figure is one counted quantity of one clause, read in its story: what is
counted and what happened to it (killed people, injured children, countries,
dollars: the list is open), the value with its qualifier, its scope (a day's
count, or a total since an earlier time: "منذ 30 مارس", "since the fighting
began"), the time it was given (the article's publication time), who gave it
(the attributed speaker, else the outlet's own voice), and whether it is
background: a figure about another event, dated well before the story (the
9/11 toll, the 1948 refugees).

- Figure groups: the figures of one quantity with one value and qualifier,
  across articles (a figure stated by one article and its copies is single-source).
- Series: the figures of one quantity ordered by time; figures that grow over
  the days are a series, not a conflict.
- Conflicts: two figures of one quantity and scope, from independent articles,
  conflict when the one given later is incompatible with, and lower than, the
  one given earlier (a count cannot fall: 2,271 injured on Tuesday morning
  after 2,771 on Monday night; 45 killed since 30 March after 54), taking the
  qualifiers into account ("more than 50" is compatible with 52, "about 60"
  with 58). A later figure under a tenth of the earlier one counts something
  else (one day's dead against the whole toll) and is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.claims.contradict import Contradiction, event_days
from marsad.claims.extract import Claim
from marsad.claims.quantities import Quantity, aside_words, interval, is_vague, part_words, total_words
from marsad.claims.tokens import words
from marsad.dates.timeline import TimelineEntry
from marsad.records import Span
from marsad.text.normalize import fold

# A figure dated this many days before the story's first article is background (another event).
BACKGROUND_DAYS = 30
# A later figure below this share of an earlier one counts something else, not the same quantity.
MIN_SAME_QUANTITY_RATIO = 0.1
# A later figure must fall below this share of an earlier one to conflict with it: updated articles keep
# the time of their first version, so a toll restated a few percent under the last one (55 after 58
# killed) is a stale copy, not a conflict. Set on the Gaza event (benchmarks/claims_quality.py): the
# labelled falls are 2,271 after 2,771 injured (0.82), 45 after 54 killed (0.83), 7 after 8 children.
MAX_FALL_RATIO = 0.9
# A running total starts on the date named this many characters after "منذ" / "since" at most
# ("منذ 30 مارس", "منذ بدء الاحتجاجات في 30 مارس").
SINCE_REACH = 40
# What only grows: a later, lower figure of these contradicts an earlier one. Other counts
# (countries voting, people protesting in one place) go up and down.
MONOTONE = frozenset({"killed", "injured", "missing", "detained", "displaced"})
_TOTAL_PHRASES = (("in", "total"),)


@dataclass(frozen=True)
class Figure:
    """One counted quantity of one clause, read in its story."""

    claim: Claim
    quantity: Quantity
    scope: str  # "day" (a count of the day it refers to) or "total" (a running total)
    day: str  # the day it refers to: the clause's own date, else the publication day
    given: str  # when it was given: the publication time (ISO), the time series and conflicts order by
    party: str | None  # who gives it: the attributed speaker (its entity's name when resolved), else None
    background: bool  # about another event, dated well before the story
    aside: bool = False  # not the count itself (in critical condition, ready to receive) or vague (عشرات):
    # kept in groups, left out of series and conflicts
    part: bool = False  # part of another count ("من بينهم سبعة أطفال"): a quantity of its own

    @property
    def quantity_key(self) -> tuple[str, str, str, bool]:
        """What is counted, who is counted, the scope, and whether it is part of another: one quantity."""
        return self.quantity.category, self.quantity.counted, self.scope, self.part

    @property
    def label(self) -> str:
        """How the quantity reads: "killed", "killed (children)", "دول"."""
        what, counted = self.quantity.category, self.quantity.counted
        return what if counted in ("people", what) else f"{what} ({counted})"


def figures_of(claims: Sequence[Claim]) -> list[Figure]:
    """The figures of a story's claims (background ones included, marked)."""
    first = _first_day(claims)
    sentence_dates: dict[tuple[str, int], list[TimelineEntry]] = defaultdict(list)
    for claim in claims:
        sentence_dates[claim.article, claim.sentence.start] += claim.dates
    found = []
    for claim in claims:
        dated_before = first is not None and _dated_before(sentence_dates[claim.article, claim.sentence.start], first)
        for n, quantity in enumerate(claim.quantities):
            total, part, aside = _context(claim, n)
            scope = _total_scope(claim) if total else "day"
            found.append(Figure(claim, quantity, scope, _day(claim, scope), utc_time(claim.published), _party(claim),
                                dated_before and not total, aside or is_vague(quantity), part))
    return found


def _context(claim: Claim, n: int) -> tuple[bool, bool, bool]:
    """Whether quantity `n` of the clause is a running total, part of another count, or an aside.

    A total word counts from the previous count of the same kind to the next count ("قتل 41 ...
    ليرتفع بذلك عدد القتلى إلى 90": 90 is the total, 41 is not); a part word only right before it
    ("43 شهيدا من بينهم سبعة أطفال"); an aside word anywhere between its neighbours."""
    quantities, text, offset = claim.quantities, claim.span.text, claim.span.start
    quantity = quantities[n]
    same = [q.end for q in quantities[:n] if q.category == quantity.category]
    since_same = same[-1] if same else offset
    since_any = quantities[n - 1].end if n else offset
    until = quantities[n + 1].start if n + 1 < len(quantities) else claim.span.end

    def between(start: int, end: int) -> list[str]:
        return words(text[start - offset : max(start, end) - offset])

    around = between(since_same, quantity.start) + words(quantity.text) + between(quantity.end, until)
    right_before = between(since_any, quantity.start)
    nearby = right_before + between(quantity.end, until)
    return (_is_total(around), bool(part_words().intersection(right_before)),
            bool(aside_words().intersection(nearby)))


def _total_scope(claim: Claim) -> str:
    """"total since 2018-03-30": a running total, from the day "منذ" (since) names right after it."""
    text, offset = fold(claim.span.text), claim.span.start
    for word in ("منذ", "since"):
        at = text.find(word)
        if at < 0:
            continue
        after = [d for d in claim.dates if 0 <= d.start - offset - at <= SINCE_REACH]
        if after:
            return f"total since {min(after, key=lambda d: d.start).date.isoformat()}"
    return "total"


def utc_time(published: str | None) -> str:
    """A publication time as UTC ("2018-05-14T13:54:00+04:00" -> "2018-05-14T09:54:00"); a bare day stays a day."""
    text = published or ""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) <= 10:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _first_day(claims: Sequence[Claim]) -> dt.date | None:
    days = [_date(c.published) for c in claims if c.published]
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _is_total(tokens: Sequence[str]) -> bool:
    totals = total_words()
    if any(t in totals or (t[:1] == "و" and t[1:] in totals) for t in tokens):
        return True
    return any(tuple(tokens[i : i + 2]) in _TOTAL_PHRASES for i in range(len(tokens) - 1))


def _dated_before(dates: Sequence[TimelineEntry], first: dt.date) -> bool:
    """Whether a sentence dates what it says only well before the story began (any precision: "عام 1948";
    "هذه الهجمات التي أسفرت عن مقتل 3 آلاف شخص، فغزت الولايات المتحدة ... العراق عام 2003")."""
    limit = first - dt.timedelta(days=BACKGROUND_DAYS)
    return bool(dates) and all((d.end_date or d.date) < limit for d in dates)


def _day(claim: Claim, scope: str) -> str:
    """The day a figure refers to: the latest day its clause names (after the start of a running
    total: "منذ 30 مارس" dates the start, not the count), else the publication day."""
    since = scope.removeprefix("total since ") if scope.startswith("total since ") else ""
    days = sorted(d for d in event_days(claim) if d > since)
    return days[-1] if days else (claim.published or "")[:10]


def _party(claim: Claim) -> str | None:
    statement = claim.statement
    if statement is None:
        return None
    if statement.speaker_entity is not None:
        return statement.speaker_entity.canonical
    return statement.speaker.text if statement.speaker else None


def figure_series(figures: Sequence[Figure]) -> dict[str, list[Figure]]:
    """The figures of each quantity (background left out), in the order they were given, by label."""
    series: dict[str, list[Figure]] = defaultdict(list)
    for figure in figures:
        if not figure.background and not figure.aside:
            series[figure.label].append(figure)
    return {label: sorted(points, key=lambda f: (f.day, f.given, f.quantity.value)) for label, points in
            sorted(series.items())}


def figure_conflicts(figures: Sequence[Figure], copies: dict[str, str]) -> list[Contradiction]:
    """Later figures of a quantity that a count cannot reach from an earlier one (see the module doc)."""
    by_quantity: dict[tuple[str, str, str, bool], list[Figure]] = defaultdict(list)
    for figure in figures:
        if not figure.background and not figure.aside and figure.quantity.category in MONOTONE:
            by_quantity[figure.quantity_key].append(figure)
    found: dict[tuple[str, str, int, int], Contradiction] = {}
    for members in by_quantity.values():
        ordered = sorted(members, key=lambda f: f.given)
        for n, earlier in enumerate(ordered):
            for later in ordered[n + 1 :]:
                if _falls(earlier, later, copies):
                    key = (_source(later, copies), _source(earlier, copies), later.quantity.value,
                           earlier.quantity.value)
                    found.setdefault(key, _conflict(earlier, later))
    return list(found.values())


def _source(figure: Figure, copies: dict[str, str]) -> str:
    return copies.get(figure.claim.article, figure.claim.article)


def _falls(earlier: Figure, later: Figure, copies: dict[str, str]) -> bool:
    if _source(earlier, copies) == _source(later, copies) or later.given <= earlier.given:
        return False
    before, after = interval(earlier.quantity), interval(later.quantity)
    return MIN_SAME_QUANTITY_RATIO * before.low <= after.high < MAX_FALL_RATIO * before.low


def _conflict(earlier: Figure, later: Figure) -> Contradiction:
    reason = (f"{later.label}: {_said(later)} after {_said(earlier)}"
              f"{' (a running total)' if later.scope == 'total' else ''}: a count cannot fall")
    return Contradiction(later.claim, earlier.claim, reason, "rule", None, "count",
                         _part(later), _part(earlier))


def _said(figure: Figure) -> str:
    qualifier = (figure.quantity.qualifier or "").replace("_", " ")
    who = figure.party or figure.claim.outlet or figure.claim.article
    return f"{qualifier + ' ' if qualifier else ''}{figure.quantity.value} ({who}, {figure.given[:16]})"


def _part(figure: Figure) -> Span:
    q = figure.quantity
    return Span(q.start, q.end, q.text)
