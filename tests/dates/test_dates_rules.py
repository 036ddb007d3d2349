"""Rules of the finder, one behaviour per test: orientation, regional month
names, Hijri, numeric dates, parts of periods, spans, offsets, and the words
that must not be taken for dates."""

from __future__ import annotations

import datetime
import itertools
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.dates import DateOptions, TimeExpression, find_time_expressions

D = datetime.date
FRIDAY = D(2019, 4, 19)
WEDNESDAY = D(2019, 6, 5)


FUTURE = DateOptions(orientation="future")


def one(
    text: str, published: D | None = FRIDAY, options: DateOptions | None = None
) -> TimeExpression:
    """The single expression found in `text`."""
    found = find_time_expressions(text, published, options)
    assert len(found) == 1, [(e.text, e.value) for e in found]
    return found[0]


def values(text: str, published: D | None = FRIDAY) -> list[tuple[str, D | None]]:
    return [(e.text, e.value) for e in find_time_expressions(text, published)]


# ---------------------------------------------------------------- weekdays
@pytest.mark.parametrize(("text", "expected"), [
    ("قال يوم الجمعة", D(2019, 4, 19)),  # the publication day itself
    ("قال يوم الاثنين", D(2019, 4, 15)),
    ("قال السبت", D(2019, 4, 13)),
    ("الجمعة الماضية", D(2019, 4, 12)),  # الماضي: strictly before
    ("الخميس الماضي", D(2019, 4, 18)),
    ("الجمعة المقبلة", D(2019, 4, 26)),  # المقبل: strictly after
    ("الاثنين القادم", D(2019, 4, 22)),
    ("الأحد من الأسبوع الماضي", D(2019, 4, 14)),  # ISO weeks, Monday first
])
def test_weekdays_in_news(text: str, expected: D) -> None:
    assert one(text).value == expected


def test_future_orientation_takes_the_next_weekday() -> None:
    assert one("يوم الجمعة", options=FUTURE).value == D(2019, 4, 26)
    assert one("يوم الاثنين", options=FUTURE).value == D(2019, 4, 22)


def test_a_future_verb_before_a_weekday_makes_it_upcoming() -> None:
    assert one("سيغادر المستشفى صباح الخميس", D(2018, 2, 14)).value == D(2018, 2, 15)
    assert one("غادر المستشفى صباح الخميس", D(2018, 2, 14)).value == D(2018, 2, 8)
    assert one("سياسة الحكومة الخميس", D(2018, 2, 14)).value == D(2018, 2, 8)  # a noun, not سـ


def test_a_name_like_a_future_verb_is_no_cue() -> None:
    assert one("الانخفاض في وول ستريت الإثنين", D(2018, 2, 7)).value == D(2018, 2, 5)


def test_relative_day_with_its_weekday_is_one_expression() -> None:
    expression = one("اعتبرت موسكو اليوم الأربعاء أن", WEDNESDAY)
    assert (expression.text, expression.value) == ("اليوم الأربعاء", WEDNESDAY)
    assert one("أمس الثلاثاء", WEDNESDAY).value == D(2019, 6, 4)


# ---------------------------------------------------------------- relative days and spans
@pytest.mark.parametrize(("text", "expected"), [
    ("أمس", D(2019, 4, 18)),
    ("غداً", D(2019, 4, 20)),
    ("أول أمس", D(2019, 4, 17)),
    ("بعد غد", D(2019, 4, 21)),
    ("منذ يومين", D(2019, 4, 17)),
    ("منذ 3 أيام", D(2019, 4, 16)),
    ("قبل أسبوعين", D(2019, 4, 5)),
])
def test_relative_days(text: str, expected: D) -> None:
    assert one(text).value == expected


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("الأسبوع الماضي", D(2019, 4, 8), D(2019, 4, 14), "week"),
    ("الشهر الماضي", D(2019, 3, 1), D(2019, 3, 31), "month"),
    ("العام الماضي", D(2018, 1, 1), D(2018, 12, 31), "year"),
    ("العام المقبل", D(2020, 1, 1), D(2020, 12, 31), "year"),
    ("خلال الأيام القادمة", D(2019, 4, 20), D(2019, 4, 26), "week"),
    ("الأيام الثلاثة الماضية", D(2019, 4, 16), D(2019, 4, 18), "day"),
    ("أوائل الشهر", D(2019, 4, 1), D(2019, 4, 10), "day"),
    ("نهاية الشهر الجاري", D(2019, 4, 21), D(2019, 4, 30), "day"),
    ("بداية العام", D(2019, 1, 1), D(2019, 4, 30), "month"),
    ("الربع الأول من العام الجاري", D(2019, 1, 1), D(2019, 3, 31), "month"),
    ("النصف الثاني من العام الماضي", D(2018, 7, 1), D(2018, 12, 31), "month"),
    ("مطلع الأسبوع المقبل", D(2019, 4, 22), D(2019, 4, 28), "week"),
])
def test_periods(text: str, start: D, end: D, precision: str) -> None:
    expression = one(text)
    assert (expression.value, expression.end_value, expression.precision) == (start, end, precision)


def test_colloquial_ago_only_where_it_ends_the_duration() -> None:
    assert one("من اسبوع").value == D(2019, 4, 12)
    assert one("بل من 7 سنوات تقريباً").value == D(2012, 4, 19)


def test_within_looks_back_in_news_and_forward_after_a_future_verb() -> None:
    assert one("قتل 28 شخصا خلال أسبوع").value == D(2019, 4, 13)
    forward = one("ستتشكل الحكومة خلال أسبوعين")
    assert (forward.value, forward.end_value) == (FRIDAY, D(2019, 5, 2))


# ---------------------------------------------------------------- dates and months
@pytest.mark.parametrize(("text", "expected"), [
    ("16 أبريل 2019", D(2019, 4, 16)),
    ("16 ابريل 2019", D(2019, 4, 16)),
    ("2019/04/16", D(2019, 4, 16)),
    ("16-4-2019", D(2019, 4, 16)),
    ("١٦ أبريل ٢٠١٩", D(2019, 4, 16)),
    ("16 نيسان 2019", D(2019, 4, 16)),
    ("16 أفريل 2019", D(2019, 4, 16)),
    ("3 جويلية 2019", D(2019, 7, 3)),
    ("5 أوت 2019", D(2019, 8, 5)),
    ("2 جوان 2019", D(2019, 6, 2)),
    ("2 يونيه 2019", D(2019, 6, 2)),
    ("9 تشرين الثاني 2019", D(2019, 11, 9)),
    ("9 كانون الثاني 2019", D(2019, 1, 9)),
    ("15 تموز/يوليو 2016", D(2016, 7, 15)),  # the agency style: both names
    ("10 رمضان 1440هـ", D(2019, 5, 15)),
    ("1 شوال 1440 هـ", D(2019, 6, 4)),
    ("11/ 6 / 1436", D(2015, 3, 31)),  # Hijri by its year, spaced as Saudi papers print it
    ("April 19, 2019", D(2019, 4, 19)),  # Latin script: dateparser
])
def test_absolute_dates(text: str, expected: D) -> None:
    expression = one(text)
    assert (expression.value, expression.relative) == (expected, False)


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("16 أبريل", FRIDAY, D(2019, 4, 16)),
    ("في يناير", D(2019, 11, 20), D(2020, 1, 1)),  # within 3 months ahead
    ("في أبريل", D(2019, 11, 15), D(2019, 4, 1)),  # within 8 months back
    ("28 ديسمبر", D(2019, 1, 3), D(2018, 12, 28)),
    ("أبريل الماضي", FRIDAY, D(2018, 4, 1)),  # the current month is not 'past'
    ("يونيو المقبل", FRIDAY, D(2019, 6, 1)),
    ("4 أبريل الحالي", FRIDAY, D(2019, 4, 4)),
    ("مارس من العام الماضي", FRIDAY, D(2018, 3, 1)),
    ("يوم 23 إبريل", FRIDAY, D(2019, 4, 23)),
    ("الخميس 15 أغسطس", FRIDAY, D(2019, 8, 15)),  # the year whose 15 August is a Thursday
])
def test_yearless_dates(text: str, published: D, expected: D) -> None:
    expression = one(text, published)
    assert (expression.value, expression.relative) == (expected, True)


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("عام 2011", D(2011, 1, 1), D(2011, 12, 31), "year"),
    ("في 2011", D(2011, 1, 1), D(2011, 12, 31), "year"),
    ("العام 2014", D(2014, 1, 1), D(2014, 12, 31), "year"),
    ("عام 1440هـ", D(2018, 9, 11), D(2019, 8, 30), "year"),
    ("الثمانينيات", D(1980, 1, 1), D(1989, 12, 31), "decade"),
    ("أواخر التسعينيات", D(1997, 1, 1), D(1999, 12, 31), "year"),
    ("بين عامي 2011 و2014", D(2011, 1, 1), D(2014, 12, 31), "year"),
    ("العام الحالي 2015", D(2015, 1, 1), D(2015, 12, 31), "year"),
    ("في 2011-2014", D(2011, 1, 1), D(2014, 12, 31), "year"),
    ("بين آب/أغسطس وتشرين الأول/أكتوبر 2015", D(2015, 8, 1), D(2015, 10, 31), "month"),
    ("رمضان 2019", D(2019, 5, 6), D(2019, 6, 3), "month"),
    ("من 13 الى 15 تموز 2013", D(2013, 7, 13), D(2013, 7, 15), "day"),
])
def test_years_decades_and_ranges(text: str, start: D, end: D, precision: str) -> None:
    expression = one(text)
    assert (expression.value, expression.end_value, expression.precision) == (start, end, precision)


def test_numeric_two_digit_hijri_year_needs_the_option() -> None:
    assert one("30-02-33", None, DateOptions(numeric_calendar="hijri")).value == D(2012, 1, 24)
    assert values("30-02-33", None) == []  # no 30 February


# ---------------------------------------------------------------- not dates
@pytest.mark.parametrize("text", [
    "يمارس الضغط على الحكومة",
    "مارس ضغوطا كبيرة",  # the verb, not March
    "تمارس نفوذا على الطرفين",
    "لاعب ريال مدريد مارسيلو",
    "قال بيسكايار إن",  # أيار inside another word
    "قتل 200 شخص",
    "قتل 2011 شخصا",
    "كأس العرب 2025 في قطر",
    "القانون رقم 2/2013",
    "قضى نحو 20 عاما في فرجينيا",
    "لأكثر من أسبوع",
    "بعد أسبوعين من بدء هجوم",
    "قبل ثلاثة أسابيع من الانتخابات",
    "قال آلان جونستون",  # the name Alan, folded like الآن
    "قناة روسيا اليوم",
    "في نفس اليوم",
    "اليوم الوطني",
    "كلا الاثنين",
    "في يوم واحد من القتال",
    "شركة نيسان للسيارات",
    "قال حميد شباط",
    "رجب طيب أردوغان",
    "سجل صفر أهداف",
    "ثورة 25 يناير",
    "قوى 8 آذار",
    "يحتاج 2000 سعر حراري في اليوم",
    "الرابعة",
    "فاز 2:1",
    "يستمتع بكرة القدم",  # ب + كرة, not بكرة (tomorrow)
    "من دور الاثنين والثلاثين",  # the number 32
    "شكلت نوعا من شهر عسل",
    "للانتقام من خمسة أشهر مهدورة",
    "في الأيام الأخيرة من المفاوضات",
    "وتبلغ مساحتها (75960م2)",  # square metres
])
def test_not_a_date(text: str) -> None:
    assert values(text) == []


# ---------------------------------------------------------------- spans and offsets
def test_spans_leave_out_prepositions_and_glued_conjunctions() -> None:
    text = "والخميس الماضي، وفي 18 من أبريل الماضي"
    found = find_time_expressions(text, WEDNESDAY)
    assert [e.text for e in found] == ["الخميس الماضي", "18 من أبريل الماضي"]
    assert [(e.start, e.end) for e in found] == [(1, 14), (20, 38)]


def test_spans_keep_diacritics_and_tatweel() -> None:
    text = "يصل غداً إلى الرياض في 10 رمضان 1440هـ"
    found = find_time_expressions(text, FRIDAY)
    assert [e.text for e in found] == ["غداً", "10 رمضان 1440هـ"]


def test_without_publication_date_relative_values_are_none() -> None:
    found = find_time_expressions("وصل يوم الاثنين الماضي قادما من عام 2011", None)
    assert [(e.text, e.value, e.relative) for e in found] == [
        ("يوم الاثنين الماضي", None, True), ("عام 2011", D(2011, 1, 1), False)]


_PIECES = ["يوم الاثنين", "الماضي", "16 أبريل", "١٦", "غداً", "عام 2011", "قبل ثلاثة أسابيع",
           "و", "في", "،", " ", "\u064e", "ـ", "مارس", "الساعة 3", "2019/04/16", "هـ", "Close"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_offsets_always_slice_the_original(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = find_time_expressions(text, FRIDAY)
    for expression in found:
        assert text[expression.start:expression.end] == expression.text
        assert expression.text.strip() == expression.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_importing_loads_no_lexicon() -> None:
    code = ("import marsad.dates, marsad.dates.lexicon as l; "
            "print(l.load_lexicon.cache_info().currsize)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "0"
