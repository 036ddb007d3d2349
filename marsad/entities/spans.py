"""Name spans over the tokens of one sentence: from tagger output to clean name spans.

The steps, in the order `mentions.extract_mentions` runs them:

1. `tagged_spans`: IOB2 tags -> spans, with capitalised Latin runs inside Arabic
   sentences joined into one span ("Nabil al-Safi") or added when the tagger missed them.
2. `trim`: person spans lose edge tokens that are common words ("ترامب الاتصال")
   and leading titles ("المشير خليفة حفتر" -> "خليفة حفتر").
3. `refine`: with the batch's word counts and the names already found
   (`Gazetteer`), split a person span at a clitic-prefixed name inside it
   ("جون بولتون بحفتر"), split off a leading place ("الساحل كريم حداد"), and take
   proclitics off the first token ("بحفتر" -> "حفتر", "للجيش ..." -> "جيش ...").
Then `propagate` looks for the names found in the batch where the tagger
missed them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from marsad.entities.names import (
    MIN_STEM,
    Token,
    clitic_splits,
    common_words,
    is_nisba,
    is_word,
    match_form,
    strip_article,
    title_modifiers,
    titles,
)
from marsad.entities.repair import outlets
from marsad.entities.transliterate import arabic_name_tokens, is_latin
from marsad.text.normalize import fold

# Lowercase words that may join the capitalised words of one Latin name.
LATIN_CONNECTORS = frozenset(
    {"al", "el", "bin", "ben", "ibn", "abu", "bint", "de", "del", "da", "di", "van", "von", "der"}
)
MAX_ACRONYM = 6  # an all-capitals Latin word up to this long reads as an organisation (LNA, MNA)
MAX_TITLE_WORDS = 4  # longest title phrase in titles.txt / roles.txt
MIN_DEFINITE = 5  # ال + three letters: shorter "وال..." words are words of their own (والي، والد)
CLITIC_SUPPORT = 2  # a word is read as clitic + name when the bare name is this many times more frequent


@dataclass
class Span:
    """Tokens `first` .. `last` - 1 of a sentence as one name; `skip` clitic characters at its start."""

    first: int
    last: int
    type: str
    source: str = "tagger"  # tagger | latin | propagated | rule
    skip: int = 0


@dataclass
class Sentence:
    """One sentence of an article, tokenised, with its name spans."""

    article: str
    index: int
    tokens: list[Token]
    spans: list[Span] = field(default_factory=list)

    def forms(self, span: Span) -> tuple[str, ...]:
        """The match forms of a span's tokens (the first one without its clitics)."""
        forms = [match_form(t.text) for t in self.tokens[span.first : span.last]]
        if span.skip:
            forms[0] = next(s.rest for s in clitic_splits(self.tokens[span.first].text) if s.skip == span.skip)
        return tuple(forms)


Gazetteer = Mapping[tuple[str, ...], Counter[str]]
"""Name (match forms) -> how often each entity type was given to it in the batch."""


@dataclass(frozen=True)
class Evidence:
    """What the batch says about words: how often each occurs, and the names found so far."""

    counts: Counter[str]
    names: Gazetteer
    heads: frozenset[str]  # first words of the names

    @classmethod
    def of(cls, counts: Counter[str], names: Gazetteer) -> Evidence:
        return cls(counts, names, frozenset(key[0] for key in names))


def tagged_spans(tokens: list[Token], tags: list[str], arabic_sentence: bool) -> list[Span]:
    """Decode IOB2 tags into spans and merge in the capitalised Latin runs."""
    spans: list[Span] = []
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix == "I" and spans and spans[-1].last == i and spans[-1].type == kind:
            spans[-1].last = i + 1
        elif prefix in ("B", "I"):
            spans.append(Span(i, i + 1, kind))
    if arabic_sentence:
        for first, last in _latin_runs(tokens):
            spans = _merge_run(spans, first, last, tokens)
    return sorted(spans, key=lambda s: s.first)


def _latin_runs(tokens: list[Token]) -> Iterable[tuple[int, int]]:
    """Runs of capitalised Latin words, with connectors (al-, bin, van) inside."""
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i].text):
            i += 1
            continue
        last = i + 1
        j = i + 1
        while j < len(tokens):
            text = tokens[j].text
            if _capitalised(text):
                last = j = j + 1
            elif text.lower() in LATIN_CONNECTORS or (text in "-'" and tokens[j].start == tokens[j - 1].end):
                j += 1
            else:
                break
        yield i, last
        i = last


def _capitalised(text: str) -> bool:
    return is_latin(text) and text[:1].isupper()


def _merge_run(spans: list[Span], first: int, last: int, tokens: list[Token]) -> list[Span]:
    overlapping = [s for s in spans if s.first < last and first < s.last]
    rest = [s for s in spans if s not in overlapping]
    if overlapping:
        kinds = [s.type for s in overlapping]
        kind = "PERS" if "PERS" in kinds else kinds[0]
        known = arabic_name_tokens()
        start = min(s.first for s in overlapping)
        # Arabic words the tagger put before a Latin name stay only if they are names (جلال Harchaoui)
        while start < first and not (is_latin(tokens[start].text) or match_form(tokens[start].text) in known):
            start += 1
        return [*rest, Span(start, max(last, *(s.last for s in overlapping)), kind)]
    words = [t.text for t in tokens[first:last] if is_word(t.text)]
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= MAX_ACRONYM:
        kind = "ORG"
    elif title_before(tokens, first) is not None:
        kind = "PERS"
    else:
        kind = "MISC"  # product and brand names (Galaxy Note, Apple Watch) as often as people
    return [*rest, Span(first, last, kind, source="latin")]


def trim(sentence: Sentence) -> None:
    """Drop punctuation at the edges of every span; common words and titles at the edges of person spans."""
    common = common_words()
    kept = []
    for span in sentence.spans:
        tokens = sentence.tokens
        while span.first < span.last and not _is_name_word(tokens[span.first].text, span.type, common):
            span.first += 1
        while span.last > span.first and not _is_name_word(tokens[span.last - 1].text, span.type, common):
            span.last -= 1
        if span.type == "PERS":
            while (size := _title_at(tokens, span.first, span.last)) and span.first + size < span.last:
                span.first += size
        if span.first < span.last and not (span.type == "PERS" and _title_at(tokens, span.first, span.last)):
            kept.append(span)
    sentence.spans = kept


def _is_name_word(text: str, kind: str, common: frozenset[str]) -> bool:
    if not is_word(text):
        return False
    return kind != "PERS" or match_form(text) not in common


def _title_at(tokens: list[Token], first: int, last: int) -> int:
    """The number of tokens of the longest title (with its modifiers) starting at `first`, or 0."""
    entries = titles()
    for size in range(min(MAX_TITLE_WORDS, last - first), 0, -1):
        words = tokens[first : first + size]
        forms = tuple(strip_article(match_form(t.text)) for t in words)
        if forms in entries:
            end = first + size
            while end < last and is_modifier(tokens[end].text):
                end += 1
            return end - first
    return 0


def is_modifier(text: str) -> bool:
    """Whether a word may stand between a title and a name (a nisba or a word of title_modifiers.txt)."""
    form = match_form(text)
    return is_nisba(form) or form in title_modifiers()


def title_before(tokens: list[Token], first: int, skip_to: Mapping[int, int] | None = None) -> tuple[int, int] | None:
    """Where a title that ends right before token `first` starts: (token index, clitic characters).

    Relative adjectives and modifiers may stand between (الرئيس الأمريكي ترامب), and
    so may one organisation or place, given as `skip_to` (last token -> first token):
    "الناطق باسم وزارة الصحة إسماعيل النجار". Clitics on the title's first word are
    left out of it ("والرئيس" -> "الرئيس"), except لل, whose ا is elided. A
    one-word title without the article counts only before a place or an
    organisation ("محافظ الساحل كريم حداد"), not right before the name.
    """
    j = _skip_modifiers(tokens, first - 1)
    if skip_to and j in skip_to:
        j = _skip_modifiers(tokens, skip_to[j] - 1)
    entries = titles()
    for size in range(min(MAX_TITLE_WORDS, j + 1), 0, -1):
        start = j - size + 1
        forms = [strip_article(match_form(t.text)) for t in tokens[start : j + 1]]
        head = tokens[start].text
        readings = [(forms[0], 0)]
        readings += [(strip_article(s.rest), s.skip) for s in clitic_splits(head)]
        for form, skip in readings:
            if (form, *forms[1:]) not in entries:
                continue
            if size == 1 and j == first - 1 and not match_form(head[skip:]).startswith(("ال", "لل")):
                continue  # "محامي الخطيب" is al-Khatib's lawyer: a bare one-word title right before a name
            written = skip and strip_article(match_form(head[skip:])) == form
            return start, skip if written else 0
    return None


def _skip_modifiers(tokens: list[Token], j: int) -> int:
    steps = 0
    while j >= 0 and steps < MAX_TITLE_WORDS and is_modifier(tokens[j].text):
        j -= 1
        steps += 1
    return j


def refine(sentence: Sentence, evidence: Evidence) -> None:
    """Split and trim person spans with the batch's evidence; strip clitics off first tokens."""
    spans: list[Span] = []
    for span in sentence.spans:
        pieces = [span]
        if span.type == "PERS":
            _take_bare_title(sentence, span)
            pieces = [_trim_known(sentence, p, evidence.names) for p in _split_inner(sentence, span, evidence)]
        for piece in pieces:
            if not piece.skip:
                piece.skip = _clitic_skip(sentence, piece, evidence)
        spans.extend(pieces)
    sentence.spans = spans


def _take_bare_title(sentence: Sentence, span: Span) -> None:
    """Take into the name a first name that is also a title word, after a title ("العقيد رائد أبو زيد").

    The word must be written without the article, be a known name token, and
    follow a title of its own; the title look-back would otherwise take it as
    the title.
    """
    k = span.first - 1
    if k < 1 or span.skip:
        return
    form = match_form(sentence.tokens[k].text)
    if form.startswith("ال") or (form,) not in titles() or form not in arabic_name_tokens():
        return
    if title_before(sentence.tokens, k) is not None:
        span.first = k


def _trim_known(sentence: Sentence, span: Span, names: Gazetteer) -> Span:
    """Drop a last word that is no known name when the rest is a name found on its own.

    "ترامب معترف" -> "ترامب" when "ترامب" was tagged alone elsewhere in the batch.
    (Not done for a first word: first names missing from the Wikidata tokens,
    such as معمر, would go.)
    """
    known = arabic_name_tokens()
    while span.last - span.first > 1:
        forms = sentence.forms(span)
        if forms[-1] in known or forms[:-1] not in names:
            break
        span = replace(span, last=span.last - 1)
    return span


def _split_inner(sentence: Sentence, span: Span, evidence: Evidence) -> list[Span]:
    tokens = sentence.tokens
    if span.last - span.first > 1:
        head = evidence.names.get((match_form(tokens[span.first].text),))
        if head and head.most_common(1)[0][0] in ("LOC", "ORG") and not head["PERS"]:
            rest = replace(span, first=span.first + 1, skip=0)
            return [Span(span.first, span.first + 1, head.most_common(1)[0][0], span.source), rest]
    for k in range(span.first + 1, span.last):
        full = match_form(tokens[k].text)
        for split in clitic_splits(tokens[k].text):
            if _supported(split.rest, full, evidence):
                inner = Span(k, span.last, span.type, span.source, split.skip)
                return [replace(span, last=k), inner]
    return [span]


def _clitic_skip(sentence: Sentence, span: Span, evidence: Evidence) -> int:
    token = sentence.tokens[span.first].text
    full = match_form(token)
    known = arabic_name_tokens()
    if full in known:  # لويس is Louis, not ل + ويس
        return 0
    splits = clitic_splits(token)
    for split in splits:  # a known name first: لليستر is ل + ليستر (Leicester), not لل + يستر
        if split.rest in known:
            return split.skip
    following = tuple(match_form(t.text) for t in sentence.tokens[span.first + 1 : span.last])
    for split in splits:
        if (split.rest, *following) in evidence.names or _supported(split.rest, full, evidence):
            return split.skip
    folded = tuple(fold(t.text) for t in sentence.tokens[span.first + 1 : span.last])
    for split in splits:  # a news outlet's name after a preposition: لسكاي نيوز عربية
        if (fold(token[split.skip :]), *folded) in outlets():
            return split.skip
    return 0


def _supported(rest: str, full: str, evidence: Evidence) -> bool:
    """Whether `rest` (a word without clitics) is better attested than `full` (the word as written).

    Never when `full` is a known name token (بوتين, كالدويل); else when `rest` is
    one, or has the article and `MIN_DEFINITE` letters (والأردن, للجيش), or begins
    a name of the batch and occurs `CLITIC_SUPPORT` times as often as `full`.
    """
    if len(rest) < MIN_STEM:
        return False
    known = arabic_name_tokens()
    if full in known:
        return False
    if rest in known or (rest.startswith("ال") and len(rest) >= MIN_DEFINITE):
        return True
    counts = evidence.counts
    return rest in evidence.heads and counts[rest] >= CLITIC_SUPPORT * max(1, counts[full])
