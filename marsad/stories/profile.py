"""What story clustering knows of an article: its date, language, outlet, weighted title-and-lead
terms and, once the article is understood, its named entities and its title-and-lead vector.

Terms are Snowball stems of folded words (Arabic or English stemmer by script),
without stop words. The title counts `TITLE_WEIGHT` times a lead word: titles
name the event, leads add its actors and place. Entities are the name keys of
the article's mentions (`entities.names.name_key_tokens`), with those of the
title and lead marked; the vector is the annotation's multilingual-e5 vector of
title and lead. Profiles are small and are stored with the article's
assignment, so the clusterer can reload the active events of a store without
reading articles again.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import Stemmer
from numpy.typing import NDArray

from marsad.entities.names import name_key_tokens
from marsad.records import Article
from marsad.text.normalize import fold
from marsad.understand.codec import pack_vectors, unpack_vectors

TITLE_WEIGHT = 2.0
"""How many lead words one title word is worth."""

LEAD_WORDS = 100
# Where the lead words are looked for: 100 characters a word is never short of real prose, and a
# 10 MB body of one "word" costs no more than a short one.
LEAD_CHARS = 100 * LEAD_WORDS
"""How many words of the body, from its start, make the lead."""

MIN_TERM_LENGTH = 2
"""Shorter tokens (single letters, clitics split off by scrapers) are not terms."""

_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[a-z]")
_SPACED = re.compile(r"\S+")


@dataclass
class Profile:
    """The clustering features of one article."""

    article_id: str
    published: str | None  # YYYY-MM-DD
    language: str
    terms: dict[str, float]  # stem -> weight (title words count TITLE_WEIGHT, lead words 1)
    links: list[str] = field(default_factory=list)  # earlier articles this one copies (dedupe links)
    outlet: str | None = None
    entities: dict[str, int] = field(default_factory=dict)  # name key -> mentions
    lead_entities: list[str] = field(default_factory=list)  # name keys mentioned in the title and lead
    vector: NDArray[np.float32] | None = None  # unit title-and-lead vector (understood articles)

    def encode(self) -> bytes:
        """The compact stored form."""
        data: dict[str, object] = {"p": self.published, "l": self.language, "t": self.terms, "k": self.links,
                                   "o": self.outlet, "e": self.entities, "le": self.lead_entities}
        if self.vector is not None:
            data["v"] = base64.b64encode(pack_vectors(self.vector[None])).decode()
        return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), 6)

    @classmethod
    def decode(cls, article_id: str, blob: bytes) -> Profile:
        """Read a profile back from its stored form (profiles stored before entities and vectors lack them)."""
        data = json.loads(zlib.decompress(blob))
        vector = unpack_vectors(base64.b64decode(data["v"]))[0] if "v" in data else None
        return cls(article_id, data["p"], data["l"], data["t"], data["k"], data.get("o"), data.get("e", {}),
                   data.get("le", []), vector)


def profile_of(article: Article, links: list[str] | None = None) -> Profile:
    """The profile of an article: title and lead terms, date, language, outlet, copy links, and its
    entities and vector when it carries an annotation."""
    profile = profile_from_text(
        article.id, article.title or "", article.body, article.published, article.language, links
    )
    profile.outlet = article.outlet
    if article.annotation is not None:
        lead_end = _lead_end(article)
        for mention in article.annotation.mentions:
            key = " ".join(name_key_tokens(mention.words))
            if key:
                profile.entities[key] = profile.entities.get(key, 0) + 1
                if mention.start < lead_end and key not in profile.lead_entities:
                    profile.lead_entities.append(key)
        vector = article.annotation.lead_vector
        profile.vector = (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
    return profile


def profile_from_text(
    article_id: str, title: str, body: str, published: str | None, language: str, links: list[str] | None = None
) -> Profile:
    """The profile of an article given as plain fields."""
    weights: dict[str, float] = {}
    for term in terms(title):
        weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT
    for term in terms(_lead(body)):
        weights[term] = weights.get(term, 0.0) + 1.0
    return Profile(article_id, published[:10] if published else None, language, weights, list(links or []))


def terms(text: str) -> list[str]:
    """The stems of the content words of `text`, in order."""
    return [_stem(w) for w in _WORD.findall(fold(text)) if len(w) >= MIN_TERM_LENGTH and w not in _stopwords()]


def lead_text(article: Article) -> str:
    """The title and lead as one text (what gets embedded for cross-lingual matching)."""
    lead = _lead(article.body)
    return f"{article.title}. {lead}" if article.title else lead


def _lead_end(article: Article) -> int:
    """The offset in `article.text` where the title and lead (`LEAD_WORDS` body words) end."""
    seen, end = 0, 0
    for paragraph in article.paragraphs:
        if paragraph.kind == "title":
            end = paragraph.end
            continue
        for word in _SPACED.finditer(article.text, paragraph.start, paragraph.end):
            seen, end = seen + 1, word.end()
            if seen == LEAD_WORDS:
                return end
    return end


def _lead(body: str) -> str:
    """The first `LEAD_WORDS` words of the body (looked for in its first `LEAD_CHARS` characters only)."""
    return " ".join(body[:LEAD_CHARS].split()[:LEAD_WORDS])


@lru_cache(maxsize=131072)
def _stem(word: str) -> str:
    if _LATIN.match(word):
        return str(_stemmers()[1].stemWord(word))
    return str(_stemmers()[0].stemWord(word))


@lru_cache(maxsize=1)
def _stemmers() -> tuple[Stemmer.Stemmer, Stemmer.Stemmer]:
    return Stemmer.Stemmer("arabic"), Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    text = resources.files("marsad.stories").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(fold(w) for w in words)
