"""Named-entity mentions in articles: where each name is, its type, and the title before it.

`extract_mentions` tokenises every sentence of the articles with offsets, tags
it with the CRF tagger (`tagger.tag_sentences`), and turns the tags into clean name
spans (`spans`): titles and clitics are kept out of the name ("المشير خليفة حفتر"
-> title "المشير", name "خليفة حفتر"; "وحفتر" -> "حفتر"), Latin-script names
inside Arabic text are kept whole, and names the tagger found in one place are
looked for everywhere in the batch. An organisation "قوات <person>" is added
around a person's name ("قوات حفتر": Haftar's forces).

Offsets are character offsets into `Article.text`: `article.text[m.start:m.end]`
is always `m.text`. English and other Latin-script sentences get the names of
their capitalised runs (`latin.py`), so an English wire shares entities with its
Arabic coverage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from marsad.entities import propagate as pg
from marsad.entities import spans as sp
from marsad.entities.names import clitic_splits, is_word, match_form, strip_article, tokenize
from marsad.entities.tagger import tag_sentences
from marsad.records import Article

EntityType = Literal["PERS", "LOC", "ORG", "MISC"]
_TYPES: dict[str, EntityType] = {"PERS": "PERS", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
MIN_ARABIC_SHARE = 0.5  # share of a sentence's words in Arabic script for it to read as Arabic


@dataclass(frozen=True)
class Mention:
    """One occurrence of a name in an article.

    `start`/`end` delimit the name alone in `Article.text`; a title or role
    right before it ("الرئيس الأمريكي", "المشير") is in `title`, starting at
    `title_start`. `sentence` indexes `Article.sentences`. `source` says how
    it was found: by the tagger, as a capitalised Latin run, by propagating a
    name found elsewhere in the batch, or by a rule ("قوات <person>").
    """

    article: str
    start: int
    end: int
    text: str
    type: EntityType
    sentence: int
    title: str | None = None
    title_start: int | None = None
    source: str = "tagger"

    @property
    def words(self) -> list[str]:
        """The name's tokens (punctuation dropped)."""
        return [t.text for t in tokenize(self.text) if is_word(t.text)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the record."""
        return asdict(self)


SentenceTags = list[list[str]]  # one IOB2 tag per token of each of an article's sentences ([] when not tagged)


def extract_mentions(
    articles: Sequence[Article], tagged: Mapping[str, SentenceTags] | None = None
) -> list[Mention]:
    """Find the named-entity mentions of `articles`, in article and text order.

    The articles are treated as one batch: a name recognised in one of them is
    also recognised where the tagger missed it in the others. `tagged` holds the
    tagger's output of articles tagged before (`tag_article`, stored with their
    annotation); the others are tagged now.
    """
    tagged = tagged or {}
    sentences = [
        s for article in articles
        for s in _sentences(article, tagged.get(article.id) or tag_article(article))
    ]
    counts = Counter(match_form(t.text) for s in sentences for t in s.tokens if is_word(t.text))
    for sentence in sentences:
        sp.trim(sentence)
    evidence = sp.Evidence.of(counts, pg.gazetteer(sentences))
    for sentence in sentences:
        sp.refine(sentence, evidence)
    names = pg.with_surnames(pg.gazetteer(sentences))
    index = pg.propagation_index(names, pg.name_shares(sentences, counts))
    places = pg.place_index(names)
    for sentence in sentences:
        pg.propagate(sentence, names, index)
        pg.nest(sentence, places)
        _add_forces(sentence, names)
    by_id = {article.id: article for article in articles}
    return [m for s in sentences for m in _mentions(by_id[s.article], s)]


def article_mentions(article: Article) -> list[Mention]:
    """The mentions of one article on its own (no evidence from other articles)."""
    return extract_mentions([article])


def _is_arabic(text: str) -> bool:
    words = [t.text for t in tokenize(text) if is_word(t.text)]
    arabic = sum(1 for w in words if "\u0621" <= w[0] <= "\u06d3")
    return bool(words) and arabic / len(words) >= MIN_ARABIC_SHARE


def tag_article(article: Article) -> SentenceTags:
    """The tagger's IOB2 tags for the tokens of each sentence of an article (the costly step): the CRF's
    for Arabic sentences, capitalised runs typed for Latin-script ones (`tagger.NerTagger.tag_many`)."""
    tokens = [[t.text for t in tokenize(span.text, span.start)] for span in article.sentences]
    tagged = iter(tag_sentences([words for words in tokens if words]))
    return [next(tagged) if words else [] for words in tokens]


def _sentences(article: Article, tags: SentenceTags) -> list[sp.Sentence]:
    """The article's tokenised sentences with the name spans of their tags."""
    found = []
    for index, (span, sentence_tags) in enumerate(zip(article.sentences, tags, strict=True)):
        if not sentence_tags:  # untagged (beyond the understand stage's reading limit): no names to find
            continue
        tokens = tokenize(span.text, span.start)
        if not tokens or len(sentence_tags) != len(tokens):
            continue
        sentence = sp.Sentence(article.id, index, tokens)
        sentence.spans = sp.tagged_spans(tokens, sentence_tags, _is_arabic(span.text))
        found.append(sentence)
    return found


@lru_cache(maxsize=1)
def _force_words() -> frozenset[str]:
    text = resources.files("marsad.entities").joinpath("data", "forces.txt").read_text(encoding="utf-8")
    return frozenset(strip_article(match_form(w)) for w in text.split("\n") if w.strip() and not w.startswith("#"))


def _add_forces(sentence: sp.Sentence, names: sp.Gazetteer) -> None:
    """Add an organisation "قوات <person>" around a person name preceded by a force word.

    A name the tagger typed ORG here but that is mostly a person in the batch
    ("(قوات حفتر)" with حفتر alone tagged ORG) is read as the person.
    """
    words = _force_words()
    for span in list(sentence.spans):
        if span.skip or span.first == 0 or span.type not in ("PERS", "ORG"):
            continue
        kinds = names.get(sentence.forms(span))
        if span.type == "ORG" and not (kinds and kinds.most_common(1)[0][0] == "PERS"):
            continue
        head = sentence.tokens[span.first - 1].text
        readings = [(strip_article(match_form(head)), 0)]
        readings += [(strip_article(s.rest), s.skip) for s in clitic_splits(head)]
        skip = next((skip for form, skip in readings if form in words), None)
        if skip is not None:
            span.type = "PERS"
            sentence.spans.append(sp.Span(span.first - 1, span.last, "ORG", "rule", skip))
    sentence.spans.sort(key=lambda s: (s.first, -s.last))


def _mentions(article: Article, sentence: sp.Sentence) -> list[Mention]:
    tokens = sentence.tokens
    others = {s.last - 1: s.first for s in sentence.spans if s.type in ("ORG", "LOC")}
    found = []
    for span in sentence.spans:
        start = tokens[span.first].start + span.skip
        end = tokens[span.last - 1].end
        title = title_start = None
        if span.type == "PERS" and not span.skip:
            found_title = sp.title_before(tokens, span.first, others)
            if found_title is not None:
                title_start = tokens[found_title[0]].start + found_title[1]
                title = article.text[title_start : tokens[span.first - 1].end]
        kind = _TYPES.get(span.type, "MISC")
        found.append(
            Mention(
                article.id, start, end, article.text[start:end], kind, sentence.index, title, title_start, span.source
            )
        )
    return found


__all__ = ["EntityType", "Mention", "SentenceTags", "article_mentions", "extract_mentions", "tag_article"]
