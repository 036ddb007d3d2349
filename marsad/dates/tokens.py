"""Tokens of the folded text and the lookups the grammar makes on them.

The text is folded once (`fold_with_offsets`); tokens are runs of Arabic
letters, runs of digits, runs of Latin letters, or single other characters.
Token offsets are positions in the folded text; `marsad.dates.finder` maps
them back to the original.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from marsad.dates.lexicon import Lexicon, PhraseTable

MISSING = object()
"""Returned by `Stream.memo` when nothing is cached."""

_TOKEN = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+|[0-9]+|[a-z]+|\S")

@dataclass(frozen=True, slots=True)
class Token:
    """One token: folded text and [start, end) in the folded string."""

    text: str
    start: int
    end: int

    @property
    def is_num(self) -> bool:
        """True for a run of ASCII digits."""
        return self.text.isdigit() and self.text.isascii()


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon phrase found at a token: the token after it, the value, and the
    number of characters of proclitic glued to its first token (و in والخميس)."""

    end: int
    value: str
    clitic: int


def tokenize(folded: str) -> list[Token]:
    """Split a folded text into tokens."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


class Stream:
    """The tokens of one text plus the lexicon, with the grammar's lookups."""

    def __init__(
        self,
        tokens: list[Token],
        lexicon: Lexicon,
        numeric_calendar: str = "gregorian",
        source: Callable[[], tuple[str, list[int]]] | None = None,
    ) -> None:
        self.tokens = tokens
        self.lex = lexicon
        self.n = len(tokens)
        self.numeric_calendar = numeric_calendar
        self._source = source
        self._memo: dict[tuple[object, ...], object] = {}

    def can_start(self, i: int) -> bool:
        """False for tokens that no expression can start with (most words)."""
        word = self.tokens[i].text
        if self.tokens[i].is_num or word == "ال":
            return True
        return any(form in self.lex.starters for form, _ in self.lex.forms(word))

    def memo(self, key: tuple[object, ...]) -> object:
        """The cached result for `key` (see `remember`), or the `MISSING` sentinel."""
        return self._memo.get(key, MISSING)

    def remember(self, key: tuple[object, ...], value: object) -> None:
        """Cache a parse result: the grammar asks for the same thing at the same token often."""
        self._memo[key] = value

    def source(self, i: int) -> str:
        """The original spelling of token `i` (before folding), if the text was given."""
        if self._source is None or not 0 <= i < self.n:
            return self.text(i)
        text, offsets = self._source()
        token = self.tokens[i]
        return text[offsets[token.start]:offsets[token.end - 1] + 1]

    def text(self, i: int) -> str:
        """The folded text of token `i`, or "" past the end."""
        return self.tokens[i].text if 0 <= i < self.n else ""

    def num(self, i: int) -> int | None:
        """The integer value of token `i` if it is a run of digits."""
        if 0 <= i < self.n and self.tokens[i].is_num and len(self.tokens[i].text) <= 6:
            return int(self.tokens[i].text)
        return None

    def glued(self, i: int) -> bool:
        """True if token `i` ends exactly where token `i + 1` starts."""
        return i + 1 < self.n and self.tokens[i].end == self.tokens[i + 1].start

    def match(self, i: int, name: str) -> Hit | None:
        """The longest phrase of table `name` starting at token `i`."""
        if not 0 <= i < self.n:
            return None
        return self.match_table(i, self.lex.table(name))

    def match_table(self, i: int, table: PhraseTable) -> Hit | None:
        """The longest phrase of `table` starting at token `i`."""
        if not 0 <= i < self.n:
            return None
        best: Hit | None = None
        for first, clitic in self.lex.forms(self.tokens[i].text):
            if first not in table.first_words:
                continue
            words = [first]
            if (value := table.get((first,))) is not None and best is None:
                best = Hit(i + 1, value, clitic)
            for j in range(i + 1, min(self.n, i + table.max_len)):
                words.append(self.tokens[j].text)
                value = table.get(tuple(words))
                if value is not None and (best is None or j + 1 > best.end):
                    best = Hit(j + 1, value, clitic)
        return best

    def is_word(self, i: int, name: str) -> bool:
        """True if a phrase of table `name` starts at token `i`."""
        return self.match(i, name) is not None

    def ends_at(self, i: int, name: str) -> bool:
        """True if token `i` alone (proclitics allowed) is an entry of `name`:
        used to look at the word before a candidate (وفي مارس)."""
        hit = self.match(i, name)
        return hit is not None and hit.end == i + 1

    def plain(self, i: int, name: str) -> bool:
        """True if token `i` itself (no proclitic stripped) is a one-word entry of `name`."""
        return 0 <= i < self.n and (self.tokens[i].text,) in self.lex.table(name).entries
