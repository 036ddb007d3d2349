"""The understand stage: one article in, its annotation out (a plain function, safe in any worker).

The costly steps are the NER tagger (a transformer over every sentence) and the
vectors; everything else is rules over the text. Models load on first use in
each process and stay loaded.
"""

from __future__ import annotations

from marsad.claims.embed import embed
from marsad.claims.extract import claims_of
from marsad.claims.quotes import find_statements
from marsad.claims.subjects import EntityIndex
from marsad.dates.timeline import article_timeline
from marsad.entities.mentions import extract_mentions, tag_article
from marsad.entities.resolve import resolve
from marsad.records import Article
from marsad.stories.profile import lead_text
from marsad.understand.annotation import Annotation
from marsad.understand.version import model_version


def understand(article: Article) -> Annotation:
    """Read one article: tags, mentions, dates, statements, claims and vectors."""
    tags = tag_article(article)
    mentions = extract_mentions([article], {article.id: tags})
    entities = EntityIndex(resolve(mentions, [article]))
    dates = article_timeline(article)
    statements = find_statements(article, entities)
    claims = claims_of(article, statements, dates, entities)
    vectors = embed([lead_text(article), *(c.span.text for c in claims)])
    return Annotation(
        article_id=article.id, version=model_version(), tags=tags, mentions=mentions, timeline=dates,
        statements=statements, claims=claims, lead_vector=vectors[0], claim_vectors=vectors[1:],
    )


def understood(article: Article) -> Article:
    """The article carrying its annotation (made now when it carries none)."""
    if article.annotation is None:
        article.annotation = understand(article)
    return article
