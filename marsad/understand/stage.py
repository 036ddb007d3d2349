"""The understand stage: one article in, its annotation out (a plain function, safe in any worker).

The costly steps are the NER tagger (a transformer over every sentence) and the
vectors; everything else is rules over the text. Models load on first use in
each process and stay loaded. An article is read up to `MAX_UNDERSTOOD_CHARS`
(news articles are far shorter; a 10 MB "article" would otherwise hold a worker
for hours): the sentences beyond, and one that crosses the limit, are left untagged, and the annotation says
where reading stopped.
"""

from __future__ import annotations

from dataclasses import replace

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
from marsad.understand.codec import as_stored
from marsad.understand.version import model_version

MAX_UNDERSTOOD_CHARS = 50_000
"""Characters of an article the stage reads (the longest of ANT's 31,525 articles has 21,119)."""


def understand(article: Article) -> Annotation:
    """Read one article: tags, mentions, dates, statements, claims and vectors."""
    part = _readable_part(article)
    tags = tag_article(part) + [[] for _ in article.sentences[len(part.sentences) :]]
    mentions = extract_mentions([part], {article.id: tags[: len(part.sentences)]})
    entities = EntityIndex(resolve(mentions, [part]))
    dates = article_timeline(part)
    statements = find_statements(part, entities)
    claims = claims_of(part, statements, dates, entities)
    vectors = as_stored(embed([lead_text(part), *(c.span.text for c in claims)]))
    return Annotation(
        article_id=article.id, version=model_version(), tags=tags, mentions=mentions, timeline=dates,
        statements=statements, claims=claims, lead_vector=vectors[0], claim_vectors=vectors[1:],
        read_chars=len(part.text),
    )


def _readable_part(article: Article) -> Article:
    """The article's sentences that end within `MAX_UNDERSTOOD_CHARS` (itself when shorter): a sentence across
    the limit is left unread whole, since its tags must cover all of its words."""
    if len(article.text) <= MAX_UNDERSTOOD_CHARS:
        return article
    sentences = [s for s in article.sentences if s.end <= MAX_UNDERSTOOD_CHARS]
    end = sentences[-1].end if sentences else 0
    return replace(article, text=article.text[:end], sentences=sentences, annotation=None)


def understood(article: Article) -> Article:
    """The article carrying its annotation (made now when it carries none)."""
    if article.annotation is None:
        article.annotation = understand(article)
    return article
