"""Claims: the factual statements of an article, split into clauses, with what they carry.

A claim is a clause of a body sentence (questions and very short clauses are
left out): its text and offsets, the attributed statement it belongs to (if
a speech verb reports it), its dated expressions, its counted quantities and,
given entities resolved on the article set, its subject entities (the entities
the clause names, its speaker left out).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from marsad.claims.quantities import Quantity, find_quantities
from marsad.claims.quotes import Statement, find_statements, with_speaker_entity
from marsad.claims.subjects import EntityIndex, EntityRef
from marsad.dates.timeline import TimelineEntry, article_timeline
from marsad.records import Article, Span

# Clauses shorter than this are joined to the clause before them.
MIN_CLAUSE_WORDS = 5
# A clause boundary: a comma followed by a clause-opening connective.
_CLAUSE_BREAK = re.compile(r"[،,]\s+(?=(?:و|ف|كما|ثم|بينما|حيث|لكن)\S*\s)")
_QUESTION_END = ("?", "؟")


@dataclass(frozen=True)
class Claim:
    """One clause of one article, with its attribution, dates and numbers."""

    article: str
    outlet: str | None
    published: str | None
    span: Span  # the clause, offsets in the article text
    sentence: Span
    statement: Statement | None = None
    dates: list[TimelineEntry] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    entities: list[EntityRef] = field(default_factory=list)  # subject entities, in text order


def article_claims(article: Article, entities: EntityIndex | None = None) -> list[Claim]:
    """The claims of one article, in text order (with subject entities if `entities` is given)."""
    return claims_of(article, find_statements(article, entities), article_timeline(article), entities)


def claims_of(
    article: Article,
    statements: Sequence[Statement],
    dates: Sequence[TimelineEntry],
    entities: EntityIndex | None = None,
) -> list[Claim]:
    """The claims of one article from its statements and dated expressions, found before."""
    body = [p for p in article.paragraphs if p.kind == "body"]
    dated = [(d.start, d.end) for d in dates]
    claims = []
    for sentence in article.sentences:
        if not any(p.start <= sentence.start < p.end for p in body):
            continue
        if sentence.text.rstrip(" \"”»").endswith(_QUESTION_END):
            continue
        statement = next((s for s in statements if s.sentence == sentence), None)
        quantities = find_quantities(sentence, dated)
        for clause in split_clauses(sentence):
            claims.append(Claim(
                article=article.id, outlet=article.outlet, published=article.published,
                span=clause, sentence=sentence, statement=statement,
                dates=[d for d in dates if clause.start <= d.start < clause.end],
                quantities=[q for q in quantities if clause.start <= q.start < clause.end],
                entities=_subjects(entities, article.id, clause, statement),
            ))
    return claims


def with_entities(claims: Sequence[Claim], entities: EntityIndex) -> list[Claim]:
    """The same claims with their subjects (and their statements' speakers) read from `entities`,
    e.g. entities resolved across a whole story rather than inside one article."""
    statements: dict[int, Statement] = {}
    found = []
    for claim in claims:
        statement = claim.statement
        if statement is not None:
            statement = statements.setdefault(id(claim.statement), with_speaker_entity(statement, entities))
        found.append(replace(
            claim, statement=statement, entities=_subjects(entities, claim.article, claim.span, statement)
        ))
    return found


def _subjects(
    entities: EntityIndex | None, article: str, clause: Span, statement: Statement | None
) -> list[EntityRef]:
    if entities is None:
        return []
    speaker = statement.speaker if statement else None
    return entities.within(article, clause.start, clause.end, outside=speaker)


def split_clauses(sentence: Span) -> list[Span]:
    """Clauses of a sentence, cut at a comma before a clause-opening connective."""
    cuts = [0] + [m.start() for m in _CLAUSE_BREAK.finditer(sentence.text)] + [len(sentence.text)]
    pieces: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(cuts):
        text = sentence.text[start:end].lstrip("،, ")
        begin = end - len(sentence.text[start:end].lstrip("،, "))
        if pieces and len(text.split()) < MIN_CLAUSE_WORDS:
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((begin, end))
    if len(pieces) > 1 and len(sentence.text[pieces[0][0] : pieces[0][1]].split()) < MIN_CLAUSE_WORDS:
        pieces[:2] = [(pieces[0][0], pieces[1][1])]
    spans = []
    for start, end in pieces:
        text = sentence.text[start:end].rstrip()
        if len(text.split()) >= MIN_CLAUSE_WORDS:
            spans.append(Span(sentence.start + start, sentence.start + start + len(text), text))
    return spans
