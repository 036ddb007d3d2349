"""The Arabic time vocabulary (`data/lexicon.json`), folded and indexed for matching.

The JSON file keeps words in ordinary spelling; `load_lexicon` folds every entry
with `marsad.text.normalize.fold` and splits multi-word entries into tokens, so
the matcher compares folded tokens with folded tokens. The file is read on the
first call only (no import-time side effects).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from marsad.text.normalize import fold

_LEXICON_FILE = "lexicon.json"
# Sections compared with the original spelling, so not folded.
_UNFOLDED = ("spelling_blockers",)
# Sections whose words can begin a time expression (others only continue one).
_STARTERS = (
    "gregorian_months", "hijri_months", "weekdays", "weekdays_bare", "relative_days", "this_words",
    "ordinals", "ordinal_tens", "last_words", "unit_the", "unit_the_many", "ago_words",
    "colloquial_ago", "after_words", "within_words", "parts", "decades", "holidays", "year_words",
    "year_dual", "day_word", "month_word", "clock_word", "day_parts", "range_from", "quarters",
)
# Sections with their own structure (built by dedicated code below).
_SPECIAL = ("holidays", "units", *_UNFOLDED)


@dataclass(frozen=True, slots=True)
class PhraseTable:
    """Folded phrases (tuples of tokens) mapped to a value string.

    For a section written as ``{"key": [phrases]}`` the value is the key; for a
    plain list of phrases it is the folded phrase itself.
    """

    entries: dict[tuple[str, ...], str]
    max_len: int
    first_words: frozenset[str]

    def get(self, words: tuple[str, ...]) -> str | None:
        """The value of exactly `words`, or None."""
        return self.entries.get(words)


@dataclass(frozen=True, slots=True)
class Holiday:
    """A named day or month: fixed in the Gregorian or Hijri calendar, or Easter."""

    calendar: str
    month: int | None
    day: int | None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every table of the vocabulary, by section name of the JSON file."""

    tables: dict[str, PhraseTable]
    holidays: dict[str, Holiday]
    known_words: frozenset[str]
    singles: dict[str, frozenset[str]]
    unfolded: dict[str, frozenset[str]]
    starters: frozenset[str]
    _forms: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict, compare=False)

    def forms(self, word: str) -> tuple[tuple[str, int], ...]:
        """The forms of `word` that are lexicon words: itself and without a glued
        proclitic (والخميس -> الخميس), each with the proclitic's length (0 for
        لل -> ال, which keeps the whole token). Cached per word."""
        found = self._forms.get(word)
        if found is None:
            found = _word_forms(word, self.known_words)
            self._forms[word] = found
        return found

    def table(self, name: str) -> PhraseTable:
        """The phrase table of section `name` (KeyError names the missing section)."""
        return self.tables[name]

    def words(self, name: str) -> frozenset[str]:
        """The single-token entries of section `name`."""
        return self.singles[name]

    def spellings(self, name: str) -> frozenset[str]:
        """Entries of an `_UNFOLDED` section, exactly as written in the file."""
        return self.unfolded[name]


# Proclitics that may be glued to a word (وفي, بايلول, لعام, والخميس), longest first.
PROCLITICS = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")


def _word_forms(word: str, known: frozenset[str]) -> tuple[tuple[str, int], ...]:
    forms = [(word, 0)] if word in known else []
    for prefix in PROCLITICS:
        rest = word[len(prefix):]
        if word.startswith(prefix) and len(rest) >= 2 and rest in known:
            forms.append((rest, len(prefix)))
    if word.startswith("لل") and "ا" + word[1:] in known:
        forms.append(("ا" + word[1:], 0))
    return tuple(forms)


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(fold(phrase).split())


def _build_table(section: Any) -> PhraseTable:
    entries: dict[tuple[str, ...], str] = {}
    if isinstance(section, dict):
        for key, phrases in section.items():
            if key.startswith("_") or not isinstance(phrases, list):
                continue
            for phrase in phrases:
                entries.setdefault(_phrase_key(phrase), key)
    elif isinstance(section, list):
        for phrase in section:
            words = _phrase_key(phrase)
            entries.setdefault(words, " ".join(words))
    max_len = max((len(k) for k in entries), default=0)
    return PhraseTable(entries, max_len, frozenset(k[0] for k in entries if k))


def _build_holidays(items: list[dict[str, Any]]) -> tuple[PhraseTable, dict[str, Holiday]]:
    entries: dict[tuple[str, ...], str] = {}
    holidays: dict[str, Holiday] = {}
    for item in items:
        key = fold(item["names"][0])
        holidays[key] = Holiday(item["calendar"], item["month"], item["day"])
        for name in item["names"]:
            entries.setdefault(_phrase_key(name), key)
    table = PhraseTable(entries, max(len(k) for k in entries), frozenset(k[0] for k in entries))
    return table, holidays


def lexicon_from_json(raw: dict[str, Any]) -> Lexicon:
    """Build a `Lexicon` from the parsed JSON document."""
    tables: dict[str, PhraseTable] = {}
    unfolded = {name: frozenset(raw[name]) for name in _UNFOLDED}
    for name, section in raw.items():
        if name.startswith("_") or name in _SPECIAL:
            continue
        tables[name] = _build_table(section)
    for unit, forms in raw["units"].items():
        for form, phrases in forms.items():
            tables[f"unit_{form}"] = _merge(tables.get(f"unit_{form}"), phrases, unit)
    holiday_table, holidays = _build_holidays(raw["holidays"])
    tables["holidays"] = holiday_table
    known = frozenset().union(*(t.first_words for t in tables.values()))
    starters = frozenset().union(*(tables[name].first_words for name in _STARTERS))
    singles = {
        name: frozenset(k[0] for k in table.entries if len(k) == 1)
        for name, table in tables.items()
    }
    return Lexicon(tables, holidays, known, singles, unfolded, starters)


def _merge(table: PhraseTable | None, phrases: list[str], value: str) -> PhraseTable:
    entries = dict(table.entries) if table else {}
    for phrase in phrases:
        entries.setdefault(_phrase_key(phrase), value)
    max_len = max((len(k) for k in entries), default=0)
    return PhraseTable(entries, max_len, frozenset(k[0] for k in entries if k))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon, loaded and folded on first use."""
    text = resources.files("marsad.dates").joinpath("data", _LEXICON_FILE).read_text("utf-8")
    return lexicon_from_json(json.loads(text))
