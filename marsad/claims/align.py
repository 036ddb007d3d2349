"""Claim alignment across outlets: groups of claims that say the same thing, who supports
each group, what contradicts it, which claims rest on one outlet, and number series.

- Grouping: single-link over pairs of claims from different articles whose
  multilingual-e5 cosine is at least `GROUP_MIN_COSINE` and whose folded word /
  stem overlap is at least `GROUP_MIN_OVERLAP`.
- Copies (articles sharing dedupe's `MIN_SHARED_SENTENCES` long sentences)
  count once: a claim supported only by an article and its copies is single-source.
- Contradictions inside a group: two outlets dating the same event on different
  days; the same count for the same day with different values; a denial.
- Counts of one category (e.g. killed) reported on different days form a
  series, not a contradiction.
Thresholds were set on the seeds and the bundled example corpus; they are
named here so that a calibration on labelled data can replace them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from marsad.claims.embed import embed
from marsad.claims.extract import Claim, article_claims
from marsad.claims.pair_features import token_keys, words
from marsad.dedupe.detector import MIN_SHARED_SENTENCES, sentence_fingerprints
from marsad.records import Article
from marsad.text.normalize import fold

GROUP_MIN_COSINE = 0.93
GROUP_MIN_OVERLAP = 0.35
# Claims dated more than this many days apart report different events (a call in
# April, a meeting in June); a conflict about one event's date is a few days wide.
GROUP_MAX_DATE_GAP_DAYS = 7
DAY_PRECISIONS = frozenset({"day"})


@dataclass
class ClaimGroup:
    """Claims of several articles that state the same thing."""

    claims: list[Claim]
    copies: dict[str, str]  # article id -> the article it copies
    contradictions: list[tuple[Claim, Claim, str]] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        """Independent outlets supporting the group (copies count once)."""
        independent = {self.copies.get(c.article, c.article) for c in self.claims}
        outlets = {c.outlet or c.article for c in self.claims if c.article in independent}
        return sorted(outlets)

    @property
    def single_source(self) -> bool:
        return len({self.copies.get(c.article, c.article) for c in self.claims}) == 1


@dataclass(frozen=True)
class SeriesPoint:
    """One reported value of a count, with the day it refers to."""

    day: str
    value: int
    qualifier: str | None
    claim: Claim
    text: str


@dataclass
class Alignment:
    """The result of aligning the claims of a set of articles."""

    groups: list[ClaimGroup]
    series: dict[str, list[SeriesPoint]]


def align_articles(articles: Sequence[Article]) -> Alignment:
    """Group the claims of `articles`, find contradictions, single sources and series."""
    claims = [c for a in articles for c in article_claims(a)]
    copies = find_copies(articles)
    groups = [ClaimGroup(members, copies) for members in _group(claims)]
    for group in groups:
        group.contradictions = _contradictions(group)
    groups.sort(key=lambda g: (-len(g.outlets), g.claims[0].published or "", g.claims[0].span.start))
    return Alignment(groups, number_series(claims))


def _group(claims: list[Claim]) -> list[list[Claim]]:
    if not claims:
        return []
    vectors = embed([c.span.text for c in claims])
    cosine = vectors @ vectors.T
    keys = [_keys(c.span.text) for c in claims]
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(cosine >= GROUP_MIN_COSINE, k=1)), strict=True):
        a, b = claims[i], claims[j]
        if a.article != b.article and _overlap(keys[i], keys[j]) >= GROUP_MIN_OVERLAP and _near_in_time(a, b):
            parent[find(int(i))] = find(int(j))
    members: dict[int, list[Claim]] = defaultdict(list)
    for index, claim in enumerate(claims):
        members[find(index)].append(claim)
    return list(members.values())


def _near_in_time(a: Claim, b: Claim) -> bool:
    """False when both claims are dated to the day and every pair of dates is far apart."""
    days_a = [d.date for d in a.dates if d.precision in DAY_PRECISIONS]
    days_b = [d.date for d in b.dates if d.precision in DAY_PRECISIONS]
    if not days_a or not days_b:
        return True
    return any(abs((x - y).days) <= GROUP_MAX_DATE_GAP_DAYS for x in days_a for y in days_b)


def _keys(text: str) -> frozenset[str]:
    keys: set[str] = set()
    for word in words(text):
        keys |= token_keys(word)
    return frozenset(keys)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def find_copies(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> id of the earlier article it copies (shared long sentences)."""
    prints = {a.id: set(sentence_fingerprints(fold(a.body))) for a in articles}
    order = sorted(articles, key=lambda a: (a.published or "", a.id))
    copies: dict[str, str] = {}
    for earlier_index, earlier in enumerate(order):
        for later in order[earlier_index + 1 :]:
            shared = len(prints[earlier.id] & prints[later.id])
            if shared >= MIN_SHARED_SENTENCES and later.id not in copies:
                copies[later.id] = copies.get(earlier.id, earlier.id)
    return copies


def _contradictions(group: ClaimGroup) -> list[tuple[Claim, Claim, str]]:
    found = []
    for a, b in combinations(group.claims, 2):
        if group.copies.get(a.article, a.article) == group.copies.get(b.article, b.article):
            continue
        reason = _date_conflict(a, b) or _count_conflict(a, b) or _denial(a, b)
        if reason:
            found.append((a, b, reason))
    return found


def _event_days(claim: Claim) -> set[str]:
    """Days the clause dates its event on (the reporting day of "قال ... يوم الجمعة" included)."""
    return {d.date.isoformat() for d in claim.dates if d.precision in DAY_PRECISIONS}


def _date_conflict(a: Claim, b: Claim) -> str | None:
    days_a, days_b = _event_days(a), _event_days(b)
    if days_a and days_b and not days_a & days_b:
        return f"different dates: {', '.join(sorted(days_a))} vs {', '.join(sorted(days_b))}"
    return None


def _count_conflict(a: Claim, b: Claim) -> str | None:
    for qa in a.quantities:
        for qb in b.quantities:
            same_day = _reference_day(a) == _reference_day(b)
            if qa.category == qb.category and qa.value != qb.value and same_day:
                return f"different counts ({qa.category}) for the same day: {qa.value} vs {qb.value}"
    return None


def _denial(a: Claim, b: Claim) -> str | None:
    polarities = {c.statement.polarity for c in (a, b) if c.statement}
    return "one side denies" if polarities == {"assert", "deny"} else None


def _reference_day(claim: Claim) -> str:
    """The day a claim's numbers refer to: its own dated expression, else publication."""
    days = sorted(_event_days(claim))
    return days[-1] if days else (claim.published or "")[:10]


def number_series(claims: Sequence[Claim]) -> dict[str, list[SeriesPoint]]:
    """Counts of casualties by category, in the order of the days they refer to."""
    series: dict[str, list[SeriesPoint]] = defaultdict(list)
    for claim in claims:
        for q in claim.quantities:
            if q.category in ("killed", "injured", "missing"):
                series[q.category].append(SeriesPoint(_reference_day(claim), q.value, q.qualifier, claim, q.text))
    return {k: sorted(v, key=lambda p: (p.day, p.value)) for k, v in series.items()}


def alignment_json(alignment: Alignment) -> dict[str, object]:
    """The claims JSON: groups (statement, entities, time, numbers, supported_by,
    contradicted_by, single_source, each with article, sentence and offsets) and series."""
    return {
        "groups": [_group_json(g) for g in alignment.groups],
        "series": {
            category: [
                {"day": p.day, "value": p.value, "qualifier": p.qualifier, "text": p.text,
                 **_source_json(p.claim)}
                for p in points
            ]
            for category, points in alignment.series.items()
        },
    }


def _group_json(group: ClaimGroup) -> dict[str, object]:
    first = group.claims[0]
    return {
        "statement": first.span.text,
        "entities": [],  # filled once entity resolution joins the pipeline
        "time": sorted({d.date.isoformat() for c in group.claims for d in c.dates}),
        "numbers": [
            {"value": q.value, "qualifier": q.qualifier, "category": q.category, "text": q.text}
            for c in group.claims for q in c.quantities
        ],
        "outlets": group.outlets,
        "supported_by": [_source_json(c) for c in group.claims],
        "contradicted_by": [
            {**_source_json(b), "against": a.article, "reason": reason}
            for a, b, reason in group.contradictions
        ],
        "single_source": group.single_source,
        "copies": {c.article: group.copies[c.article] for c in group.claims if c.article in group.copies},
    }


def _source_json(claim: Claim) -> dict[str, object]:
    statement = claim.statement
    return {
        "article": claim.article,
        "outlet": claim.outlet,
        "published": claim.published,
        "text": claim.span.text,
        "start": claim.span.start,
        "end": claim.span.end,
        "sentence": claim.sentence.text,
        "sentence_start": claim.sentence.start,
        "sentence_end": claim.sentence.end,
        "attribution": statement.chain if statement else [],
        "polarity": statement.polarity if statement else "assert",
    }
