"""Names found in one place of a batch, looked for everywhere else (one sense per discourse).

The CRF tagger misses many occurrences of a name it recognises elsewhere (in
the seeds it tags حفتر in "خليفة حفتر" but rarely after الجنرال). `gazetteer`
collects the names of the batch's spans; `propagate` adds a span wherever one
of them occurs uncovered (its first word may carry clitics: وحفتر), and `nest`
adds the places named inside longer names (كلينجيندايل in "معهد كلينجيندايل
للعلاقات الدولية"), matching spellings a letter apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz

from marsad.entities.names import (
    Token,
    clitic_splits,
    common_words,
    is_word,
    match_form,
    strip_article,
    titles,
    wordlike,
)
from marsad.entities.spans import Gazetteer, Sentence, Span, is_modifier
from marsad.entities.transliterate import arabic_name_tokens, is_latin, skeletons

MIN_PROPAGATED = 3  # letters a single-token name needs to be looked for elsewhere
# Share of a word's occurrences in the batch that the tagger put inside a name, for the
# word to be looked for alone. In the seeds حفتر is tagged in 15 % of its occurrences
# (the machine-translated seed 000 hides most), in 300 ANT articles الثاني in 3 %, فإن
# in 8 %, العربي in 13 % (both mostly plain words in ANERcorp).
NAME_SHARE_LOW = 0.1
NAME_SHARE_HIGH = 0.5
# Two spellings of one word: rapidfuzz ratio of match forms (كلينجندايل / كلينجيندايل = 95.2,
# حرشاوي / حرشي = 72.7), only for words of FUZZY_MIN_LEN letters or more (four-letter
# words one letter apart score 75-86 and are often different names).
FUZZY_NESTED = 90
FUZZY_MIN_LEN = 5


def gazetteer(sentences: Iterable[Sentence]) -> dict[tuple[str, ...], Counter[str]]:
    """Every name the spans of `sentences` hold, with the types given to it."""
    found: dict[tuple[str, ...], Counter[str]] = {}
    for sentence in sentences:
        for span in sentence.spans:
            found.setdefault(sentence.forms(span), Counter())[span.type] += 1
    return found


def propagate(sentence: Sentence, names: Gazetteer, index: Mapping[str, list[tuple[str, ...]]]) -> None:
    """Add a span for every uncovered occurrence of a name of `names` (first token may carry clitics)."""
    tokens = sentence.tokens
    covered = [False] * len(tokens)
    for span in sentence.spans:
        covered[span.first : span.last] = [True] * (span.last - span.first)
    i = 0
    while i < len(tokens):
        found = None if covered[i] else _name_at(tokens, i, covered, index)
        if found is None:
            i += 1
            continue
        key, skip = found
        kind = names[key].most_common(1)[0][0]
        sentence.spans.append(Span(i, i + len(key), kind, "propagated", skip))
        covered[i : i + len(key)] = [True] * len(key)
        i += len(key)
    sentence.spans.sort(key=lambda s: s.first)


def _name_at(
    tokens: list[Token], i: int, covered: list[bool], index: Mapping[str, list[tuple[str, ...]]]
) -> tuple[tuple[str, ...], int] | None:
    readings = [(match_form(tokens[i].text), 0)]
    if readings[0][0] not in arabic_name_tokens():  # لويس is Louis, not ل + ويس
        readings += [(s.rest, s.skip) for s in clitic_splits(tokens[i].text)]
    # A one-word name followed by an adjective is a common noun: "الحداد الرسمي" (official mourning).
    adjective = i + 1 < len(tokens) and is_modifier(tokens[i + 1].text)
    for first, skip in readings:
        for key in index.get(first, ()):  # longest names first
            last = i + len(key)
            if (len(key) == 1 and adjective) or last > len(tokens) or any(covered[i:last]):
                continue
            if all(match_form(t.text) == f for t, f in zip(tokens[i + 1 : last], key[1:], strict=True)):
                return key, skip
    return None


def with_surnames(names: Gazetteer) -> dict[tuple[str, ...], Counter[str]]:
    """`names` plus the last word of every person name of two words or more ("الخطيب" of "سامي الخطيب")."""
    found = {key: Counter(kinds) for key, kinds in names.items()}
    for key, kinds in names.items():
        if len(key) > 1 and kinds.most_common(1)[0][0] == "PERS" and is_word(key[-1]):
            found.setdefault((key[-1],), Counter())["PERS"] += 1
    return found


def name_shares(sentences: Iterable[Sentence], counts: Counter[str]) -> dict[str, float]:
    """For each word inside a span: the share of its occurrences in the batch that are inside one."""
    inside = Counter(form for s in sentences for span in s.spans for form in s.forms(span))
    return {form: n / max(n, counts[form]) for form, n in inside.items()}


def propagation_index(names: Gazetteer, shares: Mapping[str, float]) -> dict[str, list[tuple[str, ...]]]:
    """The names worth looking for elsewhere, by first token, longest first.

    Left out: names made only of common words or titles; single words shorter
    than `MIN_PROPAGATED` letters; and single words that the batch puts inside
    a name less than `NAME_SHARE_HIGH` of the time when ANERcorp says they are
    mostly plain words (الثاني، العربي), or less than `NAME_SHARE_LOW` otherwise.
    """
    common = common_words()
    plain = wordlike()
    entries = titles()
    index: dict[str, list[tuple[str, ...]]] = {}
    for key in names:
        words = [f for f in key if f[:1].isalpha()]
        if not words or all(f in common or (strip_article(f),) in entries for f in words):
            continue
        if len(key) == 1:
            share = shares.get(key[0], 1.0)
            if len(key[0]) < MIN_PROPAGATED or share < (NAME_SHARE_HIGH if key[0] in plain else NAME_SHARE_LOW):
                continue
        index.setdefault(key[0], []).append(key)
    for keys in index.values():
        keys.sort(key=len, reverse=True)
    return index


def nest(sentence: Sentence, places: Mapping[str, list[str]]) -> None:
    """Add the places and organisations named inside longer names as nested spans.

    "معهد كلينجيندايل للعلاقات الدولية" holds كلينجيندايل, found alone (and spelt
    كلينجندايل) elsewhere in the batch. `places` indexes the single-word place and
    organisation names of the batch by consonant skeleton; a word matches one
    exactly, or with a fuzzy ratio of at least `FUZZY_NESTED` when both have
    `FUZZY_MIN_LEN` letters or more.
    """
    nested = []
    for span in sentence.spans:
        if span.type == "PERS" or span.last - span.first < 2:
            continue
        for k in range(span.first, span.last):
            token = sentence.tokens[k].text
            if k == span.first:
                readings = [(sentence.forms(span)[0], span.skip)]
            else:
                readings = [(match_form(token), 0), *((s.rest, s.skip) for s in clitic_splits(token))]
            for form, skip in readings:
                kind = _place_like(form, places)
                if kind:
                    nested.append(Span(k, k + 1, kind, "nested", skip))
                    break
    sentence.spans = sorted([*sentence.spans, *nested], key=lambda s: (s.first, -s.last))


def _place_like(form: str, places: Mapping[str, list[str]]) -> str | None:
    if form in common_words() or len(form) < MIN_PROPAGATED:
        return None
    for skeleton in skeletons(form):
        for name in places.get(skeleton, ()):
            kind = name.partition("\t")[2]
            place = name.partition("\t")[0]
            if place == form:
                return kind
            if min(len(place), len(form)) >= FUZZY_MIN_LEN and fuzz.ratio(place, form) >= FUZZY_NESTED:
                return kind
    return None


def place_index(names: Gazetteer) -> dict[str, list[str]]:
    """Single-word place and organisation names of the batch ("name<TAB>type") by consonant skeleton."""
    index: dict[str, list[str]] = {}
    common = common_words()
    for key, kinds in names.items():
        kind = kinds.most_common(1)[0][0]
        if len(key) != 1 or kind not in ("LOC", "ORG") or key[0] in common or is_latin(key[0]):
            continue
        for skeleton in skeletons(key[0]):
            index.setdefault(skeleton, []).append(f"{key[0]}\t{kind}")
    return index
