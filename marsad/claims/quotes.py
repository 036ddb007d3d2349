"""Attributed statements: who said what, through whom.

Rules over the folded words of each sentence, with offsets back to the
original text:
- verb first (news order): "وقال باتريك شاناهان ... إن ...", "أفاد البيت الأبيض، يوم الجمعة، بأن";
- subject first (translated text): "فرنسا نفت ذلك", "... البيت الأبيض يقول.";
- "وجاء في بيان X أن ...";
- relays: "ونقلت رويترز عن جلال Harchaoui ... قوله أن ..." (chain Reuters <- Harchaoui);
- attribution phrases: "حسبما ذكرت وكالة رويترز", "بحسب وزارة الخارجية", "وفقا لدبلوماسيين";
- a verb with no subject of its own ("وأضاف أنه ...") continues the previous speaker.
Denials (نفى, نفت, ينكر) are statements with polarity "deny". Verbs and
phrases live in `data/speech.tsv` and `data/attribution.tsv`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Literal

from marsad.claims.subjects import EntityIndex, EntityRef
from marsad.records import Article, Span
from marsad.text.normalize import fold

# A speaker is a noun phrase of at most this many words.
MAX_SPEAKER_WORDS = 12
# The reported content starts within this many words after the speaker (adjuncts between).
MAX_ADJUNCT_WORDS = 20
# A subject-first speaker starts the sentence within this many words of the verb.
MAX_SUBJECT_FIRST_WORDS = 6
_COMPLEMENTISERS = frozenset("ان بان انه انها انهم انهما بانه بانها :".split())
_SPEAKER_STOPS = frozenset(
    """يوم اليوم امس الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت في خلال عند عقب بعد
    قبل خلال عبر على امام ايضا وهو وهي الذي التي الذين ان انه انها بان بانه من لدى حول مساء صباح
    ذلك هذا هذه تلك الامر الاتهامات الاتهام التقارير الانباء صحه اي وجود تماما بشده قطعيا""".split()
)
# "وقال المسماري لسكاي نيوز ...": a word glued to ل that names a medium ends the speaker.
_MEDIA_AFTER_LAM = ("سكاي", "قناه", "صحيفه", "وكاله", "موقع", "تلفزيون", "اذاعه", "رويترز", "فرانس",
                    "الجزيره", "العربيه", "بي بي", "الصحفيين", "وسائل")
_NEGATIONS = frozenset({"لم", "لن", "لا", "ولم", "ولن", "ولا"})
_LEADING_CONNECTIVES = frozenset({"ولكن", "لكن", "و", "بينما", "كما"})
_RELAY_VERBS = frozenset({"نقل", "نقلت"})
_RELAY_CONTENT = frozenset({"قوله", "قولها", "قولهم", "ان", "انه", "انها"})
_DOCUMENT_WORDS = frozenset({"بيان", "تصريح", "رساله", "تقرير", "مقابله", "تغريده"})
_PRONOUN_SUFFIX = re.compile(r"(ه|ها|هم|هما)$")
_PAIRED = (("(", ")"), ("«", "»"), ("“", "”"))
_QUOTE_OPEN = "\"«“'"
_WORD = re.compile(r"\S+")
_EDGE_PUNCT = "،,.:;؛!?؟()[]\"«»“”'"

Kind = Literal["direct", "indirect", "according"]
Polarity = Literal["assert", "deny"]


@dataclass(frozen=True)
class Statement:
    """A statement an article attributes to someone, with the chain it came through."""

    article: str
    kind: Kind
    polarity: Polarity
    verb: str
    speaker: Span | None
    content: Span
    sentence: Span
    chain: list[str] = field(default_factory=list)  # outermost source first, speaker last
    continued: bool = False  # speaker carried over from the previous statement
    speaker_entity: EntityRef | None = None  # the resolved entity the speaker names


@dataclass(frozen=True)
class _Word:
    folded: str  # folded, edge punctuation stripped
    start: int  # offsets in the article text
    end: int
    raw_end: str  # punctuation that closed the word ("،", ":", ...)
    opens_quote: bool  # the word began with a quotation mark


def find_statements(article: Article, entities: EntityIndex | None = None) -> list[Statement]:
    """Every attributed statement of an article, in text order.

    With `entities` (resolved on the whole article set), each speaker is linked
    to the first entity named inside it ("باتريك شاناهان القائم بأعمال ..." -> Shanahan).
    """
    statements: list[Statement] = []
    previous: Statement | None = None
    for sentence in article.sentences:
        for found in _sentence_statements(article, sentence, previous):
            statements.append(found)
            previous = found
    if entities is None:
        return statements
    return [with_speaker_entity(s, entities) for s in statements]


def with_speaker_entity(statement: Statement, entities: EntityIndex) -> Statement:
    """The statement with its speaker linked to the first entity `entities` place inside it."""
    speaker = statement.speaker
    named = entities.within(statement.article, speaker.start, speaker.end) if speaker else []
    return replace(statement, speaker_entity=named[0]) if named else statement


def _sentence_statements(
    article: Article, sentence: Span, previous: Statement | None
) -> Iterator[Statement]:
    words = _words(sentence)
    verbs, phrases = speech_verbs(), attribution_phrases()
    for i, word in enumerate(words):
        verb_class = verbs.get(word.folded) or verbs.get(_without_conjunction(word.folded))
        if verb_class and not (i and words[i - 1].folded in _NEGATIONS):
            found = _from_verb(article, sentence, words, i, verb_class, previous)
            if found:
                yield found
                return
        phrase = _attribution_at(words, i, phrases)
        if phrase:
            yield _from_phrase(article, sentence, words, i, phrase)
            return
    document = _document_statement(article, sentence, words)
    if document:
        yield document


def _from_verb(
    article: Article, sentence: Span, words: list[_Word], i: int, verb_class: str,
    previous: Statement | None,
) -> Statement | None:
    polarity: Polarity = "deny" if verb_class == "deny" else "assert"
    chain_extra: list[str] = []
    speaker_words, after = _speaker_after(words, i + 1)
    if _without_conjunction(words[i].folded) in _RELAY_VERBS:
        relay = _relay(words, i + 1)
        if relay is None:
            return None
        source_words, speaker_words, after = relay
        chain_extra.append(_text(article, source_words))
    continued = False
    before = _subject_before_present(words, i)
    if before and not chain_extra:
        speaker_words, after = before, _content_start(words, i + 1)  # "X يقول إن ...": X speaks
    subject_first = not speaker_words or bool(before)
    if not speaker_words:
        speaker_words = _speaker_before(words, i)
    speaker_words = _head_last(speaker_words) if subject_first else speaker_words
    speaker = _closed(article, _span(article, speaker_words)) if speaker_words else None
    if speaker is None:
        if previous is None or not _starts_with_conjunction(words[i].folded):
            return None
        speaker, continued = previous.speaker, True
        chain_extra = previous.chain[len(_outer_chain(article)) : -1]
    if subject_first and speaker is not None and i == len(words) - 1:
        content = _before(article, sentence, speaker.start)  # "“...” البيت الأبيض يقول."
    else:
        content = _content(article, sentence, words, after)
    kind: Kind = "direct" if _quoted(article, content) else "indirect"
    chain = _outer_chain(article) + chain_extra + ([speaker.text] if speaker else [])
    return Statement(article.id, kind, polarity, article.text[words[i].start : words[i].end],
                     speaker, content, sentence, chain, continued)


def _speaker_after(words: list[_Word], start: int) -> tuple[list[_Word], int]:
    """The noun phrase after a verb, and the index where the reported content begins."""
    taken: list[_Word] = []
    index = start
    while index < len(words) and len(taken) < MAX_SPEAKER_WORDS:
        word = words[index]
        if word.folded == "من" and taken and taken[-1].folded == "كل":
            taken.append(word)  # "قالت كل من الولايات المتحدة وروسيا"
            index += 1
            continue
        if word.folded in _COMPLEMENTISERS or _opens_quote(word) or word.folded in _SPEAKER_STOPS:
            break
        if taken and word.folded.startswith("ل") and word.folded[1:].startswith(_MEDIA_AFTER_LAM):
            break  # "... لسكاي نيوز عربية": to whom it was said
        taken.append(word)
        index += 1
        if word.raw_end in ("،", ",", ":"):
            break
    if index < len(words) and len(taken) == MAX_SPEAKER_WORDS:
        taken = _cut_at_pronoun(taken[:3])
    return taken, _content_start(words, index)


def _cut_at_pronoun(words: list[_Word]) -> list[_Word]:
    for n, word in enumerate(words[1:], start=1):
        if _PRONOUN_SUFFIX.search(word.folded):
            return words[:n]
    return words


def _content_start(words: list[_Word], index: int) -> int:
    """Skip adjuncts ("يوم الجمعة في بيان") up to the complementiser or the quote."""
    for j in range(index, min(len(words), index + MAX_ADJUNCT_WORDS)):
        if words[j].folded in _COMPLEMENTISERS:
            return j + 1
        if _opens_quote(words[j]):
            return j
    return index


def _subject_before_present(words: list[_Word], verb: int) -> list[_Word]:
    """"محرر بي بي سي ... يقول المكالمة ...": a present-tense verb after a noun phrase that opens the
    sentence (no comma between) has that phrase as its speaker, not the words after it."""
    if _without_conjunction(words[verb].folded) not in present_verbs():
        return []
    start = 0
    while start < verb and words[start].folded in _LEADING_CONNECTIVES:
        start += 1
    subject = words[start:verb]
    if not subject or len(subject) > MAX_SPEAKER_WORDS or any(w.raw_end for w in subject):
        return []
    if any(w.folded in _COMPLEMENTISERS or w.folded in _SPEAKER_STOPS for w in subject[:1]):
        return []
    return subject


def _head_last(words: list[_Word]) -> list[_Word]:
    """Machine-translated order puts the head noun last ("الجنرال حفتر المعارضين" for "Haftar's
    opponents"): a subject-first speaker ending in a group noun is that noun alone."""
    if len(words) > 1 and words[-1].folded in group_nouns():
        return words[-1:]
    return words


def _closed(article: Article, speaker: Span) -> Span:
    """The speaker with the bracket or quotation mark it opened and left open ("(الجيش الوطني الليبي)")."""
    for opening, closing in _PAIRED:
        if speaker.text.count(opening) > speaker.text.count(closing) and article.text[speaker.end : speaker.end + 1] \
                == closing:
            return Span(speaker.start, speaker.end + 1, article.text[speaker.start : speaker.end + 1])
    return speaker


def _speaker_before(words: list[_Word], verb: int) -> list[_Word]:
    """Subject-first order ("فرنسا نفت ذلك", "... البيت الأبيض يقول.")."""
    if verb == 0:
        return []
    if verb == len(words) - 1 or words[verb].raw_end in (".", "!"):
        start = verb
        while start > 0 and verb - start < 4 and not _closes_quote(words[start - 1]):
            start -= 1
        return words[start:verb]
    if verb <= MAX_SUBJECT_FIRST_WORDS and not any(w.raw_end in ("،", ",") for w in words[:verb]):
        start = 0
        while start < verb - 1 and words[start].folded in _LEADING_CONNECTIVES:
            start += 1
        return words[start:verb]
    return []


def _relay(words: list[_Word], start: int) -> tuple[list[_Word], list[_Word], int] | None:
    """"نقلت X عن Y قوله ...": (X, Y, content start), or None if not a relay."""
    try:
        about = next(j for j in range(start, min(len(words), start + 5)) if words[j].folded == "عن")
    except StopIteration:
        return None
    speaker: list[_Word] = []
    index = about + 1
    while index < len(words) and len(speaker) < MAX_SPEAKER_WORDS:
        if words[index].folded in _RELAY_CONTENT or words[index].folded in ("من", "في", "وهو"):
            break
        speaker.append(words[index])
        index += 1
    content = next((j + 1 for j in range(index, len(words)) if words[j].folded in _RELAY_CONTENT), index)
    while content < len(words) and words[content].folded in _RELAY_CONTENT:
        content += 1
    return words[start:about], speaker, content


def _attribution_at(words: list[_Word], i: int, phrases: dict[tuple[str, ...], str]) -> int:
    """Length in words of an attribution phrase starting at word i (0 if none)."""
    for length in (3, 2, 1):
        key = tuple(w.folded for w in words[i : i + length])
        if len(key) == length and key in phrases:
            return length
    first = words[i].folded
    if first in ("وفقا", "طبقا") and i + 1 < len(words) and words[i + 1].folded.startswith("ل"):
        return 1
    return 0


def _from_phrase(article: Article, sentence: Span, words: list[_Word], i: int, length: int) -> Statement:
    start = i + length
    source: list[_Word] = []
    for word in words[start : start + 5]:
        if word.folded in _SPEAKER_STOPS and source:
            break
        source.append(word)
        if word.raw_end:
            break
    speaker = _span(article, source) if source else None
    if speaker and length == 1 and source[0].folded.startswith("ل"):
        speaker = Span(speaker.start + 1, speaker.end, speaker.text[1:])  # "وفقا لدبلوماسيين"
    before = words[:i]
    if before:
        content = Span(sentence.start, before[-1].end, article.text[sentence.start : before[-1].end])
    else:
        content = _content(article, sentence, words, start + len(source))
    chain = _outer_chain(article) + ([speaker.text] if speaker else [])
    verb = article.text[words[i].start : words[start - 1].end]
    return Statement(article.id, "according", "assert", verb, speaker, content, sentence, chain)


def _document_statement(article: Article, sentence: Span, words: list[_Word]) -> Statement | None:
    """"وجاء في بيان البيت الأبيض أن ...": the document's author is the speaker."""
    folded = [w.folded for w in words]
    for i in range(len(words) - 3):
        if _without_conjunction(folded[i]) == "جاء" and folded[i + 1] == "في" and folded[i + 2] in _DOCUMENT_WORDS:
            speaker_words, after = _speaker_after(words, i + 3)
            if not speaker_words:
                return None
            speaker = _span(article, speaker_words)
            content = _content(article, sentence, words, after)
            kind: Kind = "direct" if _quoted(article, content) else "indirect"
            verb = article.text[words[i].start : words[i + 2].end]
            return Statement(article.id, kind, "assert", verb, speaker, content, sentence,
                             [*_outer_chain(article), speaker.text])
    return None


def _content(article: Article, sentence: Span, words: list[_Word], start: int) -> Span:
    begin = words[start].start if start < len(words) else sentence.end
    text = article.text[begin : sentence.end]
    return Span(begin, sentence.end, text)


def _outer_chain(article: Article) -> list[str]:
    chain = [article.outlet] if article.outlet else []
    if article.agency and article.agency not in chain:
        chain.append(article.agency)
    return chain


def _words(sentence: Span) -> list[_Word]:
    words = []
    for m in _WORD.finditer(sentence.text):
        raw = m.group()
        stripped_end = raw.rstrip(_EDGE_PUNCT)
        lead = len(raw) - len(raw.lstrip(_EDGE_PUNCT))
        core = raw[lead : len(stripped_end)] if len(stripped_end) > lead else raw
        if not core.strip(_EDGE_PUNCT):
            continue
        start = sentence.start + m.start() + lead
        closing = raw[len(stripped_end):]
        words.append(_Word(fold(core), start, start + len(core), closing[:1], raw[:1] in _QUOTE_OPEN))
    return words


def _span(article: Article, words: list[_Word]) -> Span:
    start, end = words[0].start, words[-1].end
    return Span(start, end, article.text[start:end])


def _text(article: Article, words: list[_Word]) -> str:
    return _span(article, words).text if words else ""


def _opens_quote(word: _Word) -> bool:
    """A quotation starts here (a name in quotes, «البيان», opens and closes in one word)."""
    return word.opens_quote and not _closes_quote(word)


def _closes_quote(word: _Word) -> bool:
    return word.raw_end in ("\"", "”", "»")


def _quoted(article: Article, content: Span) -> bool:
    """True when the content opens with a quotation mark (a direct quote)."""
    before = article.text[max(0, content.start - 1) : content.start + 1]
    return any(ch in _QUOTE_OPEN for ch in before)


def _before(article: Article, sentence: Span, end: int) -> Span:
    text = article.text[sentence.start : end].rstrip()
    return Span(sentence.start, sentence.start + len(text), text)


def _without_conjunction(folded: str) -> str:
    return folded[1:] if folded[:1] in ("و", "ف") and len(folded) > 3 else folded


def _starts_with_conjunction(folded: str) -> bool:
    return folded[:1] in ("و", "ف")


@cache
def speech_verbs() -> dict[str, str]:
    """Folded reporting-verb forms mapped to their class (say, deny)."""
    return {fold(form): cls for cls, form, *_ in _rows("speech.tsv")}


@cache
def present_verbs() -> frozenset[str]:
    """Folded present-tense reporting verbs ("يقول", "تنفي")."""
    return frozenset(fold(form) for _, form, *tense in _rows("speech.tsv") if tense == ["present"])


@cache
def group_nouns() -> frozenset[str]:
    """Folded plural nouns for groups of people that speak ("المعارضين", "المحللون")."""
    return frozenset(fold(row[0]) for row in _rows("group_nouns.txt"))


@cache
def attribution_phrases() -> dict[tuple[str, ...], str]:
    """Folded attribution phrases (as word tuples) mapped to their kind."""
    phrases = {}
    for kind, phrase in _rows("attribution.tsv"):
        words = tuple(w.strip(_EDGE_PUNCT + "ـ") for w in fold(phrase).split())
        phrases[tuple(w for w in words if w)] = kind
    return phrases


def _rows(name: str) -> list[list[str]]:
    text = resources.files("marsad.claims").joinpath("data", name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]

