"""Contradictions between claims: the rules (dates, counts, denials) and the stance model.

Rules compare two claims of one group: two outlets dating the same event on
different days; the same count for the same day with different values; one
side denying. The stance model (`marsad.claims.stance`) reads the two clauses
and gives P(contradict); it only sees candidate pairs chosen by alignment
(close in meaning, a subject entity in common, not far apart in time), so
its cost grows with the pairs worth reading, not with all pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from marsad.claims.extract import Claim
from marsad.claims.pair_features import cue_stems, dense_matrix, lexicons, token_keys, words
from marsad.claims.stance import LABELS, shipped_model
from marsad.text.normalize import fold

# The stance model learnt contradictions from ANS, where a contradiction is a rewrite
# of one headline (median word overlap 0.625): it reads any two different statements
# about one place as contradicting, so it only sees pairs this close in meaning and
# in words. At these values (`python -m scripts.calibrate_claims`) it flags 19% of
# ANS dev contradictions, 0.7% of paraphrases and 1.8% of nearest claims about
# another event; at overlap 0.3 the last figure is 5.2%, at 0.6 recall drops to 14%.
STANCE_MIN_COSINE = 0.9
STANCE_MIN_OVERLAP = 0.5
STANCE_MIN_CONTRADICT = 0.9
DAY_PRECISIONS = frozenset({"day"})


@dataclass(frozen=True)
class Contradiction:
    """`claim` contradicts `against` (claims of two independent articles)."""

    claim: Claim
    against: Claim
    reason: str
    method: str  # "rule" or "stance"
    probability: float | None = None  # P(contradict) of the stance model


def rule_contradiction(a: Claim, b: Claim) -> Contradiction | None:
    """The first rule that finds `b` contradicting `a`: different days, counts, or a denial."""
    reason = _date_conflict(a, b) or _count_conflict(a, b) or _denial(a, b)
    return Contradiction(b, a, reason, "rule") if reason else None


def stance_contradictions(
    claims: Sequence[Claim], vectors: NDArray[np.float32], pairs: Sequence[tuple[int, int]]
) -> list[Contradiction]:
    """The candidate `pairs` (indices into `claims` and `vectors`) the stance model reads as contradicting."""
    if not pairs:
        return []
    pairs = [(i, j) for i, j in pairs if not double_negation(claims[i].span.text, claims[j].span.text)]
    if not pairs:
        return []
    texts = [(claims[i].span.text, claims[j].span.text) for i, j in pairs]
    first = vectors[[i for i, _ in pairs]]
    second = vectors[[j for _, j in pairs]]
    proba = shipped_model().predict_proba(dense_matrix(texts, first, second), [cue_stems(a, b) for a, b in texts])
    column = LABELS.index("contradict")
    found = []
    for (i, j), row in zip(pairs, proba, strict=True):
        if row[column] >= STANCE_MIN_CONTRADICT and int(row.argmax()) == column:
            p = float(row[column])
            found.append(Contradiction(claims[j], claims[i], f"the stance model reads a contradiction (P={p:.2f})",
                                       "stance", round(p, 4)))
    return found


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


def reference_day(claim: Claim) -> str:
    """The day a claim's numbers refer to: its own dated expression, else publication."""
    days = sorted(event_days(claim))
    return days[-1] if days else (claim.published or "")[:10]


def _date_conflict(a: Claim, b: Claim) -> str | None:
    days_a, days_b = event_days(a), event_days(b)
    if days_a and days_b and not days_a & days_b:
        return f"different dates: {', '.join(sorted(days_a))} vs {', '.join(sorted(days_b))}"
    return None


def _count_conflict(a: Claim, b: Claim) -> str | None:
    same_day = reference_day(a) == reference_day(b)
    for qa in a.quantities:
        for qb in b.quantities:
            if qa.category == qb.category and qa.value != qb.value and same_day:
                return f"different counts ({qa.category}) for the same day: {qa.value} vs {qb.value}"
    return None


def _denial(a: Claim, b: Claim) -> str | None:
    polarities = {c.statement.polarity for c in (a, b) if c.statement}
    return "one side denies" if polarities == {"assert", "deny"} else None
