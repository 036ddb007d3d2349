"""What the grammar understood, and how each kind resolves to days.

Each node is a small frozen dataclass with a `relative` flag (does resolving it
need the publication date?) and `resolve(ctx)`, which returns a `Resolved` or
None when the date does not exist (31 فبراير).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any, Literal

from marsad.dates.calendars import (
    Mode,
    Span,
    Unit,
    easter,
    gregorian_to_hijri,
    hijri_month_span,
    hijri_to_gregorian,
    month_span,
    nth_full_week,
    nth_weekday,
    period_start,
    pick_occurrence,
    shift,
    week_start,
)
from marsad.dates.lexicon import Holiday
from marsad.dates.model import Orientation, Precision

Part = Literal["early", "mid", "middle", "late", "first", "last"]

_DAY = datetime.timedelta(days=1)
# Thirds of a month, as Duckling reads أوائل / أواخر (days 1-10, 21-end).
_MONTH_THIRDS = {"early": (1, 10), "mid": (11, 20)}
# Parts of a year, in months: early = Jan-Apr, mid = May-Aug, late = Sep-Dec.
_YEAR_PARTS = {"early": (1, 4), "first": (1, 4), "mid": (5, 8), "middle": (5, 8), "late": (9, 12),
               "last": (9, 12)}
# Parts of a decade, in years.
_DECADE_PARTS = {"early": (0, 3), "first": (0, 3), "mid": (4, 6), "middle": (4, 6), "late": (7, 9),
                 "last": (7, 9)}
# Bare plural spans (الأيام الماضية, الأسابيع المقبلة): how many units they cover.
VAGUE_SPAN_UNITS = {"day": 7, "week": 4, "month": 3, "year": 5, "hour": 24, "minute": 60}


@dataclass(frozen=True, slots=True)
class Context:
    """The reference day and the orientation used to resolve relative nodes."""

    ref: datetime.date
    orientation: Orientation


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved expression: first day, last day of a period (or None), precision."""

    value: datetime.date
    end: datetime.date | None
    precision: Precision


def _unit_precision(unit: Unit) -> Precision:
    if unit == "week" or unit == "month" or unit == "year":
        return unit
    return "day"


@dataclass(frozen=True, slots=True)
class RelDay:
    """A day counted from the reference: اليوم 0, أمس -1, بعد غد +2 (clock times: 0)."""

    offset: int
    relative: bool = True

    def resolve(self, ctx: Context) -> Resolved | None:
        """The reference day plus `offset` days."""
        return Resolved(ctx.ref + self.offset * _DAY, None, "day")


@dataclass(frozen=True, slots=True)
class Shift:
    """A point some units before or after the reference: قبل ثلاثة أسابيع = (-3, week).

    The precision is the unit: three weeks ago is known to about a week.
    """

    amount: int
    unit: Unit
    relative: bool = True

    def resolve(self, ctx: Context) -> Resolved | None:
        """The reference day moved by the amount."""
        return Resolved(shift(ctx.ref, self.amount, self.unit), None, _unit_precision(self.unit))


@dataclass(frozen=True, slots=True)
class Within:
    """خلال / في غضون + a duration: a span that starts or ends on the reference day.

    Forward (Duckling's خلال أسبوعين = 14 days from today) in future orientation
    or after a future cue (ستتشكل الحكومة خلال أسبوعين); otherwise, in news, the
    span ending on the reference day (قتل 28 شخصا خلال 24 ساعة).
    """

    amount: int
    unit: Unit
    ahead: bool = False
    relative: bool = True

    def resolve(self, ctx: Context) -> Resolved | None:
        """[ref, ref + amount - 1 day] forward, [ref - amount + 1 day, ref] back."""
        precision = _unit_precision(self.unit)
        if self.ahead or ctx.orientation == "future":
            end = max(ctx.ref, shift(ctx.ref, self.amount, self.unit) - _DAY)
            return Resolved(ctx.ref, end, precision)
        start = min(ctx.ref, shift(ctx.ref, -self.amount, self.unit) + _DAY)
        return Resolved(start, ctx.ref, precision)


@dataclass(frozen=True, slots=True)
class Run:
    """Whole calendar periods counted from the reference's period.

    الأسبوع الماضي = (week, -1, 1); الأسابيع الثلاثة القادمة = (week, 1, 3);
    الأيام الثلاثة الماضية = (day, -3, 3); هذا العام = (year, 0, 1).
    """

    unit: Unit
    offset: int
    count: int = 1
    precision: Precision | None = None
    relative: bool = True

    def resolve(self, ctx: Context) -> Resolved | None:
        """First day of the first period to last day of the last one.

        Hours and minutes are no calendar periods: الساعات الماضية (24 hours, the vague
        default) and الـ24 ساعة الماضية end on the reference day, like خلال 24 ساعة."""
        if self.unit in ("hour", "minute"):
            return self._within_days(ctx)
        start = shift(period_start(ctx.ref, self.unit), self.offset, self.unit)
        end = shift(start, self.count, self.unit) - _DAY
        precision = self.precision or _unit_precision(self.unit)
        single_day = self.unit == "day" and self.count == 1
        return Resolved(start, None if single_day else end, precision)

    def _within_days(self, ctx: Context) -> Resolved:
        """The days an hour or minute span touches, ending (past) or starting (future) on the reference day."""
        precision = self.precision or _unit_precision(self.unit)
        if self.offset < 0:
            start = min(ctx.ref, shift(ctx.ref, -self.count, self.unit) + _DAY)
            return Resolved(start, ctx.ref if start < ctx.ref else None, precision)
        end = max(ctx.ref, shift(ctx.ref, self.count, self.unit) - _DAY)
        return Resolved(ctx.ref, end if end > ctx.ref else None, precision)


@dataclass(frozen=True, slots=True)
class WeekdayRef:
    """A weekday (0 = Monday): bare, الماضي (past), المقبل (next), or inside a week
    counted from the reference week (احد الاسبوع الماضي: week_offset -1).

    In news orientation a bare weekday is the latest one on or before the
    reference day, unless `future_cue` (a future verb or من المقرر shortly
    before it), which makes it the next one on or after the reference day."""

    weekday: int
    mode: Mode = "bare"
    week_offset: int | None = None
    future_cue: bool = False
    relative: bool = True

    def resolve(self, ctx: Context) -> Resolved | None:
        """The chosen occurrence; see `marsad.dates.model.Orientation` for bare ones."""
        ref = ctx.ref
        if self.week_offset is not None:
            monday = week_start(ref) + datetime.timedelta(weeks=self.week_offset)
            return Resolved(monday + self.weekday * _DAY, None, "day")
        back = (ref.weekday() - self.weekday) % 7
        ahead = (self.weekday - ref.weekday()) % 7
        if self.mode == "past":
            day = ref - (back or 7) * _DAY
        elif self.mode == "next" or (self.mode == "bare" and ctx.orientation == "future"):
            day = ref + (ahead or 7) * _DAY
        elif self.future_cue:
            day = ref + ahead * _DAY  # سيغادر ... الجمعة: the coming one (today counts)
        else:
            day = ref - back * _DAY
        return Resolved(day, None, "day")


@dataclass(frozen=True, slots=True)
class DateNode:
    """A calendar date, month or year, complete or not.

    `year` is absolute, `year_offset` relative to the reference year (العام
    الماضي: -1); `month` is a month number of `calendar`, `month_offset` a month
    counted from the reference month (الشهر الماضي: -1) and `mode` what a
    qualifier after a month name says (الماضي, الجاري, المقبل). `part` narrows
    the smallest given unit (أوائل, منتصف, آخر). `weekday` only helps choose the
    year of a yearless date (الخميس 15 أغسطس).
    """

    calendar: str = "gregorian"
    year: int | None = None
    year_offset: int | None = None
    month: int | None = None
    month_offset: int | None = None
    mode: Mode = "bare"
    day: int | None = None
    part: Part | None = None
    weekday: int | None = None

    @property
    def relative(self) -> bool:
        """True unless the year is written out."""
        return self.year is None

    def with_fields(self, **changes: Any) -> DateNode:
        """A copy with some fields replaced."""
        return replace(self, **changes)

    def resolve(self, ctx: Context) -> Resolved | None:
        """Resolve to a day, or to the span of a month or year (narrowed by `part`)."""
        if self.month is None and self.month_offset is None:
            if self.day is not None:
                return self._resolve_in_month(self._reference_month(ctx))
            return self._resolve_year(ctx)
        span = self._month_span(ctx)
        return None if span is None else self._narrow_month(span)

    def _reference_month(self, ctx: Context) -> Span | None:
        return month_span(ctx.ref.year, ctx.ref.month)

    def _resolve_in_month(self, span: Span | None) -> Resolved | None:
        return None if span is None else self._narrow_month(span)

    def _resolve_year(self, ctx: Context) -> Resolved | None:
        year = self._year(ctx)
        if year is None:
            return None
        if self.calendar == "hijri":
            first, last = hijri_month_span(year, 1), hijri_month_span(year, 12)
            if first is None or last is None:
                return None
            return Resolved(first[0], last[1], "year")
        if self.part is not None:
            low, high = _YEAR_PARTS[self.part]
            return Resolved(datetime.date(year, low, 1), month_span(year, high)[1], "month")
        return Resolved(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")

    def _year(self, ctx: Context) -> int | None:
        if self.year is not None:
            return self.year
        ref_year = gregorian_to_hijri(ctx.ref)[0] if self.calendar == "hijri" else ctx.ref.year
        return ref_year + (self.year_offset or 0)

    def _month_of(self, year: int) -> Span | None:
        assert self.month is not None
        if self.calendar == "hijri":
            return hijri_month_span(year, self.month)
        if not 1 <= self.month <= 12 or not 1 <= year <= 9999:
            return None
        return month_span(year, self.month)

    def _occurrence(self, year: int) -> Span | None:
        """The span this node names in `year`: the day if one is given, else the month."""
        span = self._month_of(year)
        if span is None or self.day is None:
            return span
        resolved = self._narrow_month(span)
        return None if resolved is None else (resolved.value, resolved.value)

    def _month_span(self, ctx: Context) -> Span | None:
        if self.month_offset is not None:
            first = shift(ctx.ref.replace(day=1), self.month_offset, "month")
            return month_span(first.year, first.month)
        if self.year is not None or self.year_offset is not None:
            year = self._year(ctx)
            return None if year is None else self._month_of(year)
        chosen = pick_occurrence(
            self._occurrence, ctx.ref, self.calendar, self.mode, ctx.orientation)
        if chosen is not None and self.day is not None:
            chosen = self._agree_with_weekday(chosen)
            chosen = self._month_around(chosen[0])
        return chosen

    def _month_around(self, day: datetime.date) -> Span | None:
        """The month (of this node's calendar) that contains `day`."""
        if self.calendar == "hijri":
            year, month, _ = gregorian_to_hijri(day)
            return hijri_month_span(year, month)
        return month_span(day.year, day.month)

    def _agree_with_weekday(self, chosen: Span) -> Span:
        """If a weekday was written and the chosen year disagrees, try the neighbours."""
        if self.weekday is None or self.mode != "bare" or chosen[0].weekday() == self.weekday:
            return chosen
        year = chosen[0].year if self.calendar == "gregorian" else gregorian_to_hijri(chosen[0])[0]
        for other in (year - 1, year + 1):
            span = self._occurrence(other)
            if span is not None and span[0].weekday() == self.weekday:
                return span
        return chosen

    def _narrow_month(self, span: Span) -> Resolved | None:
        first, last = span
        length = (last - first).days + 1
        if self.day is not None:
            # A Hijri 30th in a 29-day month is the next day (printed calendars and
            # Umm al-Qura disagree by a day), as hijri_to_gregorian does.
            valid = length + (self.calendar == "hijri" and length == 29)
            if not 1 <= self.day <= valid:
                return None
            return Resolved(first + (self.day - 1) * _DAY, None, "day")
        if self.part is None:
            return Resolved(first, last, "month")
        return _month_part(first, last, self.part)


def _month_part(first: datetime.date, last: datetime.date, part: Part) -> Resolved:
    """أوائل = days 1-10, أواسط = 11-20, أواخر/نهاية = 21-end, منتصف = the 15th,
    أول = the 1st, آخر = the last day (as Duckling reads them)."""
    if part == "first":
        return Resolved(first, None, "day")
    if part == "last":
        return Resolved(last, None, "day")
    if part == "middle":
        return Resolved(first + 14 * _DAY, None, "day")
    if part == "late":
        return Resolved(first + 20 * _DAY, last, "day")
    low, high = _MONTH_THIRDS[part]
    return Resolved(first + (low - 1) * _DAY, first + (high - 1) * _DAY, "day")


@dataclass(frozen=True, slots=True)
class NthWeekday:
    """The n-th (or last, n = -1) weekday of a month: اخر اثنين من شهر اذار.

    The month's year is chosen as for a month alone (future orientation: اخر
    اثنين من شهر اذار in February is this March)."""

    n: int
    weekday: int
    month: DateNode
    or_day: bool = False

    @property
    def relative(self) -> bool:
        """As relative as the month."""
        return self.month.relative

    def resolve(self, ctx: Context) -> Resolved | None:
        """Find the weekday inside the month's span. With `or_day` (الثلاثاء
        الثالث من أيلول, which could be 'Tuesday the 3rd'), the n-th day of the
        month wins if it falls on that weekday."""
        span = self.month.with_fields(day=None, part=None).resolve(ctx)
        if span is None or span.end is None:
            return None
        as_day = span.value + (self.n - 1) * _DAY
        if self.or_day and self.n > 0 and as_day.weekday() == self.weekday:
            return Resolved(as_day, None, "day")
        day = nth_weekday((span.value, span.end), self.weekday, self.n)
        return None if day is None else Resolved(day, None, "day")


@dataclass(frozen=True, slots=True)
class NthWeek:
    """The n-th (or last) full Monday-to-Sunday week of a month: اول اسبوع بشهر اكتوبر."""

    n: int
    month: DateNode

    @property
    def relative(self) -> bool:
        """As relative as the month."""
        return self.month.relative

    def resolve(self, ctx: Context) -> Resolved | None:
        """The week, as a span with week precision."""
        span = self.month.with_fields(day=None, part=None).resolve(ctx)
        if span is None or span.end is None:
            return None
        week = nth_full_week((span.value, span.end), self.n)
        return None if week is None else Resolved(week[0], week[1], "week")


@dataclass(frozen=True, slots=True)
class NthWeekdayAfter:
    """The n-th weekday after a day: ثالث ثلاثاء بعد كريسماس 2014."""

    n: int
    weekday: int
    anchor: Node

    @property
    def relative(self) -> bool:
        """As relative as the anchor."""
        return self.anchor.relative

    def resolve(self, ctx: Context) -> Resolved | None:
        """Count weekdays strictly after the anchor day."""
        anchor = self.anchor.resolve(ctx)
        if anchor is None:
            return None
        ahead = (self.weekday - anchor.value.weekday()) % 7 or 7
        return Resolved(anchor.value + (ahead + 7 * (self.n - 1)) * _DAY, None, "day")


@dataclass(frozen=True, slots=True)
class Decade:
    """A decade (الثمانينيات = 1980-1989), possibly narrowed (أواخر الثمانينيات)."""

    start: int
    part: Part | None = None
    relative: bool = False

    def resolve(self, ctx: Context) -> Resolved | None:
        """The years of the decade, or of its early / middle / late part."""
        if self.part is None:
            return Resolved(datetime.date(self.start, 1, 1), datetime.date(self.start + 9, 12, 31),
                            "decade")
        low, high = _DECADE_PARTS[self.part]
        return Resolved(datetime.date(self.start + low, 1, 1),
                        datetime.date(self.start + high, 12, 31), "year")


@dataclass(frozen=True, slots=True)
class HolidayRef:
    """A named day or month (عيد الفطر, رمضان), with an optional Gregorian or Hijri year."""

    holiday: Holiday
    year: int | None = None
    year_calendar: str = "gregorian"
    mode: Mode = "bare"

    @property
    def relative(self) -> bool:
        """True unless a year is written out."""
        return self.year is None

    def resolve(self, ctx: Context) -> Resolved | None:
        """The holiday's day (or month) in the given year, or the chosen occurrence."""
        cal = "hijri" if self.holiday.calendar == "hijri" else "gregorian"
        if self.year is None:
            span = pick_occurrence(self._in_year, ctx.ref, cal, self.mode, ctx.orientation)
        elif self.year_calendar == cal:
            span = self._in_year(self.year)
        else:
            span = self._in_gregorian_year(self.year)
        if span is None:
            return None
        precision: Precision = "day" if span[0] == span[1] else "month"
        return Resolved(span[0], None if precision == "day" else span[1], precision)

    def _in_year(self, year: int) -> Span | None:
        holiday = self.holiday
        if holiday.calendar == "easter":
            day = easter(year)
            return day, day
        if holiday.calendar == "hijri":
            assert holiday.month is not None
            if holiday.day is None:
                return hijri_month_span(year, holiday.month)
            hijri_day = hijri_to_gregorian(year, holiday.month, holiday.day)
            return None if hijri_day is None else (hijri_day, hijri_day)
        assert holiday.month is not None and holiday.day is not None
        day = datetime.date(year, holiday.month, holiday.day)
        return day, day

    def _in_gregorian_year(self, year: int) -> Span | None:
        """A Hijri holiday named with a Gregorian year: the occurrence starting in it."""
        hijri_year = gregorian_to_hijri(datetime.date(year, 1, 1))[0]
        for candidate in (hijri_year, hijri_year + 1):
            span = self._in_year(candidate)
            if span is not None and span[0].year == year:
                return span
        return None


@dataclass(frozen=True, slots=True)
class RangeNode:
    """From one date to another: من 13 الى 15 تموز."""

    first: Node
    last: Node

    @property
    def relative(self) -> bool:
        """True if either end is."""
        return self.first.relative or self.last.relative

    def resolve(self, ctx: Context) -> Resolved | None:
        """First day of the first end to last day of the last end."""
        first, last = self.first.resolve(ctx), self.last.resolve(ctx)
        if first is None or last is None:
            return None
        end = last.end or last.value
        if end < first.value:
            return None
        return Resolved(first.value, end, first.precision)


@dataclass(frozen=True, slots=True)
class Fixed:
    """An already resolved absolute date (from dateparser)."""

    value: datetime.date
    precision: Precision
    end: datetime.date | None = None
    relative: bool = False

    def resolve(self, ctx: Context) -> Resolved | None:
        """The stored value."""
        return Resolved(self.value, self.end, self.precision)


Node = (
    RelDay | Shift | Within | Run | WeekdayRef | DateNode | NthWeekday | NthWeek | NthWeekdayAfter
    | Decade | HolidayRef | RangeNode | Fixed
)
"""Any node the grammar produces."""
