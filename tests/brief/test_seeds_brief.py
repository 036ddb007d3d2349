"""The brief of the five seeds: the call, its date conflict, the single-source White House
meeting and the death-toll series, each with citations, and nothing the articles do not say."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.brief.build import build_brief
from marsad.brief.model import Brief, Citation
from marsad.brief.render import brief_html, brief_json, brief_markdown
from marsad.pipeline import clean_inputs
from marsad.records import Article
from marsad.understand.workers import understand_articles

REPO = Path(__file__).resolve().parents[2]
BLOG = "Blog republishing Al Bayan"


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> tuple[Brief, dict[str, Article]]:
    articles = [a for a in clean_inputs([str(seeds_dir)]) if isinstance(a, Article)]
    assert len(articles) == 5
    return build_brief(understand_articles(articles, workers=1)), {a.id: a for a in articles}


def seed(article: Article) -> str:
    return Path(article.origin.path).name[:3]


def seeds_of(citations: tuple[Citation, ...] | list[Citation], articles: dict[str, Article]) -> set[str]:
    return {seed(articles[c.article]) for c in citations}


def test_states_the_call_with_its_sources(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    calls = [p for p in brief.happened if "حفتر" in p.text and any(w in p.text for w in ("تحدث", "اتصال", "هاتف"))]
    assert calls, [p.text for p in brief.happened]
    assert {"000", "001", "003"} <= seeds_of(calls[0].citations, articles)
    assert len(calls[0].outlets) >= 3


def test_states_the_date_conflict_of_the_call(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    conflicts = [d for d in brief.differences if "2019-04-15" in d.reason and "2019-04-16" in d.reason]
    assert conflicts
    sides = seeds_of([conflicts[0].claim, conflicts[0].against], articles)
    assert "004" in sides and sides & {"000", "001", "003"}
    call_rows = [r for r in brief.matrix.rows if "contradicts" in r.cells]
    assert call_rows and call_rows[0].cells[brief.matrix.outlets.index(BLOG)] == "contradicts"


def test_the_white_house_meeting_rests_on_seed_004_alone(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    meetings = [p for p in brief.single_source if "لقاء" in p.text and "يونيو" in p.text]
    assert meetings
    assert all(seeds_of(p.citations, articles) == {"004"} for p in meetings)
    assert not [p for p in brief.happened if "لقاء" in p.text and "يونيو" in p.text]


def test_death_tolls_are_a_dated_series(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    killed = [(s.day, s.value, seed(articles[s.citation.article])) for s in brief.series if s.category == "killed"]
    tolls = [point for point in killed if point[1] in (7, 200, 1000)]
    assert tolls == [("2019-04-16", 7, "001"), ("2019-04-20", 200, "000"), ("2019-11-15", 1000, "002")]
    assert [d for d, _, _ in killed] == sorted(d for d, _, _ in killed)


def test_nothing_the_articles_do_not_say(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    citations = [c for p in brief.happened + brief.single_source for c in p.citations]
    citations += [d.claim for d in brief.differences] + [d.against for d in brief.differences]
    citations += [s.citation for s in brief.series] + [t.citation for t in brief.timeline]
    citations += [s.citation for s in brief.said] + [r.citation for r in brief.matrix.rows]
    for c in citations:
        text = articles[c.article].text
        assert text[c.start : c.end] == c.text
        assert c.sentence_start <= c.start < c.end <= c.sentence_end
        assert any(s.start == c.sentence_start for s in articles[c.article].sentences)
    for point in brief.happened + brief.single_source:
        assert point.text in {c.text for c in point.citations}
    for t in brief.timeline:
        assert t.sentence == articles[t.citation.article].text[t.citation.sentence_start : t.citation.sentence_end]


def test_renders_cite_every_line(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, _ = seeds
    markdown = brief_markdown(brief, "http://127.0.0.1:8000")
    for heading in ("What happened", "Timeline", "Who said what", "Where outlets differ", "Counts over time",
                    "Single-source claims", "Claims by outlets", "Coverage"):
        assert f"## {heading}" in markdown
    for point in brief.happened:
        assert f"http://127.0.0.1:8000/articles/{point.citations[0].article}?hl=" in markdown
    html = brief_html(brief)
    assert '<html lang="ar" dir="rtl">' in html and "<script" not in html
    assert html.count('class="cite"') >= sum(len(p.citations) for p in brief.happened)
    record = brief_json(brief)
    assert record["happened"][0]["citations"][0]["url"].startswith("/articles/")
    out = REPO / "tests" / "artifacts" / "brief"
    out.mkdir(parents=True, exist_ok=True)
    (out / "seeds.md").write_text(markdown, "utf-8")
    (out / "seeds.html").write_text(html, "utf-8")
