"""What a two-screen brief puts first: the salient facts, what is background, which conflicts matter most.

- Background: a clause whose sentence one outlet repeats across articles that
  are not copies of each other (a standing paragraph: "وتشهد غزة منذ 30 آذار
  مسيرات العودة ...") or that dates what it says well before the story (history).
  A group most of whose clauses are background is kept out of "what happened".
- Salient facts: groups stated by two or more independent outlets, ranked by
  outlets, then by how early they were first reported; each day of the story
  gets its most-reported new fact (novelty over the story's days); a fact that
  repeats a chosen one in other words is skipped; at most `MAX_FACTS`.
- Conflicts, ranked: rules before the stance model, the sides with the most
  outlets first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from marsad.claims.align import ClaimGroup, distinct_conflicts, lexical_keys, overlap
from marsad.claims.contradict import Contradiction
from marsad.claims.extract import Claim
from marsad.claims.figures import BACKGROUND_DAYS, utc_time
from marsad.records import Article
from marsad.text.normalize import fold

# "What happened" lists at most this many facts, and at least this many when the story has them.
MAX_FACTS = 8
MIN_FACTS = 5
# A fact whose head shares this much of its words with a chosen one says the same thing again.
REPEAT_OVERLAP = 0.6
_ON_ORDER = {"count": 0, "date": 1, "occurrence": 2, "place": 3}


def background_sentences(articles: Sequence[Article], copies: dict[str, str]) -> set[tuple[str, int]]:
    """(article, sentence start) of the sentences one outlet repeats in articles that are not copies."""
    seen: dict[tuple[str | None, str], set[str]] = {}
    for article in articles:
        source = copies.get(article.id, article.id)
        for sentence in article.sentences:
            seen.setdefault((article.outlet, fold(sentence.text)), set()).add(source)
    found = set()
    for article in articles:
        for sentence in article.sentences:
            if len(seen[article.outlet, fold(sentence.text)]) > 1:
                found.add((article.id, sentence.start))
    return found


def is_background(group: ClaimGroup, repeated: set[tuple[str, int]], first_day: str) -> bool:
    """Whether most of a group's clauses are background (repeated standing text, or history)."""
    background = sum(1 for c in group.claims if (c.article, c.sentence.start) in repeated or _history(c, first_day))
    return background * 2 > len(group.claims)


def _history(claim: Claim, first_day: str) -> bool:
    """A clause that dates what it says only well before the story began."""
    if not claim.dates or not first_day:
        return False
    limit = (dt.date.fromisoformat(first_day) - dt.timedelta(days=BACKGROUND_DAYS)).isoformat()
    return all((d.end_date or d.date).isoformat() < limit for d in claim.dates)


def first_report(group: ClaimGroup) -> str:
    """When a group's claim was first published (UTC)."""
    return min((utc_time(c.published) for c in group.claims), default="")


def salient(groups: Sequence[ClaimGroup]) -> tuple[list[ClaimGroup], list[ClaimGroup]]:
    """(the salient facts, the other groups), from groups of two or more outlets, not background."""
    ranked = sorted(groups, key=lambda g: (-len(g.outlets), first_report(g)))
    chosen: list[ClaimGroup] = []
    for day in sorted({first_report(g)[:10] for g in ranked}):
        newest = next((g for g in ranked if first_report(g)[:10] == day), None)
        if newest is not None and len(chosen) < MAX_FACTS // 2 and not _repeats(newest, chosen):
            chosen.append(newest)
    for group in ranked:
        if len(chosen) >= MAX_FACTS:
            break
        if group not in chosen and not _repeats(group, chosen):
            chosen.append(group)
    chosen.sort(key=lambda g: (-len(g.outlets), first_report(g)))
    return chosen, [g for g in ranked if g not in chosen]


def _repeats(group: ClaimGroup, chosen: Sequence[ClaimGroup]) -> bool:
    keys = lexical_keys(group.claims[0].span.text)
    return any(overlap(keys, lexical_keys(c.claims[0].span.text)) >= REPEAT_OVERLAP for c in chosen)


def ranked_conflicts(groups: Sequence[ClaimGroup]) -> list[Contradiction]:
    """Every conflict once, the most telling first: rules before the model, the most outlets behind it."""
    support: dict[int, int] = {}
    for group in groups:
        for claim in group.claims:
            support[id(claim)] = max(support.get(id(claim), 0), len(group.outlets))
    return sorted(distinct_conflicts(groups), key=lambda c: (c.method != "rule", _ON_ORDER.get(c.on, 9),
                                        -(support.get(id(c.claim), 1) + support.get(id(c.against), 1)),
                                        -(c.probability or 1.0)))


def party(claim: Claim) -> str:
    """Who gives a claim: its attributed speaker (the resolved entity's name), else its outlet."""
    statement = claim.statement
    if statement is not None and statement.speaker_entity is not None:
        return statement.speaker_entity.canonical
    if statement is not None and statement.speaker is not None:
        return statement.speaker.text
    return claim.outlet or claim.article


def outlet_counts(claims: Sequence[Claim]) -> list[tuple[str, int, Claim]]:
    """Per outlet: how many of the claims it states and the first of them (in the order given), most first."""
    counts = Counter(c.outlet or c.article for c in claims)
    first: dict[str, Claim] = {}
    for claim in claims:
        first.setdefault(claim.outlet or claim.article, claim)
    return [(outlet, counts[outlet], first[outlet]) for outlet in sorted(counts, key=lambda o: (-counts[o], o))]
