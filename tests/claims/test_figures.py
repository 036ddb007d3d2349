"""Figures on real material: background tolls, growing tolls, counts that fall, English and Arabic counts."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from marsad.claims.extract import claims_of
from marsad.claims.figures import figure_conflicts, figure_series, figures_of
from marsad.claims.quantities import Quantity, clash, compatible, differ, find_quantities
from marsad.claims.quotes import find_statements
from marsad.dates.timeline import article_timeline
from marsad.pipeline import clean_inputs
from marsad.records import Article, Span

DATA = Path(__file__).resolve().parent / "data"


def _ant_article(ant: Path, article_id: str, scratch: Path) -> Article:
    with gzip.open(ant, "rt", encoding="utf-8") as handle:
        record = next(json.loads(line) for line in handle if f'"id": "{article_id}"' in line)
    path = scratch / "record.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    article = next(a for a in clean_inputs([str(path)]) if isinstance(a, Article))
    return article


@pytest.fixture(scope="module")
def nine_eleven(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Article:
    # BBC Arabic, 2018-10-11, on the Khashoggi affair: "... هذه الهجمات التي أسفرت عن مقتل 3 آلاف شخص"
    return _ant_article(shared_data / "corpora" / "ant-2018.jsonl.gz", "BB-middleEast-1085-20181011",
                        tmp_path_factory.mktemp("ant"))


def test_regression_the_9_11_toll_quoted_as_background_was_a_figure_of_the_story(nine_eleven: Article) -> None:
    # issue 13: a brief listed "killed, 2018-10-11: 3000", the 9/11 toll quoted as background
    claims = claims_of(nine_eleven, find_statements(nine_eleven), article_timeline(nine_eleven))
    figures = figures_of(claims)
    toll = [f for f in figures if f.quantity.value == 3000]
    assert toll and all(f.background for f in toll)
    assert 3000 not in [f.quantity.value for points in figure_series(figures).values() for f in points]


def _span(text: str) -> list[Quantity]:
    return find_quantities(Span(0, len(text), text))


def test_regression_at_least_seven_killed_supported_more_than_two_hundred() -> None:
    # issue 13: with an English Reuters text added, "At least 7 people had been killed" counted as
    # supporting "أكثر من 200 شخص قتلوا"
    english = _span("At least seven people had been killed by Tuesday")
    arabic = _span("أكثر من 200 شخص قتلوا منذ بدء القتال قبل ثلاثة أسابيع")
    assert [(q.value, q.qualifier, q.category) for q in english] == [(7, "at_least", "killed")]
    assert differ(english, arabic) and not clash(english, arabic)  # compatible bounds, two reports
    seven = _span("وقتل سبعة أشخاص على الأقل حتى يوم الثلاثاء")
    assert compatible(english, seven) and not differ(english, seven)


def test_counts_open_ended_what_is_counted() -> None:
    found = _span("تبرعت الإمارات بـ5 ملايين دولار ووصلت 12 قافلة مساعدات بينما بلغت نسبة المشاركة 44.7 بالمئة")
    assert [(q.value, q.category) for q in found] == [(5_000_000, "دولار"), (12, found[1].category), (45, "percent")]
    assert found[1].text == "12 قافلة"
    assert [(q.value, q.qualifier, q.category) for q in _span("ارتفع عدد الشهداء إلى 58 والجرحى إلى 2771")] == [
        (58, None, "killed"), (2771, None, "injured")]
    assert [(q.value, q.qualifier) for q in _span("قتل عشرات الآلاف من المدنيين")] == [(10_000, "more_than")]


def test_a_count_that_falls_is_a_conflict_and_a_rising_one_a_series(tmp_path: Path) -> None:
    texts = {
        "a": ("2018-05-14T20:00:00+00:00", "وقالت وزارة الصحة إن عدد الجرحى ارتفع إلى 2771 جريحا في غزة."),
        "b": ("2018-05-15T07:00:00+00:00", "وقال الناطق باسم وزارة الصحة إن 2271 مصابا أصيبوا في غزة يوم الاثنين."),
        "c": ("2018-05-14T10:00:00+00:00", "وأعلنت مصادر طبية إصابة 600 آخرين بجروح في غزة."),
    }
    claims = []
    for name, (published, text) in texts.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(f"عنوان {name}\n\n{text}\n", encoding="utf-8")
        article = next(a for a in clean_inputs([str(path)]) if isinstance(a, Article))
        article.published = published
        claims += [c for c in claims_of(article, find_statements(article), article_timeline(article))
                   if c.quantities]
    figures = figures_of(claims)
    conflicts = figure_conflicts(figures, {})
    assert [(c.part.text if c.part else None, c.against_part.text if c.against_part else None)
            for c in conflicts] == [("2271 مصابا", "2771 جريحا")]
    assert conflicts[0].on == "count"
    assert [f.quantity.value for f in figure_series(figures)["injured"]] == [600, 2771, 2271]
