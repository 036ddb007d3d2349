"""Calendar arithmetic: months and weeks, Hijri conversion, Easter, and choosing
which year's occurrence a yearless date means."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from typing import Literal

from hijridate import Gregorian, Hijri

Span = tuple[datetime.date, datetime.date]
"""An inclusive range of days."""

Mode = Literal["bare", "past", "current", "next"]
"""What a month or date says about its year: nothing, الماضي, الجاري/الحالي, المقبل."""

Unit = Literal["day", "week", "month", "year", "hour", "minute"]

# A yearless month in a news story ("في أبريل") is taken as the occurrence from 8
# months before to 3 months after the publication month: stories mostly report
# the past, and write الماضي / المقبل when the month is further away. Seed 002
# (published November, "هجومًا في أبريل" = the April of that year) needs -7.
NEWS_MONTH_WINDOW = (-8, 3)

# Umm al-Qura tables (hijridate) cover these Hijri years; outside them the
# arithmetical (tabular) Islamic calendar is used.
_UMM_AL_QURA_YEARS = range(1343, 1501)
_ISLAMIC_EPOCH = datetime.date(622, 7, 19).toordinal()  # 1 Muharram 1 AH (civil, Julian 16 July)


def month_end(year: int, month: int) -> datetime.date:
    """The last day of a Gregorian month."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_span(year: int, month: int) -> Span:
    """The days of a Gregorian month."""
    return datetime.date(year, month, 1), month_end(year, month)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week of `day` (weeks run Monday to Sunday, as in Duckling)."""
    return day - datetime.timedelta(days=day.weekday())


def shift(day: datetime.date, amount: int, unit: Unit) -> datetime.date:
    """`day` moved by `amount` units; hours and minutes move by whole days only."""
    if unit == "day":
        return day + datetime.timedelta(days=amount)
    if unit == "week":
        return day + datetime.timedelta(weeks=amount)
    if unit == "month":
        return add_months(day, amount)
    if unit == "year":
        return add_months(day, 12 * amount)
    if unit == "hour":
        return day + datetime.timedelta(days=round(amount / 24))
    return day


def period_start(day: datetime.date, unit: Unit) -> datetime.date:
    """The first day of the week, month or year containing `day` (`day` itself otherwise)."""
    if unit == "week":
        return week_start(day)
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def nth_weekday(span: Span, weekday: int, n: int) -> datetime.date | None:
    """The `n`-th `weekday` (0 = Monday) inside `span`; n = -1 is the last one."""
    start, end = span
    if n > 0:
        first = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
        found = first + datetime.timedelta(weeks=n - 1)
    else:
        found = end - datetime.timedelta(days=(end.weekday() - weekday) % 7)
    return found if start <= found <= end else None


def nth_full_week(span: Span, n: int) -> Span | None:
    """The `n`-th Monday-to-Sunday week lying wholly inside `span` (n = -1: the last)."""
    start, end = span
    first = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
    if n > 0:
        monday = first + datetime.timedelta(weeks=n - 1)
    else:
        monday = end - datetime.timedelta(days=6 + (end.weekday() + 1) % 7)
    sunday = monday + datetime.timedelta(days=6)
    return (monday, sunday) if start <= monday and sunday <= end else None


def easter(year: int) -> datetime.date:
    """Western Easter Sunday (anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return datetime.date(year, month, day + 1)


def _tabular_to_ordinal(year: int, month: int, day: int) -> int:
    return (
        day + 29 * (month - 1) + month // 2
        + (year - 1) * 354 + (3 + 11 * year) // 30 + _ISLAMIC_EPOCH - 1
    )


def hijri_month_length(year: int, month: int) -> int:
    """Days in a Hijri month (Umm al-Qura where tabulated, tabular elsewhere)."""
    if year in _UMM_AL_QURA_YEARS:
        return int(Hijri(year, month, 1).month_length())
    nxt = (year + month // 12, month % 12 + 1)
    return _tabular_to_ordinal(*nxt, 1) - _tabular_to_ordinal(year, month, 1)


def hijri_to_gregorian(year: int, month: int, day: int) -> datetime.date | None:
    """Convert a Hijri date; a 30th in a 29-day month is the next day, as on printed
    calendars that disagree with Umm al-Qura by one day. None if invalid."""
    if not (1 <= month <= 12 and 1 <= day <= 30 and year >= 1):
        return None
    length = hijri_month_length(year, month)
    extra = max(0, day - length)
    if extra:
        day = length
    if year in _UMM_AL_QURA_YEARS:
        gregorian = Hijri(year, month, day).to_gregorian()
        base = datetime.date(gregorian.year, gregorian.month, gregorian.day)
    else:
        base = datetime.date.fromordinal(_tabular_to_ordinal(year, month, day))
    return base + datetime.timedelta(days=extra)


def gregorian_to_hijri(day: datetime.date) -> tuple[int, int, int]:
    """The Hijri (year, month, day) of a Gregorian date."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
        return hijri.year, hijri.month, hijri.day
    except (OverflowError, ValueError):
        return _tabular_from_ordinal(day.toordinal())


def _tabular_from_ordinal(ordinal: int) -> tuple[int, int, int]:
    year = (30 * (ordinal - _ISLAMIC_EPOCH) + 10646) // 10631
    month = 1
    while month < 12 and _tabular_to_ordinal(year, month + 1, 1) <= ordinal:
        month += 1
    return year, month, ordinal - _tabular_to_ordinal(year, month, 1) + 1


def hijri_month_span(year: int, month: int) -> Span | None:
    """The Gregorian days of a Hijri month."""
    first = hijri_to_gregorian(year, month, 1)
    if first is None:
        return None
    return first, first + datetime.timedelta(days=hijri_month_length(year, month) - 1)


def year_month(day: datetime.date, cal: str) -> tuple[int, int]:
    """(year, month) of `day` in calendar `cal` ("gregorian" or "hijri")."""
    if cal == "hijri":
        year, month, _ = gregorian_to_hijri(day)
        return year, month
    return day.year, day.month


def pick_occurrence(
    make: Callable[[int], Span | None],
    ref: datetime.date,
    cal: str,
    mode: Mode,
    orientation: str,
) -> Span | None:
    """Choose the year of a yearless date or month.

    `make(year)` gives the occurrence in a year of calendar `cal`. `past` is the
    latest one ending before `ref`, `next` the earliest starting after it,
    `current` the one in the year of `ref`; a bare one follows `orientation`:
    news takes the occurrence inside `NEWS_MONTH_WINDOW`, future the first one
    whose month is not before the month of `ref`.
    """
    ref_year, ref_month = year_month(ref, cal)
    if mode == "current":
        return make(ref_year)
    candidates = [s for y in range(ref_year - 2, ref_year + 3) if (s := make(y)) is not None]
    if mode == "past":
        return max((s for s in candidates if s[1] < ref), default=None)
    if mode == "next":
        return min((s for s in candidates if s[0] > ref), default=None)
    low, high = NEWS_MONTH_WINDOW if orientation == "news" else (0, 10**6)
    for span in candidates:
        year, month = year_month(span[0], cal)
        if low <= (year - ref_year) * 12 + month - ref_month <= high:
            return span
    return None
