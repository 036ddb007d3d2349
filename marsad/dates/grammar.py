"""The whole grammar: at a token, the longest time expression that starts there.

Building blocks come from `grammar_dates` (calendar dates), `grammar_relative`
(counted from the publication date) and `grammar_clock` (clock times). This
module combines them: a weekday with the date that follows it (الاثنين 18
شباط), a date with a clock time (6 يناير، 2015، الساعة 05:16 مساءً), ranges
(من 13 الى 15 تموز), n-th weekdays and weeks of a month, and a part of the day
before a day (مساء الخميس).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from marsad.dates.grammar_clock import clock_range
from marsad.dates.grammar_dates import (
    DateParsed,
    Parsed,
    day_month,
    day_number,
    decade,
    fraction_of_year,
    holiday,
    month_day_year,
    month_ref,
    numeric_date,
    part_of,
    year_expression,
)
from marsad.dates.grammar_relative import relative_expression, weekday_head, weekday_ref
from marsad.dates.nodes import (
    DateNode,
    Decade,
    Node,
    NthWeek,
    NthWeekday,
    NthWeekdayAfter,
    RangeNode,
    RelDay,
    WeekdayRef,
)
from marsad.dates.numbers import ordinal
from marsad.dates.tokens import MISSING, Stream

_CLOCK_LINKS = ("،", ",", "في", "عند", "على", "-", "من")
_MONTH_LINKS = ("من", "في", "ب", "ل")
_DAY_LINKS = ("،", ",", "-")
# Ordinals above this, after a weekday, are days of the month (السبت السادس عشر);
# up to it they may count weekdays (الثلاثاء الثالث من أيلول).
_MAX_WEEKDAY_COUNT = 5


def _longest(candidates: list[Parsed | None]) -> Parsed | None:
    best: Parsed | None = None
    for found in candidates:
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return best


def _with_clock(s: Stream, j: int) -> int:
    """Extend a date ending at `j` over a clock time or a part of the day after it."""
    end = clock_range(s, j)
    if end is not None:
        return end
    if s.text(j) in _CLOCK_LINKS:
        end = clock_range(s, j + 1)
        if end is not None:
            return end
    hit = s.match(j, "clock_periods")
    return hit.end if hit is not None else j


def _month_after_link(s: Stream, j: int) -> DateParsed | None:
    """A month after من / في / ب (or with ب glued, بايلول)."""
    for start in (j, j + 1) if s.text(j) in _MONTH_LINKS else (j,):
        found = month_ref(s, start, strong=True)
        if found is not None and isinstance(found[1], DateNode):
            return found[0], found[1]
    return None


# ---------------------------------------------------------------- n-th weekday and week
def _count_word(s: Stream, i: int) -> tuple[int, int] | None:
    """ثالث / ثاني / أول (n) or آخر (-1) before a weekday or أسبوع."""
    if s.plain(i, "last_words"):
        return i + 1, -1
    found = ordinal(s, i)
    if found is None or s.text(i).startswith("ال") or found[1] > _MAX_WEEKDAY_COUNT:
        return None
    return found


def nth_weekday_prefix(s: Stream, i: int) -> Parsed | None:
    """ثالث [يوم] ثلاثاء بأيلول, آخر اثنين من شهر آذار, ثالث ثلاثاء بعد كريسماس 2014."""
    count = _count_word(s, i)
    if count is None:
        return None
    j = count[0] + 1 if s.text(count[0]) == "يوم" else count[0]
    hit = s.match(j, "weekdays") or s.match(j, "weekdays_bare")
    if hit is None:
        return None
    weekday = int(hit.value)
    if s.text(hit.end) == "بعد" and count[1] > 0:
        anchor = _longest([holiday(s, hit.end + 1), date_core(s, hit.end + 1)])
        if anchor is not None:
            return anchor[0], NthWeekdayAfter(count[1], weekday, anchor[1])
    month = _month_after_link(s, hit.end)
    if month is None:
        return None
    return month[0], NthWeekday(count[1], weekday, month[1])


def nth_week(s: Stream, i: int) -> Parsed | None:
    """أول أسبوع بشهر أكتوبر 2014, الأسبوع الأخير في الشهر التاسع سنة 2014."""
    if s.text(i) == "الاسبوع":
        count = (i + 2, -1) if s.plain(i + 1, "last_words") else ordinal(s, i + 1)
    else:
        count = _count_word(s, i)
        if count is not None:
            count = (count[0] + 1, count[1]) if s.text(count[0]) == "اسبوع" else None
    if count is None or count[1] > _MAX_WEEKDAY_COUNT:
        return None
    month = _month_after_link(s, count[0])
    if month is None:
        return None
    return month[0], NthWeek(count[1], month[1])


# ---------------------------------------------------------------- dates
def date_core(s: Stream, i: int, *, allow_day_month: bool = False) -> Parsed | None:
    """The longest calendar expression at `i` (no weekday in front)."""
    key = ("date_core", i, allow_day_month)
    cached = s.memo(key)
    if cached is MISSING:
        cached = _date_core(s, i, allow_day_month=allow_day_month)
        s.remember(key, cached)
    return cast("Parsed | None", cached)


def _date_core(s: Stream, i: int, *, allow_day_month: bool) -> Parsed | None:
    if not (0 <= i < s.n and s.can_start(i)):
        return None
    found_decade = decade(s, i)
    return _longest([
        day_month(s, i),
        month_day_year(s, i),
        numeric_date(s, i, allow_day_month=allow_day_month),
        part_of(s, i),
        fraction_of_year(s, i),
        nth_week(s, i),
        nth_weekday_prefix(s, i),
        year_expression(s, i),
        month_ref(s, i, strong=False),
        None if found_decade is None else (found_decade[0], Decade(found_decade[1])),
        holiday(s, i),
    ])


def date_compound(s: Stream, i: int) -> Parsed | None:
    """A date (after يوم if it names a day: يوم 4 أبريل الحالي), then a clock time."""
    day_word = s.match(i, "day_word")
    if day_word is not None:
        found = date_core(s, day_word.end, allow_day_month=True)
        if found is not None and _is_day(found[1]):
            return _with_clock(s, found[0]), found[1]
    found = date_core(s, i)
    if found is None:
        return None
    end, node = found
    return _with_clock(s, end), node


# ---------------------------------------------------------------- weekdays
def weekday_compound(s: Stream, i: int) -> Parsed | None:
    """A weekday with what follows it: a date (الاثنين 18 شباط, الأربعاء الموافق
    الثالث عشر من شباط 2013), an ordinal (السبت السادس عشر, الثلاثاء الثالث من
    أيلول), الأخير + month, a qualifier, a week, and a clock time."""
    head = weekday_head(s, i)
    found = _weekday_with_date(s, head) if head is not None else None
    if found is None:
        found = weekday_ref(s, i)
    if found is None:
        return None
    return _with_clock(s, found[0]), found[1]


def _weekday_with_date(s: Stream, head: tuple[int, int]) -> Parsed | None:
    end, weekday = head
    if s.plain(end, "last_words"):
        month = _month_after_link(s, end + 1)
        return None if month is None else (month[0], NthWeekday(-1, weekday, month[1]))
    count = ordinal(s, end)
    if count is not None:
        month = _month_after_link(s, count[0])
        if month is not None and count[1] <= _MAX_WEEKDAY_COUNT:
            return month[0], NthWeekday(count[1], weekday, month[1], or_day=True)
        if month is not None:
            return month[0], month[1].with_fields(day=count[1], weekday=weekday)
        if count[1] > _MAX_WEEKDAY_COUNT:
            return count[0], DateNode(day=count[1], weekday=weekday)
    link = s.match(end, "corresponding")
    starts = [end] + ([link.end] if link is not None else []) + (
        [end + 1] if s.text(end) in _DAY_LINKS else [])
    for start in starts:
        found = date_core(s, start, allow_day_month=True)
        if found is not None and isinstance(found[1], DateNode) and found[1].day is not None:
            return found[0], found[1].with_fields(weekday=weekday)
    return None


# ---------------------------------------------------------------- ranges
def date_range(s: Stream, i: int) -> Parsed | None:
    """من 13 الى 15 تموز, 13-15 تموز, يوليو 13-15, من 13 تموز الى 15 تموز, بين
    مارس ومايو, من الثالث والعشرون وحتى السادس والعشرين من شهر أكتوبر."""
    start = s.match(i, "range_from")
    j = start.end if start is not None else i
    between = start is not None and start.value != "من"
    return _longest([_range_of_dates(s, j, between=between),
                     _glued_day_range(s, j), _month_then_days(s, i)])


def _range_end(s: Stream, j: int, *, glued_and: bool = False) -> DateParsed | None:
    """The end of a range after إلى / حتى / - / و (and, after بين, a glued و:
    بين آب/أغسطس وتشرين الأول)."""
    link = s.match(j, "range_to")
    if link is None and glued_and and s.text(j).startswith("و"):
        start = j
    elif link is None:
        return None
    else:
        start = link.end
    found = date_core(s, start)
    if found is None or not isinstance(found[1], DateNode):
        return None
    return found[0], found[1]


def _range_of_dates(s: Stream, j: int, *, between: bool) -> Parsed | None:
    first = date_core(s, j)
    day = day_number(s, j)
    candidates: list[tuple[int, Node]] = [first] if first is not None else []
    if day is not None and day[1] is not None:
        candidates.append((day[0], DateNode(day=day[1])))
    for end, node in candidates:
        last = _range_end(s, end, glued_and=between)
        if not isinstance(node, DateNode) or last is None:
            continue
        if node.month is None and node.year is None and last[1].month is None \
                and last[1].month_offset is None:
            continue
        return last[0], RangeNode(_inherit(node, last[1]), last[1])
    return None


def _inherit(first: DateNode, last: DateNode) -> DateNode:
    """Fill the start of a range from its end: a day alone (the 13 of من 13 الى
    15 تموز) takes the end's month and year; a month without a year (بين آب
    وتشرين الأول 2015) takes the end's year, or the year before if it is later."""
    if first.month is None and first.month_offset is None and first.day is not None:
        return last.with_fields(day=first.day, weekday=None)
    yearless = first.year is None and first.year_offset is None and first.mode == "bare"
    if yearless and first.month is not None and last.year is not None and last.month is not None:
        year = last.year - (first.month > last.month and first.calendar == last.calendar)
        return first.with_fields(year=year)
    return first


def _digit_pair(s: Stream, j: int) -> tuple[int, int, int] | None:
    """13-15 (glued or spaced hyphen) or 13 الى 15: (end, first, last)."""
    first, last = s.num(j), None
    if first is None:
        return None
    link = s.match(j + 1, "range_to")
    if link is not None and link.value not in ("و", "ل"):
        last = s.num(link.end)
    if last is None or not (1 <= first < last <= 31):
        return None
    assert link is not None
    return link.end + 1, first, last


def _glued_day_range(s: Stream, j: int) -> Parsed | None:
    """13-15 تموز, من 27-29 من الشهر الثامن, من 1-8 شهر أيلول."""
    pair = _digit_pair(s, j)
    if pair is None:
        return None
    month = _month_after_link(s, pair[0])
    if month is None:
        return None
    node = month[1]
    return month[0], RangeNode(node.with_fields(day=pair[1]), node.with_fields(day=pair[2]))


def _month_then_days(s: Stream, i: int) -> Parsed | None:
    """يوليو 13-15, تموز 13 الى 15, أغسطس 27 الى 29 [2013]."""
    month = month_ref(s, i, strong=True)
    if month is None or not isinstance(month[1], DateNode) or month[1].month is None:
        return None
    pair = _digit_pair(s, month[0])
    if pair is None:
        return None
    node = month[1]
    return pair[0], RangeNode(node.with_fields(day=pair[1]), node.with_fields(day=pair[2]))


# ---------------------------------------------------------------- entry point
def _clock_alone(s: Stream, i: int) -> Parsed | None:
    """A clock time; if a day follows it (الساعة 8:00 مساء الثلاثاء 20 فبراير),
    that day's node, over the whole span."""
    end = clock_range(s, i)
    if end is None:
        return None
    k = end + 1 if s.text(end) in _CLOCK_LINKS else end
    part = s.match(k, "day_parts")
    starts = [k, part.end] if part is not None else [k]
    for start in starts:
        day = _longest([weekday_compound(s, start), date_compound(s, start),
                        relative_expression(s, start)])
        if day is not None and _is_day(day[1]):
            return day
    return end, RelDay(0)


def _relative_with_clock(s: Stream, i: int) -> Parsed | None:
    """A relative expression, with the weekday and date that often follow a
    relative day (اليوم الأربعاء, أمس الخميس 15 مارس) and a clock time."""
    found = relative_expression(s, i)
    if found is None:
        return None
    end, node = found
    if isinstance(node, RelDay):
        head = weekday_head(s, end)
        if head is not None:
            dated = _weekday_with_date(s, head)
            if dated is not None and isinstance(dated[1], DateNode) and dated[1].year is not None:
                end, node = dated
            else:
                end = dated[0] if dated is not None else head[0]
    return _with_clock(s, end), node


_CORES: tuple[Callable[[Stream, int], Parsed | None], ...] = (
    date_range, weekday_compound, date_compound, _relative_with_clock, _clock_alone,
)


def _core(s: Stream, i: int) -> Parsed | None:
    return _longest([parse(s, i) for parse in _CORES])


def parse_at(s: Stream, i: int) -> tuple[int, Node] | None:
    """The longest time expression starting at token `i`: (token after it, node)."""
    found = _core(s, i)
    prefix = s.match(i, "day_parts")
    if prefix is not None:
        after = _core(s, prefix.end)
        if after is not None and _is_day(after[1]) and (found is None or after[0] > found[0]):
            found = after
    if found is None or not _is_day(found[1]):
        return found
    return _corresponding(s, found[0]), found[1]


def _corresponding(s: Stream, end: int) -> int:
    """Absorb the same day in another calendar: ... 10 شعبان 1436 هـ الموافق 28 مايو 2015م."""
    hit = s.match(end, "corresponding")
    if hit is None or hit.value == "في":
        return end
    other = date_core(s, hit.end)
    if other is None or not isinstance(other[1], DateNode) or other[1].day is None:
        return end
    return _with_clock(s, other[0])


def _is_day(node: Node) -> bool:
    """Does the node name one day (so a part of the day, a clock time or the
    same day in another calendar can go with it)?"""
    if isinstance(node, DateNode):
        return node.day is not None
    return isinstance(node, RelDay | WeekdayRef | NthWeekday)
