"""Clock times: الساعة 3 صباحا, الثالثة وربع بعد الظهر, 15:15, الساعة 12 الا ربع.

Only the extent of a clock time matters here: it carries no date of its own,
so alone it resolves to the reference day, and after a date it is absorbed
into that date's expression.
"""

from __future__ import annotations

from marsad.dates.numbers import cardinal, ordinal
from marsad.dates.tokens import Stream

_MAX_HOUR = 24


def hh_mm(s: Stream, i: int) -> int | None:
    """15:15, 3:18, 15:23:24 -> index after it."""
    hour = s.num(i)
    if hour is None or hour > _MAX_HOUR or len(s.text(i)) > 2:
        return None
    j = i
    for _ in range(2):
        if not (s.glued(j) and s.text(j + 1) == ":" and s.glued(j + 1)):
            break
        minute = s.num(j + 2)
        if minute is None or len(s.text(j + 2)) != 2 or minute > 59:
            return None
        j += 2
    if j == i or (s.glued(j) and s.text(j + 1) in (":", "/", ".", "-")):
        return None
    return j + 1


def _hour(s: Stream, i: int) -> int | None:
    """The hour after الساعة: 3, 11:45, ثلاثة, الثالثة, الحادية عشرة."""
    end = hh_mm(s, i)
    if end is not None:
        return end
    value = s.num(i)
    if value is not None:
        return i + 1 if 0 <= value <= _MAX_HOUR and not s.glued(i) else None
    found = cardinal(s, i) or ordinal(s, i)
    return found[0] if found is not None and 1 <= found[1] <= 12 else None


def _minutes(s: Stream, i: int) -> int | None:
    """A minute count or fraction: 18, ثمانية عشرة, ربع, ثلث, نصف, ربعا, دقيقتين."""
    fraction = s.match(i, "clock_fractions")
    if fraction is not None:
        return fraction.end
    dual = s.match(i, "unit_two")
    if dual is not None:
        return dual.end if dual.value == "minute" else None  # ودقيقتين
    found = cardinal(s, i)
    return None if found is None or found[1] > 59 else found[0]


def _tail(s: Stream, i: int) -> int:
    """Minutes after the hour: و18 دقيقة, وربع, وثمانية عشرة, الا ربع, إلا ثلث."""
    j = i
    while True:
        if s.is_word(j, "clock_minus") or s.text(j) == "و":
            k = j + 1
        elif s.text(j).startswith("و"):
            k = j  # glued: وربع, وثمانية (the lookups strip the و)
        else:
            return j
        end = _minutes(s, k)
        if end is None:
            return j
        minute_word = s.match(end, "clock_minute_words")
        j = minute_word.end if minute_word is not None else end


def _periods(s: Stream, i: int) -> int:
    """صباحا, بعد الظهر, هذه الليلة, بتوقيت GMT ... (any number of them)."""
    j = i
    while True:
        hit = s.match(j, "clock_periods")
        if hit is not None:
            j = hit.end
            continue
        zone = s.match(j, "clock_zone")
        if zone is not None and zone.end < s.n:
            j = zone.end + 1
            continue
        return j


def clock(s: Stream, i: int) -> int | None:
    """A clock time at `i`; returns the index after it."""
    if s.is_word(i, "clock_word"):
        hour = _hour(s, i + 1)
        return None if hour is None else _periods(s, _tail(s, hour))
    end = hh_mm(s, i)
    if end is not None:
        return _periods(s, end)
    found = ordinal(s, i)
    if found is not None and s.text(i).endswith("ه") and found[1] <= 12:
        tail = _tail(s, found[0])
        periods = _periods(s, tail)
        return periods if periods > tail else None
    value = s.num(i)
    if value is not None and 1 <= value <= 12 and not s.glued(i):
        periods = _periods(s, i + 1)
        return periods if periods > i + 1 else None
    return None


def clock_range(s: Stream, i: int) -> int | None:
    """[من] clock (إلى | حتى) clock, or a single clock time."""
    start = i + 1 if s.text(i) == "من" else i
    first = clock(s, start)
    if first is None:
        return None
    link = s.match(first, "clock_range_to")
    if link is not None:
        second = clock(s, link.end)
        if second is not None:
            return second
    return first if start == i else None
