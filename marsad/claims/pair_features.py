"""Features that describe how two news statements relate to each other.

Three groups, all symmetric in the two statements (swapping them gives the
same features), because marsad compares claims from articles that have no order:

* lexical features on folded text (`marsad.text.normalize.fold`) and Snowball
  Arabic stems: word and stem overlap, character-trigram overlap, numbers that
  differ, negation and denial cues on one side only, antonym pairs split
  across the two statements, places named on one side only, different days
  or months, one quantity given incompatible or compatible values
  (`marsad.claims.quantities`: "at least 20" and "21" can both hold);
* embedding features from two unit vectors: cosine, |u - v| and u * v;
* cue stems: the stems of the words that have no match on the other side,
  which a model can learn as contradiction cues ("تزوير", "هدوء", "منع").

The lexicons are plain text files in `marsad/claims/data/`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from marsad.claims.quantities import Quantity, clash, compatible, find_quantities
from marsad.claims.tokens import stem, token_keys, words
from marsad.records import Span
from marsad.text.normalize import fold

LEXICAL_FEATURES: tuple[str, ...] = (
    "word_jaccard",
    "stem_jaccard",
    "stem_cover_min",
    "stem_cover_max",
    "unmatched_min",
    "unmatched_max",
    "length_min",
    "length_ratio",
    "trigram_jaccard",
    "numbers_one_side",
    "numbers_conflict",
    "negation_diff",
    "negation_xor",
    "antonym_pairs",
    "place_swap",
    "places_one_side",
    "calendar_conflict",
    "figures_clash",
    "figures_compatible",
)
"""Names of the columns returned by `lexical_features`, in order."""

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CONJUNCTIONS = ("و", "ف")  # proclitics the Snowball stemmer leaves on some words
_PREPOSITIONS = ("", "ب", "ل", "ك")
_ARTICLES = ("", "ال", "ل")  # "ل" after li- is the article of "لل"
_ADJECTIVE_ENDINGS = ("", "ه", "ون", "ين", "ات", "ان")  # folded ة is ه
_MIN_BARE = 3  # a proclitic is only stripped if this many letters remain


@dataclass(frozen=True)
class Lexicons:
    """The lexicons, each entry as the set of forms that match it."""

    negation: tuple[frozenset[str], ...]
    antonyms: tuple[tuple[frozenset[str], frozenset[str]], ...]
    places: tuple[frozenset[str], ...]
    calendar: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class _Statement:
    """The lexical view of one statement."""

    words: frozenset[str]
    keys: frozenset[str]
    token_keys: tuple[frozenset[str], ...]
    numbers: frozenset[str]
    trigrams: frozenset[str]
    places: frozenset[int]
    calendar: frozenset[int]


@lru_cache(maxsize=65536)
def _bare_forms(token: str) -> frozenset[str]:
    """The folded `token` with every combination of proclitics stripped."""
    forms = {token}
    for conjunction in ("", *_CONJUNCTIONS):
        for preposition in _PREPOSITIONS:
            for article in _ARTICLES:
                prefix = conjunction + preposition + article
                if prefix and token.startswith(prefix) and len(token) - len(prefix) >= _MIN_BARE:
                    forms.add(token[len(prefix) :])
    return frozenset(forms)


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    """Load the lexicons shipped in `marsad/claims/data/`."""
    negation = tuple(_entry_keys(line) for line in _data_lines("negation.txt"))
    antonyms = []
    for number, line in enumerate(_data_lines("antonyms.txt"), start=1):
        pair = line.split("\t")
        if len(pair) != 2:
            raise ValueError(
                f"marsad/claims/data/antonyms.txt, entry {number}: "
                f"expected two words separated by one TAB, got {line!r}"
            )
        antonyms.append((_entry_keys(pair[0]), _entry_keys(pair[1])))
    places = tuple(_place_forms(line.split("\t")) for line in _data_lines("places.txt"))
    calendar = tuple(
        frozenset(fold(name) for name in line.split("\t")) for line in _data_lines("calendar.txt")
    )
    return Lexicons(negation=negation, antonyms=tuple(antonyms), places=places, calendar=calendar)


def _data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file of this package."""
    text = resources.files("marsad.claims").joinpath("data", name).read_text(encoding="utf-8")
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def _entry_keys(entry: str) -> frozenset[str]:
    """Matching keys of a one-word lexicon entry."""
    return frozenset().union(*(token_keys(word) for word in words(entry)))


def _place_forms(names: list[str]) -> frozenset[str]:
    """Bare folded forms, with adjective endings, of the names of one place."""
    bare = [fold(name).removeprefix("ال") for name in names]
    return frozenset(name + ending for name in bare for ending in _ADJECTIVE_ENDINGS)


def _statement(text: str, lex: Lexicons) -> _Statement:
    """Analyse one statement."""
    tokens = words(text)
    per_token = tuple(token_keys(token) for token in tokens)
    bare = frozenset().union(*(_bare_forms(token) for token in tokens))
    folded = " ".join(tokens)
    return _Statement(
        words=frozenset(tokens),
        keys=frozenset().union(*per_token),
        token_keys=per_token,
        numbers=frozenset(_NUMBER.findall(folded)),
        trigrams=frozenset(folded[i : i + 3] for i in range(max(len(folded) - 2, 0))),
        places=_named(lex.places, bare),
        calendar=_named(lex.calendar, bare),
    )


def _named(entries: tuple[frozenset[str], ...], forms: frozenset[str]) -> frozenset[int]:
    """Indices of the lexicon `entries` that one of `forms` names."""
    return frozenset(i for i, entry in enumerate(entries) if entry & forms)


def _swapped(a: frozenset[int], b: frozenset[int]) -> bool:
    """True if each side names an entry that the other does not."""
    return bool(a - b) and bool(b - a)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two sets (1.0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def _cover(statement: _Statement, other: _Statement) -> tuple[float, int]:
    """Share of `statement`'s tokens that match a token of `other`, and the unmatched count."""
    unmatched = sum(1 for keys in statement.token_keys if not keys & other.keys)
    total = len(statement.token_keys)
    return (1.0 - unmatched / total if total else 1.0), unmatched


@lru_cache(maxsize=1)
def _negation_keys() -> frozenset[str]:
    """Every key of the negation lexicon, as one set."""
    return frozenset().union(*lexicons().negation)


def _count_cues(statement: _Statement, cues: frozenset[str]) -> int:
    """Number of the statement's tokens that match one of the keys of `cues`."""
    return sum(1 for keys in statement.token_keys if not keys.isdisjoint(cues))


def _antonym_pairs(a: _Statement, b: _Statement, lex: Lexicons) -> int:
    """Number of antonym pairs with one word in each statement and not both in either."""
    found = 0
    for left, right in lex.antonyms:
        left_a, right_a = bool(left & a.keys), bool(right & a.keys)
        left_b, right_b = bool(left & b.keys), bool(right & b.keys)
        crossed = (left_a and right_b) or (right_a and left_b)
        found += crossed and not (left_a and right_a) and not (left_b and right_b)
    return found


def lexical_features(first: str, second: str) -> NDArray[np.float64]:
    """Return the `LEXICAL_FEATURES` of a pair of statements as one vector."""
    lex = lexicons()
    a, b = _statement(first, lex), _statement(second, lex)
    cover_a, unmatched_a = _cover(a, b)
    cover_b, unmatched_b = _cover(b, a)
    length_a, length_b = len(a.token_keys), len(b.token_keys)
    negation = _negation_keys()
    negation_a, negation_b = _count_cues(a, negation), _count_cues(b, negation)
    return np.array(
        [
            _jaccard(a.words, b.words),
            _jaccard(a.keys, b.keys),
            min(cover_a, cover_b),
            max(cover_a, cover_b),
            min(unmatched_a, unmatched_b),
            max(unmatched_a, unmatched_b),
            min(length_a, length_b),
            min(length_a, length_b) / max(length_a, length_b, 1),
            _jaccard(a.trigrams, b.trigrams),
            len(a.numbers ^ b.numbers),
            bool(a.numbers) and bool(b.numbers) and a.numbers != b.numbers,
            abs(negation_a - negation_b),
            (negation_a > 0) != (negation_b > 0),
            _antonym_pairs(a, b, lex),
            _swapped(a.places, b.places),
            len(a.places ^ b.places),
            _swapped(a.calendar, b.calendar),
            clash(_quantities(first), _quantities(second)),
            compatible(_quantities(first), _quantities(second)),
        ],
        dtype=np.float64,
    )


@lru_cache(maxsize=4096)
def _quantities(text: str) -> tuple[Quantity, ...]:
    """The counted quantities of a statement (the figures the two sides give)."""
    return tuple(find_quantities(Span(0, len(text), text)))


def cue_stems(first: str, second: str) -> frozenset[str]:
    """Return the stems of the words of either statement that match no word of the other."""
    a, b = words(first), words(second)
    keys_a = frozenset().union(*(token_keys(token) for token in a))
    keys_b = frozenset().union(*(token_keys(token) for token in b))
    unmatched = [t for t in a if not token_keys(t) & keys_b]
    unmatched += [t for t in b if not token_keys(t) & keys_a]
    return frozenset(stem(token) for token in unmatched)


def embedding_features(
    first: NDArray[np.float32], second: NDArray[np.float32]
) -> NDArray[np.float64]:
    """Return [cosine, |u - v|, u * v] for two arrays of unit row vectors, one row per pair."""
    u, v = first.astype(np.float64), second.astype(np.float64)
    cosine = np.sum(u * v, axis=1, keepdims=True)
    return np.hstack([cosine, np.abs(u - v), u * v])


def dense_matrix(
    pairs: Sequence[tuple[str, str]],
    first: NDArray[np.float32],
    second: NDArray[np.float32],
) -> NDArray[np.float64]:
    """Stack the lexical and embedding features of `pairs`, one row per pair.

    `first[i]` and `second[i]` are the embeddings of the two statements of `pairs[i]`.
    Columns: `LEXICAL_FEATURES`, then cosine, then |u - v| and u * v.
    """
    lexical = np.array([lexical_features(a, b) for a, b in pairs], dtype=np.float64)
    lexical = lexical.reshape(len(pairs), len(LEXICAL_FEATURES))
    return np.hstack([lexical, embedding_features(first, second)])
