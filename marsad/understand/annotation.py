"""The annotation record: everything marsad reads out of one article, made once and stored.

Like spaCy's `Doc` carries its layers, an article carries its annotation
(`Article.annotation`) once it has been understood: the tagger's output per
sentence, the entity mentions it yields in the article alone, the dated
expressions, the attributed statements, the claims (clauses with their dates,
quantities and subjects) and the vectors the relate stage compares. Every
reader (story analysis, brief, web pages, CLI) takes the layers from here and
never recomputes them.

Entities inside an annotation are resolved within the article only; the relate
stage resolves them again across a story from the stored tags (cheap: no
tagging) and re-attaches the subjects of claims (`claims.extract.with_entities`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsad.claims.extract import Claim
from marsad.claims.quotes import Statement
from marsad.dates.timeline import TimelineEntry
from marsad.entities.mentions import Mention, SentenceTags
from marsad.records import Article

Vectors = NDArray[np.float32]


@dataclass
class Annotation:
    """The understanding of one article, made by the models of `version`."""

    article_id: str
    version: str
    tags: SentenceTags  # the NER tagger's IOB2 tags, per sentence of `Article.sentences`
    mentions: list[Mention]
    timeline: list[TimelineEntry]
    statements: list[Statement]
    claims: list[Claim]
    lead_vector: Vectors  # title and lead, (DIM,), unit length
    claim_vectors: Vectors  # one unit row per claim, (len(claims), DIM)
    read_chars: int  # how much of `Article.text` was read (all of it but for very long texts)


class NotUnderstood(LookupError):
    """An article was read as understood, but no annotation was made or loaded for it."""


def annotation_of(article: Article) -> Annotation:
    """The annotation an article carries; raises `NotUnderstood` when it has none."""
    if article.annotation is None:
        raise NotUnderstood(f"article {article.id} has no annotation: understand it first (marsad reannotate)")
    return article.annotation
