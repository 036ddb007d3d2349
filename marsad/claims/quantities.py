"""Counted quantities in Arabic news sentences: death tolls, injured, people.

"أكثر من 200 شخص قتلوا", "وقتل سبعة أشخاص على الأقل", "خلف أكثر من 1000 قتيل",
"طفلين قتلا", "ألفا شخص": the value, its qualifier (more than, about, at
least), the unit noun and its category (killed, injured, missing, people), and
offsets into the original text. A people count takes the category of a
killing / injuring verb next to it. Numbers in words and digits come from the
time-expression grammar's cardinal parser (`marsad.dates.numbers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from marsad.dates.lexicon import load_lexicon
from marsad.dates.numbers import cardinal
from marsad.dates.tokens import Stream, Token, tokenize
from marsad.records import Span
from marsad.text.normalize import fold, fold_with_offsets

# A killing / injuring verb this many words around a people count gives its category.
VERB_WINDOW = 3
_THOUSANDS = {"الف": 1000, "الاف": 1000, "مليون": 1_000_000, "ملايين": 1_000_000}


@dataclass(frozen=True)
class Quantity:
    """A counted quantity: value, qualifier, unit and its category, and where it is."""

    value: int
    qualifier: str | None  # more_than | about | less_than | at_least
    unit: str
    category: str  # killed | injured | missing | people
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Lexicon:
    units: dict[str, str]
    duals: dict[str, str]
    verbs: dict[str, str]
    qualifiers: dict[tuple[str, ...], str]


def find_quantities(sentence: Span) -> list[Quantity]:
    """Counted quantities of one sentence (offsets are those of the sentence's text)."""
    folded, offsets = fold_with_offsets(sentence.text)
    tokens = tokenize(folded)
    stream = Stream(tokens, load_lexicon())
    lex = _lexicon()
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        parsed = _count_at(stream, tokens, i, lex)
        if parsed is None:
            i += 1
            continue
        end_index, value, unit, category = parsed
        start_index = i
        qualifier, start_index = _qualifier_before(tokens, i, lex)
        if qualifier is None and _at_least_after(tokens, end_index):
            qualifier, end_index = "at_least", end_index + 2
        category = _category(tokens, start_index, end_index, category, lex)
        start = sentence.start + offsets[tokens[start_index].start]
        end = sentence.start + offsets[tokens[end_index - 1].end - 1] + 1
        text = sentence.text[start - sentence.start : end - sentence.start]
        found.append(Quantity(value, qualifier, unit, category, start, end, text))
        i = end_index
    return found


def _count_at(
    stream: Stream, tokens: list[Token], i: int, lex: _Lexicon
) -> tuple[int, int, str, str] | None:
    """(index after, value, unit, category) for a number + unit or a dual noun at i."""
    word = tokens[i].text
    if word in lex.duals:
        category = lex.duals[word]
        if category == "thousand" and i + 1 < len(tokens) and tokens[i + 1].text in lex.units:
            unit = tokens[i + 1].text
            return i + 2, 2000, unit, lex.units[unit]
        if category != "thousand":
            return i + 1, 2, word, category
        return None
    number = cardinal(stream, i)
    if number is None:
        return None
    after, value = number
    if after < len(tokens) and tokens[after].text in _THOUSANDS:
        value *= _THOUSANDS[tokens[after].text]
        after += 1
    if after < len(tokens) and tokens[after].text in lex.units:
        unit = tokens[after].text
        return after + 1, value, unit, lex.units[unit]
    return None


def _qualifier_before(tokens: list[Token], i: int, lex: _Lexicon) -> tuple[str | None, int]:
    for length in (3, 2, 1):
        if i - length < 0:
            continue
        words = tuple(_bare(t.text) for t in tokens[i - length : i])
        if words in lex.qualifiers:
            return lex.qualifiers[words], i - length
    return None, i


def _at_least_after(tokens: list[Token], end: int) -> bool:
    return end + 1 < len(tokens) and (tokens[end].text, tokens[end + 1].text) == ("علي", "الاقل")


def _category(tokens: list[Token], start: int, end: int, category: str, lex: _Lexicon) -> str:
    if category != "people":
        return category
    window = tokens[max(0, start - VERB_WINDOW) : start] + tokens[end : end + VERB_WINDOW]
    for token in window:
        verb = lex.verbs.get(token.text) or lex.verbs.get(_bare(token.text))
        if verb:
            return verb
    return category


def _bare(word: str) -> str:
    """A word without a leading و/ف conjunction."""
    return word[1:] if word[:1] in ("و", "ف") and len(word) > 2 else word


@cache
def _lexicon() -> _Lexicon:
    text = resources.files("marsad.claims").joinpath("data", "quantities.tsv").read_text("utf-8")
    units: dict[str, str] = {}
    duals: dict[str, str] = {}
    verbs: dict[str, str] = {}
    qualifiers: dict[tuple[str, ...], str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, category, form = line.split("\t")
        folded = fold(form)
        if kind == "qualifier":
            qualifiers[tuple(folded.split())] = category
        else:
            {"unit": units, "dual": duals, "verb": verbs}[kind][folded] = category
    return _Lexicon(units, duals, verbs, qualifiers)
