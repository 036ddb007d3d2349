"""Dates written in Latin script inside Arabic text (April 19, 2019; 19 avril 2019).

Arabic pages quote bylines and sources in English or French. A regex built from
the `latin_months` list finds candidates; dateparser (imported on first use)
reads them. A candidate without a year gets its year as an Arabic yearless date
would (`DateNode`), so both follow the same orientation.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from marsad.dates.lexicon import load_lexicon
from marsad.dates.model import TimeExpression
from marsad.dates.nodes import Context, DateNode

_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th|er)?"
_LANGUAGES = ["en", "fr"]


@lru_cache(maxsize=1)
def _candidate_pattern() -> re.Pattern[str]:
    months = sorted(load_lexicon().words("latin_months"), key=len, reverse=True)
    month = "|".join(re.escape(m) for m in months)
    return re.compile(
        rf"(?<![\w])(?:(?P<d1>{_DAY})\s+)?(?P<month>{month})\.?"
        rf"(?:\s+(?P<d2>{_DAY}))?(?:,?\s+(?P<year>\d{{4}}))?(?![\w])"
    )


def has_latin_candidate(folded: str) -> bool:
    """True if the folded text may hold a Latin-script date."""
    return any(m.group("d1") or m.group("d2") or m.group("year")
               for m in _candidate_pattern().finditer(folded))


def _parse(candidate: str) -> datetime.date | None:
    import dateparser  # slow to import and to run: only for Latin-script candidates

    parsed = dateparser.parse(
        candidate, languages=_LANGUAGES,
        settings={"REQUIRE_PARTS": ["month"], "PREFER_DAY_OF_MONTH": "first"},
    )
    return None if parsed is None else parsed.date()


def find_latin_dates(
    text: str, folded: str, offsets: list[int], ctx: Context, known_day: bool
) -> list[TimeExpression]:
    """Latin-script dates in `folded` (the folded form of `text`), as expressions of `text`."""
    found = []
    for match in _candidate_pattern().finditer(folded):
        has_day = bool(match.group("d1") or match.group("d2"))
        if not (has_day or match.group("year")):
            continue
        start, end = offsets[match.start()], offsets[match.end() - 1] + 1
        parsed = _parse(text[start:end])
        if parsed is None:
            continue
        expression = _expression(text, start, end, parsed, has_day, bool(match.group("year")),
                                 ctx, known_day)
        if expression is not None:
            found.append(expression)
    return found


def _expression(
    text: str, start: int, end: int, parsed: datetime.date, has_day: bool, has_year: bool,
    ctx: Context, known_day: bool,
) -> TimeExpression | None:
    node = DateNode(year=parsed.year if has_year else None, month=parsed.month,
                    day=parsed.day if has_day else None)
    resolved = node.resolve(ctx)
    if resolved is None:
        return None
    keep = known_day or has_year
    return TimeExpression(text[start:end], start, end, resolved.value if keep else None,
                          resolved.end if keep else None, resolved.precision, not has_year)
