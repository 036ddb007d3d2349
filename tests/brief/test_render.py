"""Renderers and helpers on hand-made records: escaping, bidi isolation, article choice."""

from __future__ import annotations

from marsad.brief.build import choose_articles
from marsad.brief.html import bidi, citation_url
from marsad.brief.model import Citation
from marsad.brief.render import _md
from marsad.pipeline import clean_inputs
from marsad.records import Article


def test_bidi_isolates_latin_runs_and_numbers_inside_arabic() -> None:
    html = str(bidi("قال Jalel Harchaoui إن 200 شخص قتلوا <b>"))
    assert '<bdi dir="ltr">Jalel Harchaoui</bdi>' in html and '<bdi dir="ltr">200</bdi>' in html
    assert "&lt;" in html and "<b>" not in html
    assert str(bidi("Reuters <script>")) == '<bdi dir="ltr">Reuters &lt;script&gt;</bdi>'


def test_markdown_escapes_article_text() -> None:
    assert _md("<script>alert(1)</script> [x](y)") == "\\<script\\>alert\\(1\\)\\</script\\> \\[x\\]\\(y\\)"


def test_citation_url_points_at_sentence_and_clause() -> None:
    c = Citation("abc", "X", "2024-01-01", 12, 30, 10, 40, "text")
    assert citation_url(c, "http://h") == "http://h/articles/abc?hl=12-30#s10"


def test_choose_articles_keeps_every_outlet_first(tmp_path: object) -> None:
    docs = [a for a in clean_inputs(["examples/corpus"]) if isinstance(a, Article)]
    chosen = choose_articles(docs, limit=3)
    assert len(chosen) == 3
    assert [a.published or "" for a in chosen] == sorted(a.published or "" for a in chosen)
    assert len({a.outlet for a in chosen}) == 3
