"""Contradictions read by the stance model on candidate pairs of claims."""

from __future__ import annotations

import numpy as np

from marsad.claims.align import embed_claims
from marsad.claims.contradict import double_negation, stance_contradictions
from marsad.claims.extract import Claim
from marsad.records import Span


def _claim(article: str, text: str) -> Claim:
    span = Span(0, len(text), text)
    return Claim(article=article, outlet=article, published="2024-01-01", span=span, sentence=span)


def test_an_opposite_word_is_a_conflict_on_whether_it_happened_and_a_paraphrase_is_none() -> None:
    claims = [
        _claim("a", "وافق البرلمان على قانون الانتخابات الجديد بأغلبية كبيرة"),
        _claim("b", "رفض البرلمان قانون الانتخابات الجديد بأغلبية كبيرة"),
        _claim("c", "صادق البرلمان على قانون الانتخابات الجديد بأغلبية كبيرة"),
    ]
    found = stance_contradictions(claims, embed_claims(claims), [(0, 1), (0, 2)])
    # one clause told again with an opposite word: a conflict on whether it happened, whatever the model reads
    assert [(c.against.article, c.claim.article, c.method, c.on) for c in found] == [("a", "b", "rule", "occurrence")]


def test_no_candidates_reads_nothing() -> None:
    assert stance_contradictions([], np.zeros((0, 384), dtype=np.float32), []) == []


def test_double_negation_is_no_contradiction() -> None:
    # seeds 001 and 004: "cannot agree to" the resolution and "refused to back" it say one thing
    assert double_negation("رفضت الولايات المتحدة وروسيا تأييد قرار لمجلس الأمن",
                           "قالت الولايات المتحدة وروسيا إنها لا يمكنها الموافقة على قرار مجلس الأمن")
    assert not double_negation("وافق البرلمان على القانون", "رفض البرلمان القانون")
    assert not double_negation("وافق البرلمان على القانون", "لم يوافق البرلمان على القانون")
