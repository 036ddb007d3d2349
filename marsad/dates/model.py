"""Record types of the time-expression finder: the result and the options."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "week", "month", "year", "decade"]
"""How exact a resolved value is: `value` names a day, or the first day of a
week (Monday), month, year or decade."""

Orientation = Literal["news", "future"]
"""Which occurrence a bare weekday or a yearless date means.

- ``"news"`` (default, for articles): a bare weekday is the most recent one on or
  before the publication date (``يوم الجمعة`` in a Friday story is that Friday);
  a yearless month or day-and-month is the occurrence within 8 months before
  to 3 months after the publication month (see `NEWS_MONTH_WINDOW`).
- ``"future"`` (Duckling's convention, for schedules and assistants): a bare
  weekday is the next one strictly after the reference day; a yearless month
  is the first occurrence from the reference month on.
"""

NumericCalendar = Literal["gregorian", "hijri"]


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """One time expression found in a text.

    `start`/`end` are character offsets into the original text, so
    ``text[start:end] == expression.text``. `value` is the first day the
    expression denotes and `end_value` the last day (inclusive) when it names a
    period or range longer than one day (a week, a month, ``أوائل مارس``,
    ``13-15 تموز``); `end_value` is None for a single day and for approximate
    points (``قبل ثلاثة أسابيع``: `value` is 21 days back, `precision` "week").
    `relative` is True when the publication date was needed to resolve it; such
    expressions have `value` None when no publication date was given.
    """

    text: str
    start: int
    end: int
    value: datetime.date | None
    end_value: datetime.date | None
    precision: Precision
    relative: bool


@dataclass(frozen=True, slots=True)
class DateOptions:
    """How to resolve what the text leaves open.

    `orientation` picks the occurrence of bare weekdays and yearless dates (see
    `Orientation`). `numeric_calendar` is the calendar of numeric dates with a
    two-digit year (``30-02-33``); four-digit years from 1300 to 1500 and dates
    marked ``هـ`` are read as Hijri whatever this says.
    """

    orientation: Orientation = "news"
    numeric_calendar: NumericCalendar = "gregorian"
