"""Counted quantities: the seeds' death tolls are found with their qualifiers."""

from __future__ import annotations

from pathlib import Path

from marsad.claims.quantities import find_quantities
from marsad.pipeline import clean_inputs
from marsad.records import Article, Span


def _quantities(seeds_dir: Path) -> dict[str, list[tuple[int, str | None, str]]]:
    found: dict[str, list[tuple[int, str | None, str]]] = {}
    for article in clean_inputs([str(seeds_dir)]):
        assert isinstance(article, Article)
        rows = found.setdefault(Path(article.origin.path).name[:3], [])
        for sentence in article.sentences:
            for q in find_quantities(sentence):
                assert article.text[q.start : q.end] == q.text
                rows.append((q.value, q.qualifier, q.category))
    return found


def test_death_tolls_of_the_seeds(seeds_dir: Path) -> None:
    found = _quantities(seeds_dir)
    assert (200, "more_than", "killed") in found["000"]
    assert (7, "at_least", "killed") in found["001"]
    assert (2, None, "killed") in found["001"]  # "طفلين قتلا"
    assert (2000, "at_least", "took part") in found["001"]  # "ألفا شخص على الأقل" protested
    assert (1000, "more_than", "killed") in found["002"]
    assert found["003"] == [] and found["004"] == []


def test_years_and_bare_numbers_are_not_quantities() -> None:
    text = "عاد في عام 2011 بعد الانتفاضة وقضى نحو 20 عاما في فرجينيا وأصيب 3 جنود."
    found = find_quantities(Span(0, len(text), text))
    assert [(q.value, q.category, q.text) for q in found] == [(3, "injured", "3 جنود")]
