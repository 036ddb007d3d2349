"""Cross-document evidence for whole paragraphs: what recurs across one outlet's articles.

Real feeds repeat paragraphs: teasers of the outlet's other stories under an
article (CNN Arabic's "related" ledes), app and newsletter promotions (BBC
Arabic's "يمكنكم تسلم إشعارات..."), standing notes and boxes, and the
explanatory paragraph an outlet repeats in every article of one affair. Each
outlet's paragraphs are counted as articles arrive (store-backed, streaming):
per paragraph key, in how many distinct texts of the outlet it appeared, and
which ones (the latest `PARAGRAPH_CARRIERS`). A document's *topic* (the stems of its
title and of the first `TOPIC_LEAD_WORDS` words of its own paragraphs) says
whether those other carriers are about the same story as the document or not.

The cleaner (`marsad.clean.boilerplate`) decides from a `Recurrence` per line:
a paragraph that recurs in articles about other events is furniture (removed);
one that recurs within the document's own story is background (kept, marked).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from marsad.clean.lines import Line
from marsad.store.base import ParagraphCounts, ParagraphEvidence
from marsad.stories.profile import terms
from marsad.text.normalize import stable_hash

# Shorter lines are left to the template-line evidence (`marsad.clean.templates`).
MIN_PARAGRAPH_WORDS = 6
# A document's topic: its title and the first words of its own (not recurring) paragraphs.
TOPIC_LEAD_WORDS = 60
# Two documents are about the same story when their topics share at least this many stems.
# Calibrated on 220 hand-labelled recurring paragraphs of ANT (benchmarks/recurring_paragraphs.py):
# with 2 the furniture rule removes 28 of 48 furniture paragraphs and none of 156 background or news
# ones; with 3 it removes 33 and 3.
RELATED_MIN_SHARED_TERMS = 2

# Furniture: a paragraph also seen in another article of the outlet, whose other carriers are mostly
# about other stories (fewer than `FURNITURE_MAX_RELATED_SHARE` of them related to the document); or
# one of whose carriers is, if the paragraph shares at most `FURNITURE_MAX_OWN_SHARED` stems with the
# document's own text (BBC's app promotion under an article on Kanye West, in October 2018 when most
# BBC articles spoke of a disappearance and of America).
FURNITURE_MIN_ARTICLES = 2
FURNITURE_MAX_RELATED_SHARE = 2 / 3
FURNITURE_MAX_OWN_SHARED = 1
# Background: a paragraph seen in at least this many of the outlet's articles, mostly of the same story.
BACKGROUND_MIN_ARTICLES = 3
# A paragraph repeating at least this share of the title's stems is the document's own lead, not furniture;
# so is the document's first paragraph when it shares at least `LEAD_MIN_OWN_SHARED` stems with the rest
# of its text (an article whose lead is also another article's teaser, counted in the same chunk).
TITLE_RESTATED_SHARE = 0.5
LEAD_MIN_OWN_SHARED = 2
# A teaser block: at least `BLOCK_MIN_FURNITURE` furniture paragraphs end the article; the other
# recurring paragraphs among them that share at most `BLOCK_MAX_SHARED_TERMS` stems with the title and
# lead are teasers too, and so are the unseen paragraphs right above them that share no stem with the
# rest of the document, when there are at most `BLOCK_MAX_EXTENSION` of them (a rolling list puts its
# newest item on top; more of them are a list of the article's own, such as CNN's "on this day").
# Read on the October 2018 ANT window: unseen paragraphs sharing one stem were body text as often as
# teasers.
BLOCK_MIN_FURNITURE = 2
BLOCK_MAX_EXTENSION = 2
BLOCK_MAX_SHARED_TERMS = 1

_DATELINE = re.compile(r"^[^()\n]{0,80}\([^()]{2,30}\)\s*-+\s*")  # "دبي، الإمارات (CNN) -- "
_DIGITS = re.compile(r"\d+")
_PUNCT = re.compile(r"[^\w\s]|_")


@dataclass(frozen=True)
class Recurrence:
    """What the outlet's other articles say about one paragraph of a document."""

    articles: int  # distinct texts of the outlet carrying the paragraph, this one included
    others: int  # other carriers whose topic is known (at most PARAGRAPH_CARRIERS)
    related: int  # of those, the ones about the same story as this document
    title_share: float  # share of the document's title stems the paragraph repeats
    head_shared: int  # stems the paragraph shares with the document's title and lead paragraph
    own_shared: int  # stems it shares with the title and the document's other paragraphs seen nowhere else
    lead: bool = False  # the document's first sentence-like paragraph

    @property
    def furniture(self) -> bool:
        """Recurs in the outlet's articles about other stories (teaser, promotion, standing note)."""
        return self.is_furniture(FURNITURE_MAX_RELATED_SHARE)

    def is_furniture(self, max_related_share: float) -> bool:
        """Furniture, when fewer than `max_related_share` of the other carriers are of the same story, or
        some are not and the paragraph shares (almost) nothing with the document's own text."""
        unrelated = self.related < max_related_share * self.others or (
            self.related < self.others and self.own_shared <= FURNITURE_MAX_OWN_SHARED
        )
        return (
            self.articles >= FURNITURE_MIN_ARTICLES and self.others > 0 and unrelated and not self.own_lead
        )

    @property
    def own_lead(self) -> bool:
        """The document's own lead: it restates the title, or it opens the text and shares with the rest."""
        return self.title_share >= TITLE_RESTATED_SHARE or (self.lead and self.own_shared >= LEAD_MIN_OWN_SHARED)

    @property
    def background(self) -> bool:
        """Recurs in the outlet's articles of the document's own story."""
        return self.articles >= BACKGROUND_MIN_ARTICLES and not self.furniture

    @property
    def block_teaser(self) -> bool:
        """Could be an item of a teaser block: seen in articles of other stories, sharing (almost) nothing
        with the title and lead; or seen nowhere else, sharing nothing with the rest of the document."""
        if self.articles <= 1:
            return self.own_shared == 0
        return self.head_shared <= BLOCK_MAX_SHARED_TERMS and self.related < self.others and not self.own_lead


@dataclass(frozen=True)
class DocumentParagraphs:
    """A document's paragraph keys and its identity, computed once per ingest."""

    outlet: str
    document: int  # hash of the outlet and the folded text: exact copies count once
    title: str
    keys: dict[int, int]  # line index -> paragraph key


def paragraph_key(line: Line) -> int | None:
    """The key of a paragraph, equal for its repeats and near-identical variants: folded, without a
    leading dateline, digits as 0, no punctuation. None for lines too short to count."""
    text = _DIGITS.sub("0", _PUNCT.sub(" ", _DATELINE.sub("", line.folded)))
    words = text.split()
    if len(words) < MIN_PARAGRAPH_WORDS:
        return None
    return stable_hash("paragraph:" + " ".join(words))


def document_paragraphs(outlet: str, title: str | None, lines: list[Line]) -> DocumentParagraphs:
    """The paragraph keys of a document of `outlet`."""
    keys = {line.index: key for line in lines if not line.blank and (key := paragraph_key(line)) is not None}
    head = title or next((line.text for line in lines if not line.blank), "")
    folded_text = " ".join(line.folded for line in lines if not line.blank)
    return DocumentParagraphs(outlet, stable_hash(f"document:{outlet}\n{folded_text}"), head, keys)


def count_paragraphs(store: ParagraphCounts, doc: DocumentParagraphs, lines: list[Line]) -> None:
    """Count a document's paragraphs into its outlet's evidence and keep its topic (once per distinct text)."""
    if store.document_topics([doc.document]):
        return
    known = store.paragraph_evidence(doc.outlet, doc.keys.values())
    own = [lines[i] for i, key in doc.keys.items() if key not in known]
    store.add_paragraph_evidence(doc.outlet, doc.document, sorted(_topic(doc.title, own)), doc.keys.values())


def recurrences(
    store: ParagraphCounts, doc: DocumentParagraphs, lines: list[Line], related_min: int = RELATED_MIN_SHARED_TERMS
) -> dict[int, Recurrence]:
    """Line index -> what the outlet's counted articles say of that paragraph (count it first): for the
    recurring paragraphs, and for the unseen ones when enough recur to make a teaser block. Carriers
    whose topics share at least `related_min` stems with the document's are of the same story."""
    evidence = store.paragraph_evidence(doc.outlet, doc.keys.values())
    seen = {index: evidence.get(key, ParagraphEvidence(1, ())) for index, key in doc.keys.items()}
    recurring = [index for index, e in seen.items() if e.articles > 1]
    if not recurring:
        return {}  # nothing recurs: the document has no furniture, no background and no teaser block
    carriers = {c for e in seen.values() for c in e.carriers if c != doc.document}
    topics = store.document_topics([doc.document, *carriers])
    topic = topics.get(doc.document, frozenset())
    related = {c for c in carriers if len(topics.get(c, frozenset()) & topic) >= related_min}
    block_possible = len(recurring) >= BLOCK_MIN_FURNITURE
    shared = _SharedStems(doc, lines, seen)
    found: dict[int, Recurrence] = {}
    for index, paragraph in seen.items():
        if paragraph.articles <= 1 and not block_possible:
            continue  # an unseen paragraph matters only as a possible teaser on top of a block
        others = [c for c in paragraph.carriers if c != doc.document and c in topics]
        found[index] = Recurrence(
            articles=paragraph.articles, others=len(others), related=sum(c in related for c in others),
            title_share=shared.title_share(index), head_shared=shared.with_head(index),
            own_shared=shared.with_own(index), lead=index == shared.lead,
        )
    return found


class _SharedStems:
    """Stems a document's paragraphs share with its title, its lead and its own text (each paragraph's
    stems computed once, when first asked)."""

    def __init__(
        self, doc: DocumentParagraphs, lines: list[Line], seen: dict[int, ParagraphEvidence]
    ) -> None:
        self._lines, self._seen = lines, seen
        self._words: dict[int, set[str]] = {}
        self._title = set(terms(doc.title))
        self.lead = next((index for index in doc.keys if lines[index].sentence_like), None)
        self._own: Counter[str] | None = None

    def words(self, index: int) -> set[str]:
        if index not in self._words:
            self._words[index] = set(terms(self._lines[index].text))
        return self._words[index]

    def title_share(self, index: int) -> float:
        return len(self.words(index) & self._title) / len(self._title) if self._title else 0.0

    def with_head(self, index: int) -> int:
        lead = self.words(self.lead) if self.lead is not None and self.lead != index else set()
        return len(self.words(index) & (self._title | lead))

    def with_own(self, index: int) -> int:
        """Stems shared with the title and the document's other paragraphs seen nowhere else."""
        if self._own is None:
            self._own = Counter(t for i in self._seen if self._is_own(i) for t in self.words(i))
        mine = 1 if self._is_own(index) else 0
        return sum(1 for t in self.words(index) if t in self._title or self._own[t] > mine)

    def _is_own(self, index: int) -> bool:
        return self._seen[index].articles <= 1 and self._lines[index].sentence_like


def _topic(title: str, own: Iterable[Line]) -> set[str]:
    """The stems of the title and of the first `TOPIC_LEAD_WORDS` words of the document's own paragraphs."""
    words: list[str] = []
    for line in own:
        if line.sentence_like:
            words += (line.text if words else _DATELINE.sub("", line.text)).split()
            if len(words) >= TOPIC_LEAD_WORDS:
                break
    return set(terms(title)) | set(terms(" ".join(words[:TOPIC_LEAD_WORDS])))
