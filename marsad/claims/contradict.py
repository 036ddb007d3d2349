"""Contradictions between claims, each on one named part: a date, a denial, or what the stance model reads.

Two outlets that tell one claim and differ on one detail do not contradict each
other on the whole claim: the conflict is on that detail and says so (`on`),
pointing at the words it is about (`part`, `against_part`).

- date: two clauses close in meaning that each date their event on one day,
  different days a few days apart (the call on Monday 15 April, or on the 16th).
  Only dates inside the reported content count: "قال البيت الأبيض يوم الجمعة"
  dates the statement, not the call.
- occurrence: one side denies what the other asserts (a denial of knowing, "نفى علمه
  بما جرى", contradicts no account of what happened).
- occurrence, again: one clause told again with an opposite word (open / close).
- the stance model (`marsad.claims.stance`) reads candidate pairs chosen by
  alignment (close in meaning, a subject entity in common, not dated far
  apart) and gives P(contradict); a pair it flags is kept only when the two
  clauses differ on a part that can be named: a date or weekday (date), a
  place (place), or a negation or an opposite word (occurrence). A pair that
  differs only in its numbers is left to the figures (`marsad.claims.figures`),
  which know a growing toll from a conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from marsad.claims.extract import Claim
from marsad.claims.pair_features import LEXICAL_FEATURES, cue_stems, dense_matrix, lexicons
from marsad.claims.stance import LABELS, shipped_model
from marsad.claims.tokens import stem, token_keys, words
from marsad.dates.timeline import TimelineEntry
from marsad.records import Span
from marsad.text.normalize import fold

# The stance model learnt contradictions from ANS, where a contradiction is a rewrite
# of one headline (median word overlap 0.625): it only sees pairs this close in meaning
# and in words (`python -m scripts.calibrate_claims`).
STANCE_MIN_COSINE = 0.9
STANCE_MIN_OVERLAP = 0.5
STANCE_MIN_CONTRADICT = 0.9
DAY_PRECISIONS = frozenset({"day"})
# A denial clause names its speaker (or its content) within this many words of its start.
MAX_DENIAL_LEAD_WORDS = 4
# Two clauses that share this share of their stems and differ by an opposite word contradict on
# whether it happened, whatever the model reads (set on the Gaza event: one pair, a labelled conflict).
OPPOSITE_MIN_COVER = 0.7
# Two dates of one event further apart than this are two events, or a weekday read in the wrong
# week ("صباح الثلاثاء" of an article about tomorrow's meeting); real disagreements are a day or two.
MAX_DATE_CONFLICT_DAYS = 3
# Both dates must stand among words that name the same thing (ذكرى النكبة, خليفة حفتر): this many
# content words within this many words of the date, in common; for two clauses of different groups,
# more words and a closer meaning. Set on the Gaza event (no false date conflict left; two-day
# stories abound in "killed on Monday" / "funerals on Tuesday" pairs) and the seeds' call.
DATE_NEIGHBOURHOOD_WORDS = 6
DATE_MIN_SHARED_WORDS = 2
DATE_MIN_SHARED_WORDS_ACROSS = 3
DATE_MIN_COSINE_ACROSS = 0.92
_MIN_CONTENT_LETTERS = 4
_FEATURE = {name: n for n, name in enumerate(LEXICAL_FEATURES)}


@dataclass(frozen=True)
class Contradiction:
    """`claim` contradicts `against` (claims of two independent articles), on one named part."""

    claim: Claim
    against: Claim
    reason: str
    method: str  # "rule" or "stance"
    probability: float | None = None  # P(contradict) of the stance model
    on: str = "other"  # what the two differ on: date | count | occurrence | place | other
    part: Span | None = None  # in `claim`'s article: the date expression or figure they differ on
    against_part: Span | None = None  # the same in `against`'s article


def rule_contradiction(a: Claim, b: Claim) -> Contradiction | None:
    """`b` against `a` on the date of their event, or a denial."""
    return date_conflict(a, b) or denial(a, b)


def content_dates(claim: Claim) -> list[TimelineEntry]:
    """Day-precision dates the clause gives its event, leaving out the date of the statement reporting it."""
    statement = claim.statement
    if statement is None:
        return [d for d in claim.dates if d.precision in DAY_PRECISIONS]
    content = statement.content
    return [d for d in claim.dates if d.precision in DAY_PRECISIONS and content.start <= d.start < content.end]


def date_conflict(a: Claim, b: Claim, min_shared: int = DATE_MIN_SHARED_WORDS) -> Contradiction | None:
    """`b` dates the event `a` tells on another day (one date each, a few days apart, among
    `min_shared` common content words)."""
    dates_a, dates_b = content_dates(a), content_dates(b)
    if len({d.date for d in dates_a}) != 1 or len({d.date for d in dates_b}) != 1:
        return None
    day_a, day_b = dates_a[0], dates_b[0]
    gap = abs((day_a.date - day_b.date).days)
    if gap == 0 or gap > MAX_DATE_CONFLICT_DAYS:
        return None
    if len(_around(a, day_a) & _around(b, day_b)) < min_shared:
        return None
    reason = f"date: {day_b.date.isoformat()} «{day_b.expression}» vs {day_a.date.isoformat()} «{day_a.expression}»"
    return Contradiction(b, a, reason, "rule", None, "date", _span(day_b), _span(day_a))


def _around(claim: Claim, entry: TimelineEntry) -> frozenset[str]:
    """Stems of the content words within `DATE_NEIGHBOURHOOD_WORDS` of a date in its clause."""
    offset = claim.span.start
    before = words(claim.span.text[: max(0, entry.start - offset)])[-DATE_NEIGHBOURHOOD_WORDS:]
    after = words(claim.span.text[entry.end - offset :])[:DATE_NEIGHBOURHOOD_WORDS]
    return frozenset(stem(w) for w in before + after if len(w) >= _MIN_CONTENT_LETTERS)


def _span(entry: TimelineEntry) -> Span:
    return Span(entry.start, entry.end, entry.expression)


def denial(a: Claim, b: Claim) -> Contradiction | None:
    """One of the two clauses is what a denial reports, the other asserts it."""
    denied = [c for c in (a, b) if c.statement and c.statement.polarity == "deny" and _in_content(c)
              and not _denies_knowledge(c)]
    asserted = [c for c in (a, b) if not (c.statement and c.statement.polarity == "deny")]
    if len(denied) != 1 or len(asserted) != 1:
        return None
    speaker = denied[0].statement.speaker if denied[0].statement else None
    reason = f"occurrence: {speaker.text if speaker else 'one side'} denies it"
    return Contradiction(denied[0], asserted[0], reason, "rule", None, "occurrence")


def _denies_knowledge(claim: Claim) -> bool:
    """"نفى ... علمه بما جرى": a denial of knowing, which contradicts no account of what happened."""
    statement = claim.statement
    first = words(statement.content.text)[:2] if statement else []
    return any(w in knowledge_words() for w in first)


@cache
def knowledge_words() -> frozenset[str]:
    """The folded nouns of `data/knowledge.txt` (علم, معرفة ...)."""
    text = resources.files("marsad.claims").joinpath("data", "knowledge.txt").read_text(encoding="utf-8")
    return frozenset(fold(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _in_content(claim: Claim) -> bool:
    """Whether the clause is a denial and holds what it denies: the clause its content starts in (the
    clauses after it, "... وكشف أن التحقيق سيشمل", are further news), opening on the denial (not a
    long clause about something else ending "... اللذين نفيا أي تورط")."""
    statement = claim.statement
    if statement is None or not claim.span.start <= statement.content.start < claim.span.end:
        return False
    opening = statement.speaker.start if statement.speaker else statement.content.start
    return len(claim.span.text[: max(0, opening - claim.span.start)].split()) <= MAX_DENIAL_LEAD_WORDS


def stance_contradictions(
    claims: Sequence[Claim], vectors: NDArray[np.float32], pairs: Sequence[tuple[int, int]]
) -> list[Contradiction]:
    """The candidate `pairs` (indices into `claims` and `vectors`) the stance model reads as contradicting
    on a part that can be named."""
    pairs = [(i, j) for i, j in pairs if not double_negation(claims[i].span.text, claims[j].span.text)]
    if not pairs:
        return []
    texts = [(claims[i].span.text, claims[j].span.text) for i, j in pairs]
    first = vectors[[i for i, _ in pairs]]
    second = vectors[[j for _, j in pairs]]
    dense = dense_matrix(texts, first, second)
    proba = shipped_model().predict_proba(dense, [cue_stems(a, b) for a, b in texts])
    column = LABELS.index("contradict")
    found = []
    for (i, j), row, features in zip(pairs, proba, dense, strict=True):
        if opposite_words(features):
            found.append(Contradiction(claims[j], claims[i], "occurrence: the same clause with an opposite word",
                                       "rule", None, "occurrence"))
            continue
        on = named_part(features)
        if on and row[column] >= STANCE_MIN_CONTRADICT and int(row.argmax()) == column:
            p = float(row[column])
            found.append(Contradiction(claims[j], claims[i], f"{on}: the stance model reads a contradiction "
                                       f"(P={p:.2f})", "stance", round(p, 4), on))
    return found


def opposite_words(features: NDArray[np.float64]) -> bool:
    """One clause told again with an opposite word and no negation on either side ("قررت إسرائيل فتح
    معبر كرم أبو سالم" / "... إغلاق معبر كرم أبو سالم"): most of each side's words found in the other."""
    return bool(features[_FEATURE["antonym_pairs"]] and not features[_FEATURE["negation_xor"]]
                and features[_FEATURE["stem_cover_min"]] >= OPPOSITE_MIN_COVER)


def named_part(features: NDArray[np.float64]) -> str | None:
    """What two statements differ on, from their lexical features: a date, a place, or an occurrence
    (a negation or an opposite on one side); None when nothing but their numbers or wording differ."""
    if features[_FEATURE["calendar_conflict"]]:
        return "date"
    if features[_FEATURE["place_swap"]]:
        return "place"
    if features[_FEATURE["negation_xor"]] or features[_FEATURE["antonym_pairs"]]:
        return "occurrence"
    return None


def double_negation(first: str, second: str) -> bool:
    """Opposite words split across the two statements and a negation particle on one side only.

    "رفضت ... تأييد القرار" and "لا يمكنها الموافقة على القرار" say one thing: the
    particle turns the opposite back. The stance model sees both cues and reads a
    contradiction, so such pairs are not given to it.
    """
    tokens_a, tokens_b = words(first), words(second)
    keys_a = frozenset().union(*(token_keys(t) for t in tokens_a))
    keys_b = frozenset().union(*(token_keys(t) for t in tokens_b))
    crossed = any((left & keys_a and right & keys_b) or (right & keys_a and left & keys_b)
                  for left, right in lexicons().antonyms)
    return crossed and _negated(tokens_a) != _negated(tokens_b)


def _negated(tokens: Sequence[str]) -> bool:
    particles = negation_particles()
    return any(t in particles or (t[:1] in "وف" and t[1:] in particles) for t in tokens)


@cache
def negation_particles() -> frozenset[str]:
    """The folded particles of `data/negation_particles.txt`."""
    text = resources.files("marsad.claims").joinpath("data", "negation_particles.txt").read_text(encoding="utf-8")
    return frozenset(fold(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def event_days(claim: Claim) -> set[str]:
    """Days the clause dates its event on (the reporting day of "قال ... يوم الجمعة" included)."""
    return {d.date.isoformat() for d in claim.dates if d.precision in DAY_PRECISIONS}
