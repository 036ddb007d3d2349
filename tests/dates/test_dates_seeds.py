"""The seed articles: known expressions resolve to the right day, and every
expression found in all five seeds slices the original text exactly."""

from __future__ import annotations

import datetime
import itertools
import json
from pathlib import Path

import pytest

from marsad.dates import TimeExpression, find_time_expressions

SEEDS = {
    "000": "000_b928a6f3f77b69de.txt",
    "001": "001_28f40a9148001f17.txt",
    "002": "002_c3eeed336fa56d7d.txt",
    "003": "003_c95239ccb0c98a4d.txt",
    "004": "004_b264c5653c34d88c.txt",
}

# (seed, phrase as written in the article, first day, precision, relative)
EXPECTED = [
    ("001", "يوم الاثنين", datetime.date(2019, 4, 15), "day", True),
    ("001", "يوم الجمعة", datetime.date(2019, 4, 19), "day", True),  # a Friday story: that Friday
    ("001", "يوم الثلاثاء", datetime.date(2019, 4, 16), "day", True),
    ("001", "يوم الخميس", datetime.date(2019, 4, 18), "day", True),
    ("001", "الثمانينيات", datetime.date(1980, 1, 1), "decade", False),
    ("003", "يوم الاثنين الماضي", datetime.date(2019, 4, 15), "day", True),
    ("003", "يوم 4 أبريل الحالي", datetime.date(2019, 4, 4), "day", True),
    ("003", "عام 2011", datetime.date(2011, 1, 1), "year", False),
    ("004", "16 أبريل الماضي", datetime.date(2019, 4, 16), "day", True),
    ("004", "منتصف يونيو الجاري", datetime.date(2019, 6, 15), "day", True),
    ("004", "15 يونيو الجاري", datetime.date(2019, 6, 15), "day", True),
    ("004", "في 18 من أبريل الماضي", datetime.date(2019, 4, 18), "day", True),
    ("004", "الخميس الماضي", datetime.date(2019, 5, 30), "day", True),
    ("004", "العام 2014", datetime.date(2014, 1, 1), "year", False),
    ("000", "قبل ثلاثة أسابيع", datetime.date(2019, 3, 30), "week", True),
    ("000", "يوم الخميس", datetime.date(2019, 4, 18), "day", True),
    ("000", "يوم الجمعة", datetime.date(2019, 4, 19), "day", True),
    ("000", "أثناء الاثنين", datetime.date(2019, 4, 15), "day", True),
    # 7 months before a November story: inside the news window
    ("002", "في أبريل", datetime.date(2019, 4, 1), "month", True),
    ("002", "منذ عام 2014", datetime.date(2014, 1, 1), "year", False),
]


def _article(seeds_dir: Path, seed: str) -> tuple[str, datetime.date]:
    meta = json.loads((seeds_dir / "meta.json").read_text("utf-8"))
    name = SEEDS[seed]
    text = (seeds_dir / name).read_text("utf-8")
    return text, datetime.date.fromisoformat(meta[name]["published"])


def _inside(phrase: str, text: str, found: list[TimeExpression]) -> list[TimeExpression]:
    """Expressions lying inside any occurrence of `phrase` in `text`."""
    spans, at = [], text.find(phrase)
    while at >= 0:
        spans.append((at, at + len(phrase)))
        at = text.find(phrase, at + 1)
    return [e for e in found if any(s <= e.start and e.end <= t for s, t in spans)]


@pytest.mark.parametrize(("seed", "phrase", "value", "precision", "relative"), EXPECTED)
def test_seed_expression(
    seeds_dir: Path, seed: str, phrase: str, value: datetime.date, precision: str, relative: bool
) -> None:
    text, published = _article(seeds_dir, seed)
    inside = _inside(phrase, text, find_time_expressions(text, published))
    assert inside, f"nothing found inside {phrase!r}"
    assert {(e.value, e.precision, e.relative) for e in inside} == {(value, precision, relative)}


@pytest.mark.parametrize(("seed", "surface"), [
    ("003", "يوم 4 أبريل الحالي"),
    ("003", "يوم الاثنين الماضي"),
    ("004", "منتصف يونيو الجاري"),
    ("004", "18 من أبريل الماضي"),  # في is a preposition, not part of the expression
    ("004", "الخميس الماضي"),  # والخميس: the glued و is left out
    ("000", "قبل ثلاثة أسابيع"),
    ("001", "2011"),
])
def test_seed_surface(seeds_dir: Path, seed: str, surface: str) -> None:
    text, published = _article(seeds_dir, seed)
    assert surface in [e.text for e in find_time_expressions(text, published)]


def test_mid_month_is_the_fifteenth_as_a_day(seeds_dir: Path) -> None:
    """منتصف يونيو الجاري: a point on the 15th (as Duckling's منتصف اذار), no interval."""
    text, published = _article(seeds_dir, "004")
    (mid,) = _inside("منتصف يونيو الجاري", text, find_time_expressions(text, published))
    assert mid.text == "منتصف يونيو الجاري"
    assert (mid.value, mid.end_value) == (datetime.date(2019, 6, 15), None)


def test_coming_days_is_the_next_week(seeds_dir: Path) -> None:
    text, published = _article(seeds_dir, "004")
    (coming,) = _inside("الأيام القادمة", text, find_time_expressions(text, published))
    assert coming.value == datetime.date(2019, 6, 6)
    assert coming.end_value == datetime.date(2019, 6, 12)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_offsets_slice_the_original(seeds_dir: Path, seed: str) -> None:
    text, published = _article(seeds_dir, seed)
    found = find_time_expressions(text, published)
    assert found
    for expression in found:
        assert text[expression.start:expression.end] == expression.text
        assert expression.text == expression.text.strip()
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_no_publication_date_keeps_absolute_values(seeds_dir: Path) -> None:
    text, published = _article(seeds_dir, "003")
    with_date = find_time_expressions(text, published)
    without = find_time_expressions(text, None)
    assert [(e.start, e.end) for e in without] == [(e.start, e.end) for e in with_date]
    for dated, undated in zip(with_date, without, strict=True):
        assert undated.value == (None if dated.relative else dated.value)


def test_seed_001_weekdays_are_all_in_the_publication_week(seeds_dir: Path) -> None:
    text, published = _article(seeds_dir, "001")
    days = [e for e in find_time_expressions(text, published) if e.text.startswith("يوم ال")]
    assert len(days) == 10
    week = {published - datetime.timedelta(days=n) for n in range(7)}
    assert {e.value for e in days} <= week
