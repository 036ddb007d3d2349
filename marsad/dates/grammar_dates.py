"""Calendar expressions: days of months, months, years, numeric dates, parts of
periods (أوائل, منتصف), decades and named days (عيد الفطر).

Every parser takes the token stream and a start index and returns (index after
the match, node) or None. Words before the start (a preposition, a name such as
ثورة) may be looked at but are never part of the match.
"""

from __future__ import annotations

from typing import cast

from marsad.dates.calendars import Mode
from marsad.dates.lexicon import Holiday
from marsad.dates.nodes import DateNode, Decade, HolidayRef, Node, Part, RangeNode, Run
from marsad.dates.numbers import cardinal, ordinal
from marsad.dates.tokens import Stream

Parsed = tuple[int, Node]
DateParsed = tuple[int, DateNode]

# Years written as bare numbers ("في 2011") count as years in this range only.
BARE_YEAR_RANGE = range(1900, 2101)
# The latest years a text can name (with عام, or marked م / هـ).
MAX_YEAR = 2200
MAX_HIJRI_YEAR = 1600
# Four-digit years in this range are Hijri in numeric dates (14-09-1432).
HIJRI_NUMERIC_YEARS = range(1300, 1501)
# A Hijri month followed by a number from here on names a Gregorian year (رمضان 2019).
GREGORIAN_YEAR_FLOOR = 1600
_PUNCT_BEFORE_YEAR = ("،", ",")
_NUMERIC_SEPARATORS = ("/", "-", ".")


# ---------------------------------------------------------------- qualifiers
def qualifier(s: Stream, i: int) -> tuple[int, Mode] | None:
    """الماضي / الجاري / المقبل (and their variants) at `i`."""
    hit = s.match(i, "qualifiers")
    return None if hit is None else (hit.end, cast(Mode, hit.value))


def relative_offset(s: Stream, i: int, unit: str) -> tuple[int, int] | None:
    """A calendar period counted from the reference one: الشهر الماضي -> -1,
    هذا العام -> 0, الأسبوع قبل الماضي -> -2, السنة القادمة -> +1."""
    this = s.match(i, "this_words")
    j = this.end if this is not None else i
    hit = s.match(j, "unit_the")
    if hit is None or hit.value != unit:
        return None
    if this is not None:
        return hit.end, 0
    for table, offset in (("before_past", -2), ("after_next", 2)):
        extra = s.match(hit.end, table)
        if extra is not None:
            return extra.end, offset
    mode = qualifier(s, hit.end)
    if mode is None:
        return None
    return mode[0], {"past": -1, "current": 0, "next": 1}[mode[1]]


# ---------------------------------------------------------------- years
def _year_marker(s: Stream, i: int) -> tuple[int, str | None]:
    """هـ or م after a year: (index after it, calendar or None)."""
    for table, cal in (("hijri_markers", "hijri"), ("gregorian_markers", "gregorian")):
        hit = s.match(i, table)
        if hit is not None:
            return hit.end, cal
    return i, None


def _clean_number(s: Stream, i: int) -> int | None:
    """A run of digits not glued to a separator or another number (not 3.5, 16:30, 2/3)."""
    value = s.num(i)
    if value is None:
        return None
    after = s.text(i + 1) if s.glued(i) else ""
    if after in ("/", ":", ".", ",", "-") and s.glued(i + 1) and s.num(i + 2) is not None:
        return None
    before = s.text(i - 1) if i > 0 and s.glued(i - 1) else ""
    if before in ("/", ":", ".", ",", "-") and s.num(i - 2) is not None:
        return None
    return value


def year_number(s: Stream, i: int, *, linked: bool) -> tuple[int, int, str | None] | None:
    """A year number at `i` with its marker: (end, year, calendar or None).

    After a link word (عام, سنة) three or four digits; otherwise four digits in
    `BARE_YEAR_RANGE`, or any year marked هـ / م.
    """
    value = _clean_number(s, i)
    if value is None:
        return None
    end, cal = _year_marker(s, i + 1)
    if cal is not None and (s.glued(end - 1) and s.num(end) is not None):
        end, cal = i + 1, None  # 75960م2: square metres, not a year
    digits = len(s.text(i))
    if not 1 <= value <= (MAX_HIJRI_YEAR if cal == "hijri" else MAX_YEAR):
        return None
    if (cal is not None and digits >= 3) or (linked and 3 <= digits <= 4):
        return end, value, cal
    return (end, value, cal) if value in BARE_YEAR_RANGE else None


def year_suffix(s: Stream, i: int) -> tuple[int, DateNode] | None:
    """The year after a day or month: `2019`, `، 2015`, `عام 2014`, `من العام
    الماضي`, `السنة القادمة`, `1440هـ`. Returns a node with the year fields only."""
    j = i + 1 if s.text(i) in _PUNCT_BEFORE_YEAR else i
    link = s.match(j, "year_links")
    for start, linked in ((link.end, True), (j, False)) if link is not None else ((j, False),):
        found = year_number(s, start, linked=linked)
        if found is not None:
            end, year, cal = found
            return end, DateNode(calendar=cal or "", year=year)
    k = j + 1 if s.text(j) == "من" else j
    rel = relative_offset(s, k, "year")
    if rel is not None:
        return rel[0], DateNode(year_offset=rel[1])
    return None


def year_expression(s: Stream, i: int) -> Parsed | None:
    """A year on its own: عام 2011, العام 2014, في 2011 (the في not included),
    2019م, 1440هـ, العام الماضي, هذه السنة, عامي 2011 و2014."""
    dual = _year_pair(s, i)
    if dual is not None:
        return dual
    link = s.match(i, "year_words")
    if link is not None:
        found = year_number(s, link.end, linked=True)
        if found is not None:
            return found[0], _year_node(found[1], found[2])
    rel = relative_offset(s, i, "year")
    if rel is not None:
        written = year_number(s, rel[0], linked=True) if rel[1] == 0 else None
        if written is not None:  # العام الحالي 2015: the year is written out too
            return written[0], _year_node(written[1], written[2])
        return rel[0], DateNode(year_offset=rel[1])
    found = year_number(s, i, linked=False)
    if found is None or (found[2] is None and not s.ends_at(i - 1, "year_prepositions")):
        return None
    return found[0], _year_node(found[1], found[2])


def _year_node(year: int, cal: str | None) -> DateNode:
    return DateNode(calendar=cal or "gregorian", year=year)


def _year_pair(s: Stream, i: int) -> Parsed | None:
    """عامي 2011 و2014: both years as one range."""
    if not s.is_word(i, "year_dual"):
        return None
    first = year_number(s, i + 1, linked=True)
    if first is None or s.text(first[0]) != "و":
        return None
    second = year_number(s, first[0] + 1, linked=True)
    if second is None:
        return None
    return second[0], RangeNode(_year_node(first[1], first[2]), _year_node(second[1], second[2]))


# ---------------------------------------------------------------- months
def _named_month(s: Stream, i: int) -> tuple[int, str, int, str | None] | None:
    """A month name at `i`: (end, calendar, month, ambiguity class or None)."""
    best: tuple[int, str, int, str | None] | None = None
    for cal, table in (("gregorian", "gregorian_months"), ("hijri", "hijri_months")):
        hit = s.match(i, table)
        if hit is not None and (best is None or hit.end > best[0]):
            amb = s.match(i, "ambiguous_months")
            ambiguity = amb.value if amb is not None and amb.end == hit.end else None
            best = (hit.end, cal, int(hit.value), ambiguity)
    return best


def month_ref(s: Stream, i: int, *, strong: bool) -> Parsed | None:
    """A month: a name in any regional variant (with شهر, a qualifier or a year
    after it), شهر 3, الشهر التاسع, الشهر الماضي, هذا الشهر.

    `strong` says the caller already has date context (a day before it), which
    lets ambiguous names (نيسان, مارس) and ordinal months count.
    """
    word = s.match(i, "month_word")
    j = word.end if word is not None else i
    named = _named_month(s, j)
    if named is not None:
        return _finish_named_month(s, i, named, has_word=word is not None, strong=strong)
    if word is not None:
        by_number = _month_by_number(s, j, definite=s.text(word.end - 1).startswith("ال"),
                                     strong=strong)
        if by_number is not None:
            return by_number
    rel = relative_offset(s, i, "month")
    if rel is not None:
        return rel[0], DateNode(month_offset=rel[1])
    return None


def _second_name(s: Stream, end: int, cal: str, month: int) -> int:
    """Skip the same month named again in another variant, as agencies write it:
    تموز/يوليو, أبريل نيسان, أكتوبر/ تشرين الأول."""
    start = end + 1 if s.text(end) in ("/", "-", "(") else end
    other = _named_month(s, start)
    if other is None or other[1:3] != (cal, month):
        return end
    return other[0] + 1 if s.text(other[0]) == ")" else other[0]


def _finish_named_month(
    s: Stream, i: int, named: tuple[int, str, int, str | None], *, has_word: bool, strong: bool
) -> Parsed | None:
    end, cal, month, ambiguity = named
    paired = _second_name(s, end, cal, month)
    if paired > end:
        end, ambiguity = paired, None
    node = DateNode(calendar=cal, month=month)
    mode = qualifier(s, end)
    if mode is not None:
        end, node = mode[0], node.with_fields(mode=mode[1])
    year = None if mode is not None else year_suffix(s, end)
    sure = has_word or strong or mode is not None or year is not None
    if not (has_word or strong) and s.num(i - 1) is not None:
        return None  # the number before it was not taken as a day (قوى 8 آذار)
    if ambiguity == "strong" and not sure:
        return None
    if ambiguity == "weak" and not (sure or s.ends_at(i - 1, "month_prepositions")):
        return None
    if year is None:
        return end, node
    return year[0], _with_year(node, year[1])


def _with_year(node: DateNode, year: DateNode) -> Node:
    """Attach a year to a month or day; a Hijri month with a Gregorian year
    (رمضان 2019) becomes the occurrence that starts in that year."""
    if year.year_offset is not None:
        return node.with_fields(year_offset=year.year_offset)
    assert year.year is not None
    year_cal = year.calendar or (
        "gregorian" if year.year >= GREGORIAN_YEAR_FLOOR else node.calendar)
    if node.calendar == "hijri" and year_cal == "gregorian":
        assert node.month is not None
        return HolidayRef(Holiday("hijri", node.month, node.day), year.year, "gregorian")
    if node.calendar == "gregorian" and year_cal == "hijri":
        return node.with_fields(calendar="hijri", year=year.year)
    return node.with_fields(year=year.year)


def _month_by_number(s: Stream, j: int, *, definite: bool, strong: bool) -> Parsed | None:
    """شهر 3, شهر ثلاثة (indefinite), الشهر التاسع (definite, needs date context)."""
    if definite:
        found = ordinal(s, j)
    else:
        found = cardinal(s, j)
        if found is not None and s.num(j) is None and found[1] < 2:
            return None  # شهر واحد is a duration
    if found is None or not 1 <= found[1] <= 12:
        return None
    end, month = found
    node = DateNode(month=month)
    year = year_suffix(s, end)
    if definite and not strong and year is None:
        return None
    return (end, node) if year is None else (year[0], _with_year(node, year[1]))


# ---------------------------------------------------------------- days
def day_number(s: Stream, i: int) -> tuple[int, int | None, Part | None] | None:
    """The day before a month: 16, السادس عشر, أول, اليوم الثالث, ثالث يوم,
    آخر يوم, اليوم الأخير -> (end, day or None, "last" or None)."""
    value = _clean_number(s, i)
    if value is not None:
        if 1 <= value <= 31 and len(s.text(i)) <= 2 and not s.ends_at(i - 1, "number_blockers"):
            return i + 1, value, None
        return None
    if s.plain(i, "last_words") and s.is_word(i + 1, "day_word"):
        return i + 2, None, "last"
    if s.text(i) == "اليوم":
        if s.plain(i + 1, "last_words"):
            return i + 2, None, "last"
        found = ordinal(s, i + 1)
        return None if found is None else (found[0], found[1], None)
    found = ordinal(s, i)
    if found is None:
        return None
    if s.text(found[0]) == "يوم":
        return found[0] + 1, found[1], None
    return found[0], found[1], None


def day_month(s: Stream, i: int) -> Parsed | None:
    """A day of a month: 16 أبريل, 18 من أبريل الماضي, الرابع من نيسان, 14 شهر
    شباط, اليوم الأول من شهر ثلاثة, آخر يوم بشهر عشرة سنة 2015."""
    day = day_number(s, i)
    if day is None:
        return None
    j = day[0]
    month = month_ref(s, j, strong=True)
    if month is None and s.text(j) in ("من", "في"):
        month = month_ref(s, j + 1, strong=True)
    if month is None and s.text(j) == "ب":
        month = month_ref(s, j + 1, strong=True)
    if month is None:
        return None
    end, node = month
    if day[1] is not None and not 1 <= day[1] <= 31:
        return None
    if isinstance(node, HolidayRef):
        holiday = Holiday("hijri", node.holiday.month, day[1])
        return end, HolidayRef(holiday, node.year, node.year_calendar)
    if not isinstance(node, DateNode):
        return None
    node = node.with_fields(day=day[1]) if day[1] is not None else node.with_fields(part=day[2])
    if node.relative and s.ends_at(i - 1, "name_heads"):
        return None  # ثورة 25 يناير, شارع 26 يوليو: a name, not a date
    return end, node


def month_day_year(s: Stream, i: int) -> Parsed | None:
    """Month before day, with a year: أبريل 16، 2019."""
    month = month_ref(s, i, strong=False)
    if month is None or not isinstance(month[1], DateNode) or month[1].month is None:
        return None
    node = month[1]
    if node.year is not None or node.mode != "bare":
        return None
    day = _clean_number(s, month[0])
    if day is None or not 1 <= day <= 31:
        return None
    year = year_suffix(s, month[0] + 1)
    if year is None or year[1].year is None:
        return None
    return year[0], node.with_fields(day=day, year=year[1].year)


# ---------------------------------------------------------------- numeric dates
def _numeric_parts(s: Stream, i: int) -> tuple[int, list[str], str] | None:
    """Digit groups joined by one kind of separator: 2019/04/16 -> ['2019','04','16'].

    Separators are glued to the digits, except in day / month / four-digit year
    (11/ 6 / 1436), which Saudi papers print with spaces."""
    if s.num(i) is None or s.ends_at(i - 1, "number_blockers"):
        return None
    if i > 0 and s.glued(i - 1) and (s.num(i - 1) is not None or s.text(i - 1) in "/-.:"):
        return None
    parts, j, sep, spaced = [s.text(i)], i, "", False
    while s.text(j + 1) in _NUMERIC_SEPARATORS and s.num(j + 2) is not None and len(parts) < 3:
        if sep and s.text(j + 1) != sep:
            break
        spaced = spaced or not (s.glued(j) and s.glued(j + 1))
        sep = s.text(j + 1)
        parts.append(s.text(j + 2))
        j += 2
    if len(parts) < 2 or (s.glued(j) and s.text(j + 1) in "/-.:" and s.num(j + 2) is not None):
        return None
    if spaced and (len(parts) != 3 or sep != "/" or len(parts[2]) != 4):
        return None
    return j + 1, parts, sep


def numeric_date(s: Stream, i: int, *, allow_day_month: bool) -> Parsed | None:
    """16-4-2019, 2019/04/16, 14-09-1432 هـ, 30-02-33 (Hijri with that option),
    2/2013 (a month), and 21/09 (only after a weekday: `allow_day_month`)."""
    found = _numeric_parts(s, i)
    if found is None:
        return None
    end, parts, sep = found
    marker_end, cal = _year_marker(s, end)
    numbers = [int(p) for p in parts]
    if len(parts) == 2 and sep == "-" and all(len(p) == 4 for p in parts):
        return _year_span(numbers, end)
    if len(parts) == 2:
        return _two_part_date(parts, numbers, marker_end, cal, allow_day_month)
    if len(parts[0]) == 4:
        year, month, day = numbers
    else:
        day, month, year = numbers
        if month > 12 and day <= 12:
            day, month = month, day
    if len(parts[2 if len(parts[0]) != 4 else 0]) == 2:
        year, cal = _two_digit_year(year, cal or s.numeric_calendar)
    elif len(parts[2 if len(parts[0]) != 4 else 0]) != 4:
        return None
    cal = cal or ("hijri" if year in HIJRI_NUMERIC_YEARS else "gregorian")
    node = DateNode(calendar=cal, year=year, month=month, day=day)
    return (marker_end, node) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _year_span(numbers: list[int], end: int) -> Parsed | None:
    """2011-2014: a range of years."""
    first, last = numbers
    if first in BARE_YEAR_RANGE and last in BARE_YEAR_RANGE and first < last:
        return end, RangeNode(_year_node(first, None), _year_node(last, None))
    return None


def _two_part_date(
    parts: list[str], numbers: list[int], end: int, cal: str | None, allow_day_month: bool
) -> Parsed | None:
    first, second = numbers
    if len(parts[1]) == 4 and 1 <= first <= 12 and len(parts[0]) <= 2:
        year_cal = cal or ("hijri" if second in HIJRI_NUMERIC_YEARS else "gregorian")
        return end, DateNode(calendar=year_cal, year=second, month=first)
    if allow_day_month and len(parts[1]) <= 2 and 1 <= first <= 31 and 1 <= second <= 12:
        return end, DateNode(month=second, day=first)
    return None


def _two_digit_year(year: int, cal: str) -> tuple[int, str]:
    """Century of a two-digit year: Hijri 33 -> 1433, 90 -> 1390; Gregorian
    19 -> 2019, 75 -> 1975 (pivot 50)."""
    if cal == "hijri":
        return (1400 + year if year < 60 else 1300 + year), "hijri"
    return (2000 + year if year < 50 else 1900 + year), "gregorian"


# ---------------------------------------------------------------- parts, decades, holidays
def decade(s: Stream, i: int) -> tuple[int, int] | None:
    """الثمانينيات [من القرن الماضي] -> (end, 1980); bare decades are 20th-century."""
    hit = s.match(i, "decades")
    if hit is None:
        return None
    start, end = int(hit.value), hit.end
    j = end + 1 if s.text(end) in ("من", "في") else end
    century = s.match(j, "centuries")
    if century is not None:
        return century.end, int(century.value) + start % 100
    return end, start


def part_of(s: Stream, i: int) -> Parsed | None:
    """أوائل / منتصف / أواخر / بداية / نهاية / أول / آخر + a month, year or decade."""
    hit = s.match(i, "parts")
    if hit is None:
        return None
    j, part = hit.end, cast(Part, hit.value)
    if s.ends_at(i, "halves_need_month_word") and not s.is_word(j, "month_word"):
        return None
    found_decade = decade(s, j)
    if found_decade is not None:
        return found_decade[0], Decade(found_decade[1], part=part)
    week = relative_offset(s, j, "week")
    if week is not None:
        return week[0], Run("week", week[1])  # مطلع الأسبوع المقبل: that week
    target = _part_target(s, j)
    if target is None:
        return None
    end, node = target
    return end, node.with_fields(part=part)


_FRACTIONS = {"quarter": 4, "half": 2, "third": 3}


def fraction_of_year(s: Stream, i: int) -> Parsed | None:
    """الربع الأول من العام الجاري, النصف الثاني من 2018, الربع الأخير من العام."""
    hit = s.match(i, "quarters")
    if hit is None:
        return None
    parts = _FRACTIONS[hit.value]
    count = (hit.end + 1, parts) if s.plain(hit.end, "last_words") else ordinal(s, hit.end)
    if count is None or not 1 <= count[1] <= parts:
        return None
    j = count[0] + 1 if s.text(count[0]) in ("من", "ل") else count[0]
    target = _part_target(s, j)
    if target is None or target[1].month is not None or target[1].month_offset is not None:
        return None
    months = 12 // parts
    first = target[1].with_fields(month=(count[1] - 1) * months + 1, part=None)
    return target[0], RangeNode(first, first.with_fields(month=count[1] * months))


def _part_target(s: Stream, j: int) -> DateParsed | None:
    month = month_ref(s, j, strong=True)
    if month is not None and isinstance(month[1], DateNode):
        return month[0], month[1]
    year = year_expression(s, j)
    if year is None and s.ends_at(j, "year_words") and s.text(j).startswith("ال"):
        return j + 1, DateNode(year_offset=0)  # نهاية العام: this year
    if year is None and s.text(j) == "الشهر":
        return j + 1, DateNode(month_offset=0)
    if year is None:
        found = year_number(s, j, linked=True)
        return None if found is None else (found[0], _year_node(found[1], found[2]))
    return (year[0], year[1]) if isinstance(year[1], DateNode) else None


def holiday(s: Stream, i: int) -> Parsed | None:
    """عيد الفطر, عيد الأضحى 2013, رأس السنة الهجرية 2019, كريسماس 2014, رمضان الماضي."""
    hit = s.match(i, "holidays")
    if hit is None:
        return None
    found = s.lex.holidays[hit.value]
    mode = qualifier(s, hit.end)
    if mode is not None:
        return mode[0], HolidayRef(found, mode=mode[1])
    year = year_number(s, hit.end, linked=True)
    if year is None:
        return hit.end, HolidayRef(found)
    end, number, cal = year
    if cal is None:
        hijri = found.calendar == "hijri" and number < GREGORIAN_YEAR_FLOOR
        cal = "hijri" if hijri else "gregorian"
    return end, HolidayRef(found, number, cal)
