"""Claim alignment across outlets: groups of claims that say the same thing, who supports
each group, what contradicts it and on what, which claims rest on one outlet, and the
figures (counts) as claims of their own, in series.

The input is the claims of a set of articles with their subject entities and
one embedding each (`marsad.relate.story.align_story` reads them from the
articles' annotations); `align_claims` then does:

- Statement groups: single-link over pairs of claims from different articles,
  not dated far apart, whose multilingual-e5 cosine is at least
  `GROUP_MIN_COSINE` and whose folded word / stem overlap is at least
  `GROUP_MIN_OVERLAP`; a pair in two scripts (an English wire and its Arabic
  coverage) shares no words, so it needs `GROUP_MIN_COSINE_CROSS_SCRIPT` alone.
  Two clauses giving one quantity different figures never join ("at least 7
  killed" does not support "more than 200 killed").
- Figure groups (`marsad.claims.figures`): the clauses giving one value of one
  quantity; series of each quantity over time; conflicts where a count falls.
- Copies (articles sharing dedupe's `MIN_SHARED_SENTENCES` long sentences)
  count once: a claim supported only by an article and its copies is single-source.
- Contradictions (`marsad.claims.contradict`), each on a named part: dates and
  denials inside a group or between close clauses of two groups, the stance
  model on candidate pairs inside or across groups (cosine at least
  `STANCE_MIN_COSINE`, a subject entity in common).
- The best wording heads each group (`marsad.claims.wording`): a well-formed
  sentence in the story's language from an original report, never a machine
  translation when another member says the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from marsad.claims.contradict import (
    DATE_MIN_COSINE_ACROSS,
    DATE_MIN_SHARED_WORDS_ACROSS,
    DAY_PRECISIONS,
    STANCE_MIN_COSINE,
    STANCE_MIN_OVERLAP,
    Contradiction,
    content_dates,
    date_conflict,
    denial,
    stance_contradictions,
)
from marsad.claims.embed import DIM, embed
from marsad.claims.extract import Claim
from marsad.claims.figures import Figure, figure_conflicts, figure_series, figures_of
from marsad.claims.quantities import differ
from marsad.claims.subjects import EntityRef, shared_entities
from marsad.claims.tokens import token_keys, words
from marsad.claims.wording import Wording, is_latin
from marsad.dedupe.detector import MIN_SHARED_SENTENCES, sentence_fingerprints
from marsad.records import Article
from marsad.text.normalize import fold

# `python -m scripts.calibrate_claims` on ANS paraphrases (1,171) against the nearest claim
# about another event (ANS 2,491, ArbTEDS 510) and ANS "other" (79) chose 0.95 / 0.35
# (precision 0.761, recall 0.734, F0.5 0.755). On real coverage (the Gaza event of
# benchmarks/claims_quality.py, groups of two or more outlets) 0.94 / 0.35 scores higher:
# mean group F1 0.788 against 0.772, 54 groups at 0.8 or more against 50.
GROUP_MIN_COSINE = 0.94
GROUP_MIN_OVERLAP = 0.35
# An English and an Arabic statement of one claim score lower than two Arabic ones
# and share no words, so cosine alone decides. No public parallel news pairs to
# calibrate on: set on the example corpus's English wire against its Arabic machine
# translation (best match per clause 0.867-0.948, median 0.91) and the hand-written
# pair in tests/claims/data (matches 0.877-0.922, other clauses at most 0.836).
GROUP_MIN_COSINE_CROSS_SCRIPT = 0.87
# Two groups of one script join only while the claims they grew from are this close: a brake on
# single-link chains, which pulled a 116-article story (ANT, Iran deal, May 2018) into one group of
# 274 clauses (92 now; 0.94 gives 44 but splits the seeds' recognition claim). On the Gaza event
# (benchmarks/claims_quality.py) the mean F1 of groups of two or more outlets stays 0.79.
GROUP_MIN_SEED_COSINE = 0.93
# Claims dated more than this many days apart report different events (a call in
# April, a meeting in June); a conflict about one event's date is a few days wide.
GROUP_MAX_DATE_GAP_DAYS = 7


@dataclass(frozen=True)
class FigureKey:
    """The figure a figure group gives: one value of one quantity."""

    label: str  # "killed", "killed (children)", "دول"
    what: str
    counted: str
    scope: str  # "day", "total", "total since 2018-03-30"
    part: bool
    value: int
    qualifier: str | None
    aside: bool = False  # vague ("عشرات") or not the count itself (in critical condition, ready to receive)


@dataclass
class ClaimGroup:
    """Claims of several articles that state the same thing (the first one heads the group)."""

    claims: list[Claim]
    copies: dict[str, str]  # article id -> the article it copies
    contradictions: list[Contradiction] = field(default_factory=list)
    figure: FigureKey | None = None  # set on a figure group

    @property
    def outlets(self) -> list[str]:
        """Independent outlets supporting the group (copies count once)."""
        independent = {self.copies.get(c.article, c.article) for c in self.claims}
        outlets = {c.outlet or c.article for c in self.claims if c.article in independent}
        return sorted(outlets)

    @property
    def single_source(self) -> bool:
        """True when one article (and its copies) is the only support."""
        return len({self.copies.get(c.article, c.article) for c in self.claims}) == 1

    @property
    def entities(self) -> list[EntityRef]:
        """Subject entities of the members, most shared first."""
        counts: dict[str, int] = defaultdict(int)
        refs: dict[str, EntityRef] = {}
        for claim in self.claims:
            for ref in claim.entities:
                counts[ref.id] += 1
                refs.setdefault(ref.id, ref)
        return [refs[i] for i in sorted(refs, key=lambda i: -counts[i])]


def distinct_conflicts(groups: Sequence[ClaimGroup]) -> list[Contradiction]:
    """Every conflict of the groups once (one between two groups is recorded on both), in group order."""
    seen: set[frozenset[int]] = set()
    found = []
    for group in groups:
        for conflict in group.contradictions:
            key = frozenset({id(conflict.claim), id(conflict.against)})
            if key not in seen:
                seen.add(key)
                found.append(conflict)
    return found


@dataclass(frozen=True)
class SeriesPoint:
    """One reported value of a count, with the day it refers to, when it was given and by whom."""

    day: str
    value: int
    qualifier: str | None
    claim: Claim
    text: str
    scope: str = "day"
    given: str = ""
    party: str | None = None


@dataclass
class Alignment:
    """The result of aligning the claims of a set of articles."""

    groups: list[ClaimGroup]  # statement groups, most outlets first
    series: dict[str, list[SeriesPoint]]
    figures: list[ClaimGroup] = field(default_factory=list)  # figure groups, most outlets first
    copies: dict[str, str] = field(default_factory=dict)  # article id -> the article it copies


def embed_claims(claims: Sequence[Claim]) -> NDArray[np.float32]:
    """One unit vector per claim clause."""
    if not claims:
        return np.zeros((0, DIM), dtype=np.float32)
    return embed([c.span.text for c in claims])


def align_claims(
    claims: Sequence[Claim], vectors: NDArray[np.float32], copies: dict[str, str],
    machine: frozenset[str] = frozenset(),
) -> Alignment:
    """Group `claims` (with their `vectors`), add contradictions, figures and series.
    `machine` are the ids of articles that read as machine translation."""
    close = _close_pairs(claims, vectors)
    keys = [lexical_keys(c.span.text) for c in claims]
    wording = Wording(claims, copies, machine)
    groups = [ClaimGroup(wording.ordered([claims[i] for i in members]), copies)
              for members in _group(claims, close, keys, vectors)]
    group_of = {id(claim): group for group in groups for claim in group.claims}
    for found in _denials(claims, close, copies, group_of):
        _add_across(found, group_of)
    for found in _date_conflicts(claims, close, copies, wording, group_of):
        _add_across(found, group_of)
    candidates = [
        (i, j) for i, j, cosine in close
        if cosine >= STANCE_MIN_COSINE and overlap(keys[i], keys[j]) >= STANCE_MIN_OVERLAP
        and shared_entities(claims[i].entities, claims[j].entities)
        and copies.get(claims[i].article, claims[i].article) != copies.get(claims[j].article, claims[j].article)
    ]
    for found in stance_contradictions(claims, vectors, candidates):
        _add_across(found, group_of)
    groups.sort(key=lambda g: (-len(g.outlets), g.claims[0].published or "", g.claims[0].span.start))
    figures = figures_of(claims)
    return Alignment(groups, _series(figures), _figure_groups(figures, copies, wording), copies)


def _close_pairs(claims: Sequence[Claim], vectors: NDArray[np.float32]) -> list[tuple[int, int, float]]:
    """Pairs of claims of different articles, near in time, close enough to group or to compare
    (two scripts: `GROUP_MIN_COSINE_CROSS_SCRIPT`; one script: the lower of the grouping and stance floors)."""
    if not claims:
        return []
    cosine = vectors @ vectors.T
    latin = np.array([is_latin(c.span.text) for c in claims])
    article = np.unique([c.article for c in claims], return_inverse=True)[1]
    same_script = min(GROUP_MIN_COSINE, STANCE_MIN_COSINE)
    close = np.where(latin[:, None] == latin[None, :], cosine >= same_script, cosine >= GROUP_MIN_COSINE_CROSS_SCRIPT)
    close &= article[:, None] != article[None, :]
    days = [[d.date for d in c.dates if d.precision in DAY_PRECISIONS] for c in claims]
    pairs = []
    for i, j in zip(*np.nonzero(np.triu(close, k=1)), strict=True):
        if _near_in_time(days[i], days[j]):
            pairs.append((int(i), int(j), float(cosine[i, j])))
    return pairs


def _group(
    claims: Sequence[Claim], close: list[tuple[int, int, float]], keys: list[frozenset[str]],
    vectors: NDArray[np.float32],
) -> list[list[int]]:
    """Join close pairs, the closest first; two groups of one script join only while the claims they
    grew from stay close (`GROUP_MIN_SEED_COSINE`): single links would chain a whole story into one group."""
    latin = [is_latin(c.span.text) for c in claims]
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seeds = [[i] for i in range(len(claims))]  # the claims each group grew from (its first pair)
    for i, j, cosine in sorted(close, key=lambda pair: -pair[2]):
        if latin[i] != latin[j]:
            same = cosine >= GROUP_MIN_COSINE_CROSS_SCRIPT
        else:
            same = cosine >= GROUP_MIN_COSINE and overlap(keys[i], keys[j]) >= GROUP_MIN_OVERLAP
        root_i, root_j = find(i), find(j)
        if not same or root_i == root_j or differ(claims[i].quantities, claims[j].quantities):
            continue
        if _other_speakers(claims[i], claims[j]):
            continue  # Rouhani's words and Macron's are two claims, however alike
        if latin[i] == latin[j] and max(float(vectors[a] @ vectors[b]) for a in seeds[root_i]
                                        for b in seeds[root_j]) < GROUP_MIN_SEED_COSINE:
            continue  # the chain would pull two different claims together
        parent[root_i] = root_j
        seeds[root_j] = (seeds[root_j] + seeds[root_i])[:2]
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(claims)):
        members[find(index)].append(index)
    return list(members.values())


def _other_speakers(a: Claim, b: Claim) -> bool:
    """Whether the two clauses are statements of two different resolved speakers."""
    first = a.statement.speaker_entity if a.statement else None
    second = b.statement.speaker_entity if b.statement else None
    return first is not None and second is not None and first.id != second.id


def _near_in_time(days_a: Sequence[dt.date], days_b: Sequence[dt.date]) -> bool:
    """False when both claims are dated to the day and every pair of dates is far apart."""
    if not days_a or not days_b:
        return True
    return any(abs((x - y).days) <= GROUP_MAX_DATE_GAP_DAYS for x in days_a for y in days_b)


def lexical_keys(text: str) -> frozenset[str]:
    """The folded words of `text` and their stems, as grouping compares them."""
    keys: set[str] = set()
    for word in words(text):
        keys |= token_keys(word)
    return frozenset(keys)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set of keys found in the other one."""
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


def _denials(
    claims: Sequence[Claim], close: list[tuple[int, int, float]], copies: dict[str, str],
    group_of: dict[int, ClaimGroup],
) -> list[Contradiction]:
    """A denial against what another independent article asserts, close in meaning (`STANCE_MIN_COSINE`)
    and about a subject entity in common. One conflict per group of denials and group asserting it."""
    found: dict[tuple[int, int], Contradiction] = {}
    for i, j, cosine in close:
        a, b = claims[i], claims[j]
        if copies.get(a.article, a.article) == copies.get(b.article, b.article):
            continue
        if cosine < STANCE_MIN_COSINE or not shared_entities(a.entities, b.entities):
            continue
        conflict = denial(a, b)
        if conflict is not None:
            found.setdefault((id(group_of[id(conflict.claim)]), id(group_of[id(conflict.against)])), conflict)
    return list(found.values())


def _date_conflicts(
    claims: Sequence[Claim], close: list[tuple[int, int, float]], copies: dict[str, str], wording: Wording,
    group_of: dict[int, ClaimGroup],
) -> list[Contradiction]:
    """Close clauses of independent articles dating one event on different days (in one group, or
    closer still across groups): for each pair of dates, the conflict between the best-worded
    clause of either side."""
    found: dict[tuple[str, str], Contradiction] = {}
    dated = [len({d.date for d in content_dates(c)}) == 1 for c in claims]
    for i, j, cosine in close:
        a, b = claims[i], claims[j]
        if not (dated[i] and dated[j]) or copies.get(a.article, a.article) == copies.get(b.article, b.article):
            continue
        if group_of[id(a)] is group_of[id(b)]:
            conflict = date_conflict(a, b)
        elif cosine >= DATE_MIN_COSINE_ACROSS:
            conflict = date_conflict(a, b, DATE_MIN_SHARED_WORDS_ACROSS)
        else:
            continue
        if conflict:
            first, second = sorted((content_dates(a)[0].date.isoformat(), content_dates(b)[0].date.isoformat()))
            kept = found.get((first, second))
            if kept is None or wording.better_pair(conflict, kept):
                found[first, second] = conflict
    return list(found.values())


def _add_across(found: Contradiction, group_of: dict[int, ClaimGroup]) -> None:
    """Record a conflict on the group of each side (once if they share a group)."""
    group = group_of[id(found.against)]
    other = group_of[id(found.claim)]
    pairs = {(id(c.claim), id(c.against)) for c in group.contradictions}
    if (id(found.claim), id(found.against)) in pairs or (id(found.against), id(found.claim)) in pairs:
        return  # already recorded
    group.contradictions.append(found)
    if other is not group:
        other.contradictions.append(Contradiction(found.against, found.claim, found.reason, found.method,
                                                  found.probability, found.on, found.against_part, found.part))


def _series(figures: Sequence[Figure]) -> dict[str, list[SeriesPoint]]:
    return {
        label: [SeriesPoint(f.day, f.quantity.value, f.quantity.qualifier, f.claim, f.quantity.text, f.scope,
                            f.given, f.party) for f in points]
        for label, points in figure_series(figures).items()
    }


def _figure_groups(figures: Sequence[Figure], copies: dict[str, str], wording: Wording) -> list[ClaimGroup]:
    """One group per value of each quantity (background left out), with the conflicts where a count falls."""
    members: dict[FigureKey, list[Claim]] = defaultdict(list)
    key_of: dict[tuple[str, int], FigureKey] = {}
    for f in figures:
        if not f.background:
            q = f.quantity
            key = FigureKey(f.label, q.category, q.counted, f.scope, f.part, q.value, q.qualifier, f.aside)
            key_of[f.claim.article, q.start] = key
            if not any(c is f.claim for c in members[key]):
                members[key].append(f.claim)
    groups = {key: ClaimGroup(wording.ordered(claims), copies, figure=key) for key, claims in members.items()}
    for conflict in figure_conflicts(figures, copies):
        for claim, part in ((conflict.claim, conflict.part), (conflict.against, conflict.against_part)):
            found = key_of.get((claim.article, part.start)) if part else None
            if found is not None:
                groups[found].contradictions.append(conflict)
    return sorted(groups.values(), key=lambda g: (-len(g.outlets), g.claims[0].published or ""))
