"""ArticleStore contract: articles, raw bytes, listings and search, on both backends."""

from __future__ import annotations

from pathlib import Path

from marsad.records import Link
from marsad.store.base import ArticleFilter, Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"

BLOG_COPY = "bf0ea5017d1a2de8"  # 05_blog_copy.txt republishes 03_alshahed.txt
ALSHAHED = "4b694f770f79f095"


def test_raw_bytes_are_the_exact_input_bytes(examples: Store) -> None:
    article = examples.article(ALSHAHED)
    assert article is not None and article.origin.path.endswith("03_alshahed.txt")
    assert examples.raw_bytes(article.raw_sha256) == (EXAMPLES / "03_alshahed.txt").read_bytes()
    assert examples.raw_bytes("0" * 64) is None


def test_article_by_id_or_unique_prefix(examples: Store) -> None:
    article = examples.article(BLOG_COPY)
    assert article is not None and article.id == BLOG_COPY
    assert examples.article(BLOG_COPY[:6]) == article
    assert examples.article("") is None  # every id shares the empty prefix
    assert examples.article("zz") is None


def test_summaries_in_publication_order_then_ingest_order(examples: Store) -> None:
    rows = examples.summaries(limit=100)
    assert examples.count() == len(rows) == 9
    published = [r.published for r in rows]
    assert published == sorted(published, key=lambda p: p or "")
    assert [r.id for r in examples.summaries(limit=3, offset=2)] == [r.id for r in rows[2:5]]
    feed = [r for r in rows if r.origin.endswith(":line 1")]
    assert feed[0].url and feed[0].url.startswith("https://meridian-news.example/")


def test_outlet_filters_and_outlets(examples: Store) -> None:
    outlets = examples.outlets()
    assert outlets == sorted(outlets) and len(outlets) == 9
    only = examples.summaries(outlet="صوت النجود")
    assert [r.origin.rsplit("/", 1)[-1] for r in only] == ["07_sawt_alnujud.html"]
    ids = examples.article_ids(ArticleFilter(since="2024-03-15"))
    assert set(ids) == {ALSHAHED, BLOG_COPY, "3d6d4fa82ea902e6"}
    assert examples.article_ids(ArticleFilter(until="2024-03-13"), limit=1) == ["90bf4e113e9eea49"]


def test_search_matches_spelling_variants_and_ranks_the_matching_articles(examples: Store) -> None:
    hits = examples.search("ميناء الرمال مدير", limit=20)
    assert {h.summary.id for h in hits} >= {ALSHAHED, BLOG_COPY}
    assert all(h.score > 0 for h in hits)
    variant = examples.search("إنفجار")  # hamza on the alef: folded like انفجار
    assert len(variant) >= 5
    assert any("انفجار" in h.snippet for h in variant)


def test_search_survives_quotes_and_control_characters(examples: Store) -> None:
    assert examples.search('"\x00') == []
    assert examples.search('الرمال"\x00') != []


def test_links_of_an_article_and_between_articles(examples: Store) -> None:
    kinds = {(ln.kind, ln.source, ln.target) for ln in examples.links_of(BLOG_COPY)}
    assert kinds == {("near", ALSHAHED, BLOG_COPY), ("reuse", ALSHAHED, BLOG_COPY)}
    assert examples.links_of(ALSHAHED)[0].detail["direction"] == "publication date"
    assert len(examples.links_among([ALSHAHED, BLOG_COPY])) == 2
    assert examples.links_among([ALSHAHED]) == []
    assert examples.published_of([ALSHAHED, BLOG_COPY]) == {ALSHAHED: "2024-03-15", BLOG_COPY: "2024-03-16"}


def test_links_are_kept_once(examples: Store, store: Store) -> None:
    article = examples.article(ALSHAHED)
    assert article is not None
    from marsad.store.base import StoredArticle

    raw = examples.raw_bytes(article.raw_sha256) or b""
    stored = StoredArticle(article, raw, b"\x00" * 512, [1, 2], None, "نص")
    store.add_article(stored)
    store.add_article(stored)  # a second writer's copy of the same document
    link = Link("exact", "a", ALSHAHED, 1.0)
    store.add_links([link, link])
    store.commit()
    assert store.count() == 1
    assert store.links_of(ALSHAHED) == [link]
