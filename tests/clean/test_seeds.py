"""Boilerplate cleaning on the five real seed articles: every sentence kept, every noise line gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.clean.article import clean_document
from marsad.ingest.sources import read_inputs
from marsad.records import Article, RawDocument

# 1-based line numbers of each seed's lines that are not article text (read by hand).
BOILERPLATE_LINES = {
    "000_b928a6f3f77b69de.txt": {29},  # photo caption with AFP copyright
    "001_28f40a9148001f17.txt": {3, 4, 5, 6, 7, 8, 10, 44, 56, 57, 59, 61, 63, 65, 67, 69},
    "002_c3eeed336fa56d7d.txt": {1, 31, 33, 35, 37, 39},
    "003_c95239ccb0c98a4d.txt": {
        1, 2, 4, 6, 8, 9, 10, 11, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34,
        40, 41, 55, 57, 59, 61, 63, 65,
    },
    "004_b264c5653c34d88c.txt": {1, 6, 7, 30, 32},
}
TITLES = {
    "000_b928a6f3f77b69de.txt": None,
    "001_28f40a9148001f17.txt": "البيت الأبيض: ترامب تحدث هاتفيا مع حفتر يوم الاثنين",
    "002_c3eeed336fa56d7d.txt": "الولايات المتحدة تدعو حفتر لإنهاء هجومه على طرابلس",
    "003_c95239ccb0c98a4d.txt": "البيت الأبيض: ترامب تحادث مع حفتر حول جهود مكافحة الإرهاب",
    "004_b264c5653c34d88c.txt": (
        "عاجل الدعم الدولي الكبير للجيش الوطني الليبي بوابة تحرير طرابلس.. "
        "وتحضيرات للقاء مرتقب لـ”حفتر” مع “ترامب”،،اليكم التفاصيل"
    ),
}


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, tuple[RawDocument, Article]]:
    docs = [d for d in read_inputs([str(seeds_dir)]) if isinstance(d, RawDocument)]
    return {Path(d.origin.path).name: (d, clean_document(d)) for d in docs}


def _removed_line_numbers(doc: RawDocument, article: Article) -> set[int]:
    starts = [0] + [i + 1 for i, ch in enumerate(doc.text) if ch == "\n"]
    return {
        max(n for n, start in enumerate(starts, 1) if start <= removed.start)
        for removed in article.removed
    }


@pytest.mark.parametrize("name", sorted(BOILERPLATE_LINES))
def test_exactly_the_boilerplate_lines_are_removed(
    seeds: dict[str, tuple[RawDocument, Article]], name: str
) -> None:
    doc, article = seeds[name]
    assert _removed_line_numbers(doc, article) == BOILERPLATE_LINES[name]


@pytest.mark.parametrize("name", sorted(BOILERPLATE_LINES))
def test_every_other_line_is_kept_verbatim(
    seeds: dict[str, tuple[RawDocument, Article]], name: str
) -> None:
    doc, article = seeds[name]
    for number, line in enumerate(doc.text.split("\n"), 1):
        if line.strip() and number not in BOILERPLATE_LINES[name]:
            assert line.strip() in article.text, f"line {number} lost"


@pytest.mark.parametrize("name", sorted(TITLES))
def test_title_is_found_once(seeds: dict[str, tuple[RawDocument, Article]], name: str) -> None:
    _, article = seeds[name]
    assert article.title == TITLES[name]
    if article.title:
        assert article.text.startswith(article.title)
        assert article.text.count(article.title) == 1


def test_bylines_and_agencies_become_metadata(
    seeds: dict[str, tuple[RawDocument, Article]],
) -> None:
    _, reuters = seeds["001_28f40a9148001f17.txt"]
    assert reuters.author == "ستيف هولاند"
    assert reuters.agency == "Reuters"
    _, rt = seeds["003_c95239ccb0c98a4d.txt"]
    assert rt.agency == "Agencies"  # "المصدر: وكالات"


def test_removed_lines_keep_their_reason_and_source_offsets(
    seeds: dict[str, tuple[RawDocument, Article]],
) -> None:
    doc, article = seeds["001_28f40a9148001f17.txt"]
    rules = {r.rule for r in article.removed}
    assert {"share", "ad", "related", "duplicate", "byline", "agency"} <= rules
    for removed in article.removed:
        assert doc.text[removed.start : removed.end] == removed.text
        assert removed.reason


def test_paragraph_offsets_point_at_the_source(
    seeds: dict[str, tuple[RawDocument, Article]],
) -> None:
    for doc, article in seeds.values():
        for p in article.paragraphs:
            if p.source_start >= 0:
                assert doc.text[p.source_start : p.source_end] == article.text[p.start : p.end]


def test_subheadings_are_kept_as_subheadings(
    seeds: dict[str, tuple[RawDocument, Article]],
) -> None:
    _, article = seeds["004_b264c5653c34d88c.txt"]
    subheadings = [article.text[p.start : p.end] for p in article.paragraphs if p.kind == "subheading"]
    assert subheadings == ["تعاون عسكري", "الرابعة", "حفتر في واشنطن", "رفض"]


def test_sentences_do_not_split_at_arabic_commas(
    seeds: dict[str, tuple[RawDocument, Article]],
) -> None:
    _, article = seeds["003_c95239ccb0c98a4d.txt"]
    lead = "أفاد البيت الأبيض، يوم الجمعة، بأن الرئيس الأمريكي دونالد ترامب تحدث مع"
    assert any(s.text.startswith(lead) and s.text.endswith("الماضي.") for s in article.sentences)
    for s in article.sentences:
        assert article.text[s.start : s.end] == s.text
