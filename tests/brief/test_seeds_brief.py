"""The brief of the five seeds: the call, its date conflict, the single-source White House
meeting and the death-toll series, each with citations, and nothing the articles do not say."""

from __future__ import annotations

import re
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


def test_states_the_date_conflict_of_the_call_on_the_date(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    conflicts = [d for d in brief.differences if "2019-04-15" in d.reason and "2019-04-16" in d.reason]
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.on == "date"
    assert conflict.part is not None and conflict.against_part is not None
    parts = {conflict.part.text, conflict.against_part.text}
    assert "16 أبريل الماضي" in parts and any("الاثنين" in p for p in parts)
    for citation in (conflict.part, conflict.against_part):
        assert articles[citation.article].text[citation.start : citation.end] == citation.text
    sides = seeds_of([conflict.claim, conflict.against], articles)
    assert "004" in sides and sides & {"001", "003"}


def test_regression_the_blog_contradicted_the_recognition_it_shares(seeds: tuple[Brief, dict[str, Article]]) -> None:
    # issue 13: the matrix marked the blog as contradicting "ترامب يعترف بدور حفتر المهم في مكافحة الإرهاب";
    # it says the same thing and differs only on the date of the call
    brief, articles = seeds
    recognition = next(r for r in brief.matrix.rows if "مكافحة الإرهاب" in r.text and "ترامب" in r.text)
    assert recognition.cells[brief.matrix.outlets.index(BLOG)] == "supports"
    assert "contradicts" not in recognition.cells
    blog_conflicts = [d for d in brief.differences if "004" in seeds_of([d.claim, d.against], articles)]
    assert {d.on for d in blog_conflicts} == {"date"}


def test_regression_the_date_conflict_was_shown_against_the_machine_translation(
    seeds: tuple[Brief, dict[str, Article]],
) -> None:
    brief, articles = seeds
    for difference in brief.differences:
        assert "000" not in seeds_of([difference.claim, difference.against], articles)


def test_regression_groups_headed_by_the_machine_translation(seeds: tuple[Brief, dict[str, Article]]) -> None:
    # issue 13: the biggest group was headed by the garbled machine translation of seed 000
    brief, articles = seeds
    for point in brief.happened + brief.also + brief.single_source:
        natives = [c for c in point.citations if seed(articles[c.article]) != "000"]
        if natives:
            assert seed(articles[point.citations[0].article]) != "000", point.text
            assert point.text == point.citations[0].text


def test_the_white_house_meeting_rests_on_seed_004_alone(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    meetings = [p for p in brief.single_source if "لقاء" in p.text and "يونيو" in p.text]
    assert meetings
    assert all(seeds_of(p.citations, articles) == {"004"} for p in meetings)
    assert not [p for p in brief.happened if "لقاء" in p.text and "يونيو" in p.text]


def test_death_tolls_are_a_dated_series(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    killed = [(s.day, s.value, seed(articles[s.citation.article])) for s in brief.series if s.category == "killed"]
    assert killed == [("2019-04-16", 7, "001"), ("2019-04-20", 200, "000"), ("2019-11-15", 1000, "002")]
    markdown = brief_markdown(brief)
    series = next(line for line in markdown.splitlines() if line.startswith("- killed:"))
    assert series.index("7") < series.index("200") < series.index("1000")


def test_regression_two_children_killed_in_one_shelling_joined_the_toll_series(
    seeds: tuple[Brief, dict[str, Article]],
) -> None:
    # issue 13: the series read 7 -> 2 -> 200 -> 1000; "طفلين قتلا في قصف" counts other people
    brief, _ = seeds
    assert [s.value for s in brief.series if s.category == "killed (children)"] == [2]
    assert 2 not in [s.value for s in brief.series if s.category == "killed"]
    assert not [d for d in brief.differences if d.on == "count"]  # a growing toll is no conflict


def test_nothing_the_articles_do_not_say(seeds: tuple[Brief, dict[str, Article]]) -> None:
    brief, articles = seeds
    citations = [c for p in brief.happened + brief.also + brief.single_source for c in p.citations]
    citations += [o.citation for p in brief.happened for o in p.per_outlet]
    citations += [d.claim for d in brief.differences] + [d.against for d in brief.differences]
    citations += [c for d in brief.differences for c in (d.part, d.against_part) if c is not None]
    citations += [o.citation for f in brief.figures for o in f.per_outlet]
    citations += [s.citation for s in brief.series] + [t.citation for t in brief.timeline]
    citations += [s.citation for s in brief.said] + [r.citation for r in brief.matrix.rows]
    for c in citations:
        text = articles[c.article].text
        assert text[c.start : c.end] == c.text
        assert c.sentence_start <= c.start < c.end <= c.sentence_end
        assert any(s.start == c.sentence_start for s in articles[c.article].sentences)
    for point in brief.happened + brief.also + brief.single_source:
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
        assert f"http://127.0.0.1:8000/articles/{point.per_outlet[0].citation.article}?hl=" in markdown
    quoting = markdown.split("## Claims by outlets")[0]  # the sections that quote the articles
    for line in quoting.splitlines():
        if re.match(r"(- |\d+\. )", line) and line != "- (none)":
            assert "http://127.0.0.1:8000/articles/" in line, line
    html = brief_html(brief)
    assert '<html lang="ar" dir="rtl">' in html and "<script" not in html
    assert html.count('class="cite"') >= sum(len(p.citations) for p in brief.happened)
    record = brief_json(brief)
    assert record["happened"][0]["citations"][0]["url"].startswith("/articles/")
    out = REPO / "tests" / "artifacts" / "brief"
    out.mkdir(parents=True, exist_ok=True)
    (out / "seeds.md").write_text(markdown, "utf-8")
    (out / "seeds.html").write_text(html, "utf-8")
