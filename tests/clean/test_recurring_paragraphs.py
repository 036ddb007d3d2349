"""Paragraphs that recur across an outlet's articles, on real feeds (ANT, October 2018): CNN Arabic's
teaser blocks and BBC Arabic's app promotion are removed with their reason, a paragraph an outlet
repeats through one story is kept as background, and copy links need shared news text."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from marsad.claims.extract import article_claims
from marsad.pipeline import ingest
from marsad.records import Article
from marsad.store.sqlite import SQLiteStore

KIM = "CN-internationalNews-660-20181009"  # "Kim invites the Pope to visit North Korea"
UKRAINE_DEPOT = ("CN-internationalNews-661-20181009", "CN-internationalNews-664-20181009")
GOOGLE_PLUS = ("CN-economy-379-20181008", "CN-economy-387-20181008")  # one article, scraped twice
BBC_PROMO = "إشعارات بأهم الموضوعات بعد تحميل أحدث نسخة من تطبيق بي بي سي عربي"
# Four Sky News Arabia articles on the Indonesian earthquake and tsunami, each ending with the same
# paragraph on Indonesia and the Ring of Fire.
QUAKE = ("SK-internationalNews-3262-20181001", "SK-internationalNews-3256-20181001",
         "SK-internationalNews-3248-20181002", "SK-internationalNews-3246-20181002")
RING_OF_FIRE = "وتقع إندونيسيا في منطقة"
FURNITURE_RULES = {"repeated-paragraph", "teaser-block"}


@pytest.fixture(scope="module")
def october(shared_data: Path) -> list[dict[str, Any]]:
    """ANT's records of 1-10 October 2018, in corpus (publication) order."""
    with gzip.open(shared_data / "corpora" / "ant-2018.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [r for r in map(json.loads, handle) if "2018-10-01" <= r["published"][:10] <= "2018-10-10"]


def _write(records: list[dict[str, Any]], path: Path) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return str(path)


def _by_input_id(store: SQLiteStore) -> dict[str, Article]:
    found = {}
    for summary in store.summaries(limit=100_000):
        article = store.article(summary.id)
        assert article is not None and summary.input_id is not None
        found[summary.input_id] = article
    return found


@pytest.fixture(scope="module")
def cnn(october: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    folder = tmp_path_factory.mktemp("cnn")
    store = SQLiteStore(folder / "cnn.db")
    ingest([_write([r for r in october if r["source"] == "CNN"], folder / "cnn.jsonl")], store)
    yield store
    store.close()


def test_kim_invites_the_pope_is_no_copy_of_the_ukrainian_depot_explosion(cnn: SQLiteStore) -> None:
    articles = _by_input_id(cnn)
    kim = articles[KIM]
    linked = {ln.source if ln.target == kim.id else ln.target for ln in cnn.links_of(kim.id)}
    assert not linked & {articles[i].id for i in UKRAINE_DEPOT}
    teasers = [r for r in kim.removed if r.rule in FURNITURE_RULES]
    assert any("الأوكرانية" in r.text for r in teasers)  # the depot teaser, among CNN's others
    assert len(teasers) >= 4 and all("other stories" in r.reason for r in teasers)
    raw = cnn.raw_bytes(kim.raw_sha256)
    assert raw is not None
    source = json.loads(raw)["text"]
    assert all(source[r.start : r.end] == r.text for r in teasers)  # offsets into the source kept
    assert "البابا فرانسيس" in kim.news_body and "الإنتربول" not in kim.text


def test_cnn_teaser_blocks_make_no_copy_links(cnn: SQLiteStore) -> None:
    """Before: 601 of the 783 copy links of ANT's October 2018 were CNN teaser blocks. Every CNN copy link
    left in these ten days is between versions of one article (titles sharing a word)."""
    articles = {a.id: a for a in _by_input_id(cnn).values()}
    links = [ln for a in articles for ln in cnn.links_of(a) if ln.source == a]
    assert links
    for link in links:
        titles = [set((articles[i].title or "").split()) for i in (link.source, link.target)]
        assert titles[0] & titles[1], (link, [articles[i].title for i in (link.source, link.target)])


def test_an_article_scraped_twice_stays_linked_to_its_twin(cnn: SQLiteStore) -> None:
    articles = _by_input_id(cnn)
    first, second = (articles[i] for i in GOOGLE_PLUS)
    assert any({ln.source, ln.target} == {first.id, second.id} for ln in cnn.links_of(first.id))


def test_bbc_app_promotion_is_removed_once_seen_in_another_article(
    october: list[dict[str, Any]], tmp_path: Path
) -> None:
    bbc = [r for r in october if r["source"] == "BBC"]
    variants = {line.strip() for r in bbc for line in r["text"].split("\n") if BBC_PROMO in line}
    assert len(variants) == 2  # "يمكنكم تسلم ..." and "يمكنكم استلام ..."
    store = SQLiteStore(tmp_path / "bbc.db")
    # Streaming: a first batch's evidence holds for the next one; within a batch, every document is
    # counted before any is cleaned.
    ingest([_write(bbc[:20], tmp_path / "first.jsonl")], store)
    ingest([_write(bbc[20:], tmp_path / "next.jsonl")], store)
    articles = _by_input_id(store)
    kept = [i for i, a in articles.items() if BBC_PROMO in a.text]
    removed = [r for a in articles.values() for r in a.removed if BBC_PROMO in r.text]
    carriers = sum(BBC_PROMO in r["text"] for r in bbc)
    assert len(removed) + len(kept) == carriers > 20
    assert len(kept) <= 1  # only a variant's first article, before any other carried it, keeps it
    assert all(r.rule == "repeated-paragraph" and "teaser, promotion" in r.reason for r in removed)


def test_background_of_a_story_is_kept_marked_and_is_no_news(
    october: list[dict[str, Any]], tmp_path: Path
) -> None:
    store = SQLiteStore(tmp_path / "quake.db")
    ingest([_write([r for r in october if r["id"] in QUAKE], tmp_path / "quake.jsonl")], store)
    articles = _by_input_id(store)
    assert set(articles) == set(QUAKE)
    for article in articles.values():
        ring = [p for p in article.paragraphs if article.text[p.start : p.end].startswith(RING_OF_FIRE)]
        assert len(ring) == 1 and ring[0].is_background and ring[0].kind == "background"
        assert RING_OF_FIRE in article.text and RING_OF_FIRE not in article.news_body
        assert not any(ring[0].start <= c.span.start < ring[0].end for c in article_claims(article))
        assert any(p.kind == "body" for p in article.paragraphs)  # the article's own news stays news
