"""Counted quantities in news sentences (Arabic and English): what is counted, how many, how sure.

"أكثر من 200 شخص قتلوا", "وقتل سبعة أشخاص على الأقل", "خلف أكثر من 1000 قتيل",
"طفلين قتلا", "مقتل 54 فلسطينيا وإصابة أكثر من 1700 آخرين", "ارتفع عدد الشهداء إلى 58",
"عشرات الآلاف", "5 ملايين دولار", "At least 7 people had been killed": the value,
its qualifier (more than, about, at least, up to, less than), who or what is
counted (people, children, soldiers, or any other noun: دولة, قافلة, دولار) and
what happened to them (killed, injured, detained, displaced, ... from a verb or
a noun next to the count; the counted noun itself when nothing happened to it),
with offsets into the original text. The list of what can be counted is open:
the words of `data/quantities.tsv` only name the common ones. Numbers inside
dated expressions, years and ages are not counts. Arabic numbers in words come
from the time grammar's cardinal parser (`marsad.dates.numbers`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from marsad.claims.tokens import stem
from marsad.dates.lexicon import load_lexicon
from marsad.dates.numbers import cardinal
from marsad.dates.tokens import Stream, Token, tokenize
from marsad.records import Span
from marsad.text.normalize import fold, fold_with_offsets

# "about X" covers X give or take this share (the labelling guides' ~10%).
ABOUT_MARGIN = 0.1
# A verb this many words around a count says what happened to those counted.
VERB_WINDOW = 4
# "عدد القتلى ... إلى 58": a count noun this many words before a bare number names it.
COUNT_NOUN_WINDOW = 10
_YEAR_WORDS = frozenset({"عام", "العام", "عامي", "سنه", "حرب", "year", "in", "since", "من", "منذ"})
_SEPARATORS = frozenset({",", "."})
_COUNT_WORDS = frozenset({"عدد", "حصيله", "toll", "number"})
_STOPS = frozenset({".", "؟", "?", "!", "؛", ";", ":"})
_TO = frozenset({"الي", "to"})


@dataclass(frozen=True)
class Quantity:
    """A counted quantity: value, qualifier, what is counted and what happened to it, and where it is."""

    value: int
    qualifier: str | None  # more_than | about | less_than | at_least | up_to
    unit: str  # the counted noun as written (folded), or the count noun of "عدد القتلى"
    category: str  # what happened to those counted (killed, injured, ...), else what is counted
    start: int
    end: int
    text: str
    counted: str = "people"  # who or what is counted: people, children, soldiers, ... or the noun's stem


@dataclass(frozen=True)
class _Lexicon:
    units: dict[str, str]
    counted: dict[str, str]
    duals: dict[str, str]
    thousands: dict[str, int]
    multipliers: dict[str, int]
    vague: dict[tuple[str, ...], int]
    numbers: dict[str, int]
    verbs: dict[str, str]
    others: frozenset[str]
    auxiliaries: frozenset[str]
    skip: frozenset[str]
    qualifiers: dict[tuple[str, ...], str]
    qualifier_words: frozenset[str]
    totals: frozenset[str]
    parts: frozenset[str]
    percent: frozenset[tuple[str, ...]]
    asides: frozenset[str]


@dataclass(frozen=True)
class _Number:
    after: int  # token index after the number (and its multiplier)
    value: int
    vague: bool = False
    counted: str | None = None  # a dual noun counts itself (طفلين)
    unit: str | None = None


def find_quantities(sentence: Span, skip: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """Counted quantities of one sentence (offsets are those of the article text the sentence is in).

    `skip` are [start, end) spans (article offsets) whose numbers are no counts: dated expressions.
    """
    folded, offsets = fold_with_offsets(sentence.text)
    tokens = tokenize(folded)
    stream = Stream(tokens, load_lexicon())
    lex = _lexicon()
    found: list[Quantity] = []
    previous = "people"
    i = 0
    while i < len(tokens):
        start = sentence.start + offsets[tokens[i].start]
        number = None if any(s <= start < e for s, e in skip) else _number_at(stream, tokens, i, lex)
        if number is None or _is_year(tokens, i, number, lex):
            i = i + 1 if number is None else number.after
            continue
        counted = _counted(tokens, i, number, lex, previous)
        if counted is None:
            i = number.after
            continue
        unit, who, what, end_index = counted
        qualifier, start_index = _qualifier_before(tokens, i, lex)
        handled = _handled_before(tokens, start_index, lex)
        if what is not None and handled is not None and handled != what:  # "لاستقبال نحو 300 جريح"
            who, what = what, handled
        if number.vague:
            qualifier = "more_than"
        if qualifier is None and _at_least_after(tokens, end_index, lex):
            qualifier, end_index = "at_least", end_index + 2
        named = _count_noun_before(tokens, start_index, lex)
        what = what or _verb_near(tokens, start_index, end_index, lex) or (named[1] if named else who)
        q_start = sentence.start + offsets[tokens[start_index].start]
        q_end = sentence.start + offsets[tokens[end_index - 1].end - 1] + 1
        text = sentence.text[q_start - sentence.start : q_end - sentence.start]
        found.append(Quantity(number.value, qualifier, unit, what, q_start, q_end, text, who))
        previous = who
        i = end_index
    return found


@dataclass(frozen=True)
class Interval:
    """The values a figure allows: "more than 50" is (50, inf), "about 60" is [54, 66]."""

    low: float
    high: float


def interval(quantity: Quantity) -> Interval:
    """The values compatible with a figure and its qualifier."""
    value = float(quantity.value)
    qualifier = quantity.qualifier
    if qualifier in ("more_than", "at_least"):
        return Interval(value, math.inf)
    if qualifier in ("less_than", "up_to"):
        return Interval(0.0, value)
    if qualifier == "about":
        return Interval(value * (1 - ABOUT_MARGIN), value * (1 + ABOUT_MARGIN))
    return Interval(value, value)


def same_quantity_pairs(first: Sequence[Quantity], second: Sequence[Quantity]) -> list[tuple[Interval, Interval]]:
    """The intervals of the counts the two lists give for one quantity (what happened, who)."""
    return [(interval(a), interval(b)) for a in first for b in second
            if (a.category, a.counted) == (b.category, b.counted)]


def clash(first: Sequence[Quantity], second: Sequence[Quantity]) -> bool:
    """Whether the two give one quantity values that cannot both hold ("at least 7" and "more than 200")."""
    return any(x.high < y.low or y.high < x.low for x, y in same_quantity_pairs(first, second))


def differ(first: Sequence[Quantity], second: Sequence[Quantity]) -> bool:
    """Whether the two give one quantity, never the same figure (within `ABOUT_MARGIN`): "at least 7"
    and "more than 200" killed are compatible bounds, but not one report."""
    pairs = [(a, b) for a in first for b in second if (a.category, a.counted) == (b.category, b.counted)]
    return bool(pairs) and not any(abs(a.value - b.value) <= ABOUT_MARGIN * max(a.value, b.value) for a, b in pairs)


def compatible(first: Sequence[Quantity], second: Sequence[Quantity]) -> bool:
    """Whether the two give one quantity values that can both hold ("at least 20" and "21")."""
    return any(not (x.high < y.low or y.high < x.low) for x, y in same_quantity_pairs(first, second))


def total_words() -> frozenset[str]:
    """Folded words that make a count a running total ("منذ", "since")."""
    return _lexicon().totals


def part_words() -> frozenset[str]:
    """Folded words that make the count after them part of another ("بينهم", "among")."""
    return _lexicon().parts


def aside_words() -> frozenset[str]:
    """Folded words that make a count around them not the count itself ("حرجة", "استعداد", "expected")."""
    return _lexicon().asides


def is_vague(quantity: Quantity) -> bool:
    """A count in words such as "عشرات" or "thousands": a lower bound, not a figure."""
    first = fold(quantity.text).split()[:2]
    lex = _lexicon()
    return any(tuple(first[:n]) in lex.vague for n in (1, 2))


def _number_at(stream: Stream, tokens: list[Token], i: int, lex: _Lexicon) -> _Number | None:
    """A number at token i: digits (2,400), words (ثلاثة, seven), duals (ألفي, طفلين), vague words (عشرات)."""
    for length in (2, 1):
        key = tuple(t.text for t in tokens[i : i + length])
        if len(key) == length and key in lex.vague:
            return _multiplied(tokens, _Number(i + length, lex.vague[key], vague=True), lex)
    word = tokens[i].text
    if word in lex.duals:
        return _Number(i + 1, 2, counted=lex.duals[word], unit=word)
    if word in lex.thousands:
        return _Number(i + 1, lex.thousands[word])
    value: float
    if tokens[i].is_num:
        after, value = _digits(tokens, i)
    elif word in lex.numbers:
        after, value = i + 1, lex.numbers[word]
    else:
        parsed = cardinal(stream, i)
        if parsed is None:
            return None
        after, value = parsed
    if after < len(tokens) and tokens[after].text in lex.multipliers:
        value *= lex.multipliers[tokens[after].text]
        after += 1
    return _Number(after, round(value))


def _multiplied(tokens: list[Token], number: _Number, lex: _Lexicon) -> _Number:
    """"عشرات آلاف": a vague count of thousands."""
    after = number.after
    if number.vague and after < len(tokens) and tokens[after].text in lex.multipliers:
        return _Number(after + 1, number.value * lex.multipliers[tokens[after].text], vague=True)
    return number


def _digits(tokens: list[Token], i: int) -> tuple[int, float]:
    """Digits with thousands separators ("2,400", "1.700") or a decimal part ("4.8") as one number."""
    text, j = tokens[i].text, i
    while _glued_digits(tokens, j):
        if len(tokens[j + 2].text) != 3:
            return j + 3, float(f"{text}.{tokens[j + 2].text}")
        text += tokens[j + 2].text
        j += 2
    return j + 1, float(text)


def _glued_digits(tokens: list[Token], j: int) -> bool:
    """Whether token j is followed by a separator and digits glued to it ("2,400", "4.8")."""
    return (j + 2 < len(tokens) and tokens[j + 1].text in _SEPARATORS and tokens[j + 2].is_num
            and tokens[j].end == tokens[j + 1].start == tokens[j + 2].start - 1)


def _is_year(tokens: list[Token], i: int, number: _Number, lex: _Lexicon) -> bool:
    """"عام 2015", "حرب 1948": a year, not a count (unless a count noun follows: "2000 قتيل")."""
    if not (tokens[i].is_num and len(tokens[i].text) == 4 and 1900 <= number.value <= 2100):
        return False
    if i and tokens[i - 1].text in _YEAR_WORDS:
        return True
    noun = tokens[number.after].text if number.after < len(tokens) else ""
    return noun not in lex.units and noun not in lex.counted


def _counted(
    tokens: list[Token], start: int, number: _Number, lex: _Lexicon, previous: str
) -> tuple[str, str, str | None, int] | None:
    """(unit as written, who is counted, what happened if the noun says it, token index after) or None."""
    if number.counted is not None and number.unit is not None:
        return number.unit, number.counted, None, number.after
    index = number.after
    if (percent := _percent_after(tokens, index, lex)) and not number.vague:
        return "%", "percent", "percent", index + percent
    if number.vague and index < len(tokens) and tokens[index].text == "من":
        index += 1
    word = tokens[index].text if index < len(tokens) else ""
    if word == "عدد" and index + 1 < len(tokens):  # "إلى نحو 90 عدد القتلى"
        index, word = index + 1, tokens[index + 1].text
    bare = word.removeprefix("ال") if len(word) > 4 else word
    if bare in lex.units:
        return word, "people", lex.units[bare], index + 1
    if _bare(bare) in lex.verbs and not number.vague:  # "نحو 1400 أصيبوا", "2400 بجروح"
        return word, "people", lex.verbs[_bare(bare)], index + 1
    if bare in lex.counted:
        return word, lex.counted[bare], None, index + 1
    if bare in lex.others:
        return word, previous, None, index + 1
    if word in lex.auxiliaries:  # "2,400 were wounded"
        return "", "people", None, number.after
    if _is_noun(word, lex, definite=number.vague, spelt=not tokens[number.after - 1].is_num and number.value <= 2):
        return word, _open_class(bare), None, index + 1
    named = _count_noun_before(tokens, start, lex)
    if named is not None and not number.vague:
        return named[0], "people", named[1], number.after
    verb = None if number.vague else _verb_right_before(tokens, _qualifier_before(tokens, start, lex)[1], lex)
    return ("", "people", verb, number.after) if verb else None


def _is_noun(word: str, lex: _Lexicon, *, definite: bool, spelt: bool) -> bool:
    """A word that an unlisted count can count: letters, not a time unit, preposition, month or
    qualifier; definite only after a vague count ("آلاف الأعلام", not "24 المباشر"); not a short
    word ending in ت, most often a verb ("33 أكدت"); never after a spelt-out one or two ("واحد هدأ")."""
    bare = word.removeprefix("ال")
    if spelt or len(word) < 3 or not word.isalpha() or bare in lex.skip or word in lex.qualifier_words:
        return False
    if word.startswith(("ال", "وال", "فال", "بال")) and not definite:
        return False
    return not (word.endswith("ت") and len(word) <= 5)


def _open_class(word: str) -> str:
    """Who or what an unlisted noun counts: "people" for a nisba noun (فلسطينيا, اسرائيليين), else its stem."""
    if (len(word) >= 5 and word.endswith(("يا", "يين", "يون"))) or (len(word) >= 6 and word.endswith("ي")):
        return "people"
    return stem(word)


def _count_noun_before(tokens: list[Token], index: int, lex: _Lexicon) -> tuple[str, str] | None:
    """"ارتفع عدد الشهداء إلى 58", "والجرحى إلى 2771": the count noun named before a number (token
    `index`), with what happened."""
    j = index - 1
    while j >= 0 and tokens[j].text in _TO:
        j -= 1
    if j < index - 1 and (unit := lex.units.get(_bare(tokens[j].text).removeprefix("ال"))):
        return tokens[j].text, unit
    window = tokens[max(0, index - COUNT_NOUN_WINDOW) : index]
    for j in range(len(window) - 1, 0, -1):
        if window[j].text in _STOPS:
            return None
        if _bare(window[j - 1].text) in _COUNT_WORDS:
            word = window[j].text.removeprefix("ال")
            for form in (window[j].text, word):
                if form in lex.units:
                    return window[j].text, lex.units[form]
            for follower in window[j + 1 : j + 3]:  # "عدد الفلسطينيين الذين قتلوا"
                if (verb := lex.verbs.get(_bare(follower.text))) is not None:
                    return window[j].text, verb
    return None


def _verb_right_before(tokens: list[Token], start: int, lex: _Lexicon) -> str | None:
    """"مقتل 21 في ...", "وأصيب 24 في ...": a verb right before a count with no noun of its own."""
    if start == 0:
        return None
    return lex.verbs.get(tokens[start - 1].text) or lex.verbs.get(_bare(tokens[start - 1].text))


def _percent_after(tokens: list[Token], index: int, lex: _Lexicon) -> int:
    """Tokens of "بالمئة", "في المئة", "%" after a number (0 if none)."""
    for length in (2, 1):
        key = tuple(t.text for t in tokens[index : index + length])
        if len(key) == length and key in lex.percent:
            return length
    return 0


def _verb_near(tokens: list[Token], start: int, end: int, lex: _Lexicon) -> str | None:
    """What happened to a count: the nearest listed verb before it, else after it (within the window)."""
    before = range(start - 1, max(-1, start - 1 - VERB_WINDOW), -1)
    after = range(end, min(len(tokens), end + VERB_WINDOW))
    for indices in (before, after):
        for j in indices:
            text = tokens[j].text
            if text in _STOPS or tokens[j].is_num:
                break
            verb = _predicate(text, lex)
            if verb:
                return verb
    return None


def _handled_before(tokens: list[Token], start: int, lex: _Lexicon) -> str | None:
    """A verb right before a count of casualties says what is done with them ("نقل 3 جرحى": transferred)."""
    for j in range(start - 1, max(-1, start - 3), -1):
        verb = lex.verbs.get(tokens[j].text) or lex.verbs.get(_bare(tokens[j].text))
        if verb:
            return verb
    return None


def _predicate(word: str, lex: _Lexicon) -> str | None:
    """What a verb or a noun of what happened says ("وقتل", "بمقتل", "القتلى"), if it is listed."""
    bare = _bare(word)
    return (lex.verbs.get(word) or lex.verbs.get(bare) or lex.units.get(word.removeprefix("ال"))
            or lex.units.get(bare.removeprefix("ال")))


def _qualifier_before(tokens: list[Token], i: int, lex: _Lexicon) -> tuple[str | None, int]:
    for length in (4, 3, 2, 1):
        if i - length < 0:
            continue
        words = tuple(_bare(t.text) if n == 0 else t.text for n, t in enumerate(tokens[i - length : i]))
        if words in lex.qualifiers:
            return lex.qualifiers[words], i - length
    return None, i


def _at_least_after(tokens: list[Token], end: int, lex: _Lexicon) -> bool:
    pair = tuple(t.text for t in tokens[end : end + 2])
    return len(pair) == 2 and lex.qualifiers.get(pair) == "at_least"


def _bare(word: str) -> str:
    """A word without a leading و/ف conjunction (or the ب/ل of "بمقتل", "لإصابة")."""
    return word[1:] if word[:1] in ("و", "ف", "ب", "ل") and len(word) > 3 else word


@cache
def _lexicon() -> _Lexicon:
    text = resources.files("marsad.claims").joinpath("data", "quantities.tsv").read_text("utf-8")
    rows: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            kind, value, form = line.split("\t")
            rows.setdefault(kind, []).append((value, fold(form)))

    def table(kind: str) -> dict[str, str]:
        return {form: value for value, form in rows.get(kind, [])}

    def numbers(kind: str) -> dict[str, int]:
        return {form: int(value) for value, form in rows.get(kind, [])}

    qualifiers = {tuple(form.split()): value for value, form in rows.get("qualifier", [])}
    return _Lexicon(
        units=table("unit"), counted=table("counted"), duals=table("dual"), thousands=numbers("thousand"),
        multipliers=numbers("multiplier"),
        vague={tuple(form.split()): int(value) for value, form in rows.get("vague", [])},
        numbers=numbers("number"), verbs=table("verb"), others=frozenset(table("others")),
        auxiliaries=frozenset(table("auxiliary")),
        skip=frozenset(table("skip")), qualifiers=qualifiers,
        qualifier_words=frozenset(words[0] for words in qualifiers), totals=frozenset(table("total")),
        parts=frozenset(table("part")), asides=frozenset(table("aside")),
        percent=frozenset(tuple(form.split()) for _, form in rows.get("percent", [])),
    )
