"""Sentence segmentation with character offsets, Arabic-aware (sentencex)."""

from __future__ import annotations

from sentencex import segment

from marsad.records import Span


def split_sentences(text: str, language: str = "ar", offset: int = 0) -> list[Span]:
    """Sentences of `text` as spans; `offset` is added to every position.

    sentencex splits at Arabic and Latin sentence ends (. ! ? ؟) but not at
    Arabic commas or inside abbreviations such as (سي.آي.إيه).
    """
    spans: list[Span] = []
    cursor = 0
    for piece in segment(language if language in ("ar", "en") else "ar", text):
        start = text.find(piece, cursor)
        if start < 0:  # sentencex altered the piece: fall back to its length
            start = cursor
        end = start + len(piece)
        cursor = end
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        s = start + lead
        spans.append(Span(s + offset, s + len(stripped) + offset, stripped))
    return spans
