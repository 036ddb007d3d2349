"""Quality gate on public gold data: every Arabic example of Duckling's time corpus
and of dateparser's Arabic tests must resolve to the expected date.

How the examples are read:

- Duckling (`time/duckling-ar`, reference Tuesday 2013-02-12 04:30 UTC-2) uses
  the future convention, so these run with ``DateOptions(orientation="future")``.
  A `datetime` value is compared by its date; for clock times (grain Hour,
  Minute, Second: الساعة 3 صباحا, 15:15, الخميس الساعة 8 بتوقيت GMT) only the
  date part is asserted. An interval's exclusive `to` becomes our inclusive
  `end_value` (to minus one second); an interval inside one day (هذه الليلة, من
  الساعة 3 الى الساعة 4) is one day, with no `end_value`.
- dateparser (`time/dateparser-ar`): Hijri cases run with
  ``numeric_calendar="hijri"`` as dateparser's own test does (only the two-digit
  years 30-02-33 and 10-03-90 need it); the "translate" cases compare with their
  English translation ("1 day ago" = reference minus one day); bare durations
  (يومين = "2 day", 4 عام = "4 year") are not dates, and we assert that nothing
  is found; "ago" cases are checked against a fixed reference day.

Each example must give exactly one expression (clock times are absorbed into
the date they follow), covering the whole example except a leading hedge or
preposition (`ALLOWED_UNCOVERED`).
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

from marsad.dates import DateOptions, TimeExpression, find_time_expressions
from marsad.text.normalize import fold

DUCKLING_REFERENCE = datetime.date(2013, 2, 12)
DUCKLING_EXAMPLES = 177
DATEPARSER_EXAMPLES = 27
# Words an example may have outside the expression: prepositions and hedges.
ALLOWED_UNCOVERED = {"في", "عند", "قرابه", "بحدود", "حوالي", "حتي"}
# Where our precision differs from Duckling's grain, on purpose.
PRECISION_DIFFERENCES = {
    "2/2013": "month",  # Duckling says Day grain for a month written as m/yyyy
    "قبل اسبوع": "week",  # 'a week ago': known to about a week, like قبل ثلاثة أسابيع
    "من اسبوع": "week",
    "بداية شهر 3": "day",  # an early-month interval of days (Duckling: the 1st)
}
_GRAINS = {"Day": "day", "Week": "week", "Month": "month", "Year": "year"}


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _uncovered_words(text: str, found: list[TimeExpression]) -> set[str]:
    rest = list(text)
    for expression in found:
        rest[expression.start:expression.end] = " " * (expression.end - expression.start)
    return set(fold("".join(rest)).split())


def _duckling_expected(example: dict[str, Any]) -> tuple[datetime.date, datetime.date | None]:
    if example.get("value"):
        return datetime.datetime.fromisoformat(example["value"]).date(), None
    first = datetime.datetime.fromisoformat(example["from"])
    last = datetime.datetime.fromisoformat(example["to"]) - datetime.timedelta(seconds=1)
    return first.date(), None if last.date() == first.date() else last.date()


def _duckling_problem(example: dict[str, Any]) -> str | None:
    text = example["text"]
    found = find_time_expressions(text, DUCKLING_REFERENCE, DateOptions(orientation="future"))
    if len(found) != 1:
        return f"{text}: {len(found)} expressions {[e.text for e in found]}"
    got, (value, end) = found[0], _duckling_expected(example)
    interval = example["kind"].startswith("datetimeInterval")
    if got.value != value or (interval and got.end_value != end):
        return f"{text}: expected {value}..{end}, got {got.value}..{got.end_value}"
    if uncovered := _uncovered_words(text, found) - ALLOWED_UNCOVERED:
        return f"{text}: not covered {uncovered}"
    grain = _GRAINS.get(example.get("grain") or "")
    expected_precision = PRECISION_DIFFERENCES.get(text, grain)
    if not interval and expected_precision and got.precision != expected_precision:
        return f"{text}: precision {got.precision}, expected {expected_precision}"
    return None


def test_every_duckling_example_resolves(shared_data: Path) -> None:
    examples = _load(shared_data / "time" / "duckling-ar" / "ar_time_examples.jsonl")
    assert len(examples) == DUCKLING_EXAMPLES
    problems = [p for example in examples if (p := _duckling_problem(example)) is not None]
    assert problems == []


def test_duckling_check_detects_a_wrong_answer() -> None:
    """The comparison itself must be able to fail: الاثنين in news orientation is
    the previous Monday, not Duckling's next one."""
    found = find_time_expressions("الاثنين", DUCKLING_REFERENCE)
    assert found[0].value != _duckling_expected({"value": "2013-02-18T00:00:00"})[0]


# ---------------------------------------------------------------- dateparser
_TRANSLATED_DATE = re.compile(r"^(\d+) (\w+) (\d{4})")
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
DATEPARSER_REFERENCE = datetime.date(2019, 4, 19)


def _translated(expected: str) -> datetime.date | None:
    """dateparser's English translation as a date; None for a bare duration."""
    if match := _TRANSLATED_DATE.match(expected):
        day, month, year = match.groups()
        return datetime.date(int(year), _MONTHS[month], int(day))
    if expected.startswith("ago ") and expected.endswith(" hour"):
        return DATEPARSER_REFERENCE
    if match := re.fullmatch(r"(\d+) day ago", expected):
        return DATEPARSER_REFERENCE - datetime.timedelta(days=int(match.group(1)))
    return None


def _dateparser_expected(example: dict[str, Any]) -> tuple[datetime.date | None, datetime.date]:
    """(expected date or None for 'no expression', reference day)."""
    task = example["task"]
    if task == "hijri_absolute":
        return datetime.datetime.fromisoformat(example["expected"]).date(), DATEPARSER_REFERENCE
    if task == "search_dates_in_text":
        reference = datetime.date.fromisoformat(example["relative_base"])
        return datetime.datetime.fromisoformat(example["expected"]).date(), reference
    if task == "relative_ago":
        days = re.search(r"\d+", example["expected_ago"])  # "{'days': N}"
        assert days is not None
        return (DATEPARSER_REFERENCE - datetime.timedelta(days=int(days.group())),
                DATEPARSER_REFERENCE)
    return _translated(example["expected"]), DATEPARSER_REFERENCE


def _dateparser_problem(example: dict[str, Any]) -> str | None:
    expected, reference = _dateparser_expected(example)
    options = DateOptions(numeric_calendar="hijri" if example.get("calendar") == "hijri"
                          else "gregorian")
    found = find_time_expressions(example["text"], reference, options)
    if expected is None:
        return None if found == [] else f"{example['text']}: a duration, found {found}"
    if len(found) != 1 or found[0].value != expected:
        return f"{example['text']}: expected {expected}, got {[(e.text, e.value) for e in found]}"
    if uncovered := _uncovered_words(example["text"], found) - ALLOWED_UNCOVERED:
        return f"{example['text']}: not covered {uncovered}"
    return None


def test_every_dateparser_example_resolves(shared_data: Path) -> None:
    examples = _load(shared_data / "time" / "dateparser-ar" / "ar_date_examples.jsonl")
    assert len(examples) == DATEPARSER_EXAMPLES
    problems = [p for example in examples if (p := _dateparser_problem(example)) is not None]
    assert problems == []


def test_bare_durations_are_the_only_examples_without_a_date(shared_data: Path) -> None:
    examples = _load(shared_data / "time" / "dateparser-ar" / "ar_date_examples.jsonl")
    durations = [e["text"] for e in examples if _dateparser_expected(e)[0] is None]
    assert durations == ["يومين", "4 عام"]
