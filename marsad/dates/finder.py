"""Find time expressions in Arabic text and resolve them against the publication date.

The text is folded (`fold_with_offsets`) and tokenised; at each token the
grammar (`marsad.dates.grammar`) tries every pattern and keeps the longest
match; matches never overlap. Spans are mapped back to the original text, so
``text[e.start:e.end] == e.text`` for every result. Prepositions before an
expression (في, منذ + date) and glued proclitics (و in والخميس) are not part
of it. Dates written in Latin script (April 19, 2019; 19 avril 2019) are left
to dateparser (`marsad.dates.latin`).
"""

from __future__ import annotations

import datetime
import logging

from marsad.dates.grammar import parse_at
from marsad.dates.latin import find_latin_dates, has_latin_candidate
from marsad.dates.lexicon import PROCLITICS, load_lexicon
from marsad.dates.model import DateOptions, TimeExpression
from marsad.dates.nodes import Context, Node, Resolved
from marsad.dates.tokens import Stream, Token, tokenize
from marsad.text.normalize import fold, fold_with_offsets

logger = logging.getLogger(__name__)

# Resolves relative expressions when there is no publication date; only the
# precision of the result is kept.
_PLACEHOLDER_DAY = datetime.date(2000, 1, 3)


def _is_mark(ch: str) -> bool:
    """Arabic diacritics and tatweel, which belong to the letter before them."""
    return "\u064b" <= ch <= "\u065f" or ch in "\u0670\u0640"


def _clitic_length(word: str, known: frozenset[str]) -> int:
    """Characters of proclitic glued to the first word of a match (والخميس -> 1)."""
    if word in known or word.startswith("لل"):
        return 0
    for prefix in PROCLITICS:
        if word.startswith(prefix) and word[len(prefix):] in known and len(word) - len(prefix) >= 2:
            return len(prefix)
    return 0


class _Spans:
    """Maps token ranges of the folded text to exact spans of the original."""

    def __init__(self, text: str, offsets: list[int], tokens: list[Token], known: frozenset[str]):
        self.text = text
        self.offsets = offsets
        self.tokens = tokens
        self.known = known

    def span(self, first: int, after: int) -> tuple[int, int]:
        """Original [start, end) of tokens first..after-1, without a glued proclitic."""
        token = self.tokens[first]
        folded_start = token.start + _clitic_length(token.text, self.known)
        start = self.offsets[folded_start]
        end = self.offsets[self.tokens[after - 1].end - 1] + 1
        while end < len(self.text) and _is_mark(self.text[end]):
            end += 1
        return start, end


def _resolve(node: Node, ctx: Context) -> Resolved | None:
    """Resolve, treating days outside the calendar's range (منذ 2500 عام) as no date."""
    try:
        return node.resolve(ctx)
    except (ValueError, OverflowError):
        logger.debug("no date for %r", node)
        return None


def _expression(
    spans: _Spans, first: int, after: int, node: Node, ctx: Context, known_day: bool
) -> TimeExpression | None:
    resolved = _resolve(node, ctx)
    if resolved is None:
        return None
    start, end = spans.span(first, after)
    keep = known_day or not node.relative
    if resolved.end == resolved.value:
        resolved = Resolved(resolved.value, None, resolved.precision)
    return TimeExpression(
        text=spans.text[start:end],
        start=start,
        end=end,
        value=resolved.value if keep else None,
        end_value=resolved.end if keep else None,
        precision=resolved.precision,
        relative=node.relative,
    )


class _Folding:
    """The folded text, with the offset map computed only when needed.

    `fold` is much faster than `fold_with_offsets` and gives the same string;
    the map is built only when something was found. If the two strings ever
    differ, `exact` turns False and the caller scans the exact one again.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        self.exact = True
        self._offsets: list[int] | None = None

    def source(self) -> tuple[str, list[int]]:
        """The original text and, for each folded character, its original offset."""
        if self._offsets is None:
            folded, self._offsets = fold_with_offsets(self.text)
            if folded != self.folded:
                self.folded, self.exact = folded, False
        return self.text, self._offsets


def _scan(stream: Stream) -> list[tuple[int, int, Node]]:
    """(first token, token after, node) of every expression, left to right."""
    matches = []
    i = 0
    while i < stream.n:
        match = parse_at(stream, i) if stream.can_start(i) else None
        if match is None:
            i += 1
            continue
        matches.append((i, match[0], match[1]))
        i = match[0]
    return matches


def find_time_expressions(
    text: str, published: datetime.date | None, options: DateOptions | None = None
) -> list[TimeExpression]:
    """Every time expression in `text`, resolved against `published`.

    Relative expressions (أمس, يوم الاثنين, 16 أبريل الماضي, قبل ثلاثة أسابيع)
    are resolved against the publication date and flagged `relative`; without
    one they are still found, with `value` None. `options` chooses how bare
    weekdays and yearless dates are read (news by default, see `DateOptions`).
    Results are in text order and do not overlap.
    """
    opts = options or DateOptions()
    if isinstance(published, datetime.datetime):
        published = published.date()
    lexicon = load_lexicon()
    folding = _Folding(text)
    stream = Stream(tokenize(folding.folded), lexicon, opts.numeric_calendar, folding.source)
    matches = _scan(stream)
    if not matches and not has_latin_candidate(folding.folded):
        return []
    _, offsets = folding.source()
    if not folding.exact:
        stream = Stream(tokenize(folding.folded), lexicon, opts.numeric_calendar, folding.source)
        matches = _scan(stream)
    spans = _Spans(text, offsets, stream.tokens, lexicon.known_words)
    ctx = Context(published or _PLACEHOLDER_DAY, opts.orientation)
    found = [e for first, after, node in matches
             if (e := _expression(spans, first, after, node, ctx, published is not None))]
    found.extend(_latin(text, folding.folded, offsets, found, ctx, published is not None))
    return sorted(found, key=lambda e: e.start)


def _latin(
    text: str,
    folded: str,
    offsets: list[int],
    arabic: list[TimeExpression],
    ctx: Context,
    known_day: bool,
) -> list[TimeExpression]:
    """Latin-script dates that do not overlap an Arabic expression."""
    taken = [(e.start, e.end) for e in arabic]
    extra = []
    for expression in find_latin_dates(text, folded, offsets, ctx, known_day):
        if all(expression.end <= s or expression.start >= e for s, e in taken):
            extra.append(expression)
    return extra
