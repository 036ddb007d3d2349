"""SQLite and PostgreSQL hold the same store after the same ingest (skipped without a PostgreSQL server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from marsad.dedupe.detector import buckets, signals
from marsad.pipeline import ingest
from marsad.store.base import ArticleFilter, Store, StoryFilter
from marsad.store.factory import open_store
from marsad.text.normalize import fold

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"
SEARCHES = ["ميناء الرمال", "إنفجار", "نقابة العمال", "Rimal port", "مدير الميناء القبض", "لا-يوجد-في-المدونة"]


def _everything(store: Store) -> dict[str, Any]:
    ids = store.article_ids(ArticleFilter())
    stories = store.story_ids(StoryFilter())
    return {
        "summaries": store.summaries(limit=100),
        "articles": [store.article(i) for i in ids],
        "raw": [store.raw_bytes(a.raw_sha256) for a in (store.article(i) for i in ids) if a],
        "links": {i: sorted(store.links_of(i), key=repr) for i in ids},
        "content": list(store.content_hashes()),
        "buckets": [sorted(store.bucket_matches(_buckets(store, i))) for i in ids],
        "clusters": {level: sorted((c.id, c.last, c.state, c.vector) for c in store.clusters(level, ids))
                     for level, ids in _cluster_ids(store).items()},
        "vectors": {level: store.cluster_vectors(level, None) for level in ("event", "story")},
        "assignments": list(store.assignments()),
        "terms": store.term_frequencies(),
        "stories": stories,
        "members": [store.story_articles(s) for s in stories],
        "outlets": store.outlets(),
        "search": {q: sorted(h.summary.id for h in store.search(q)) for q in SEARCHES},
        "snippets": {q: sorted(h.snippet for h in store.search(q)) for q in SEARCHES},
    }


def _buckets(store: Store, article_id: str) -> list[int]:
    article = store.article(article_id)
    assert article is not None
    return buckets(signals(fold(article.body)).signature)


def _cluster_ids(store: Store) -> dict[str, list[str]]:
    placed = list(store.assignments())
    return {"event": sorted({a.event_id for a in placed}), "story": sorted({a.story_id for a in placed})}


def test_sqlite_and_postgresql_hold_the_same_store(tmp_path: Path, server_locations: Any) -> None:
    stores = [open_store(str(tmp_path / "m.db")), open_store(server_locations())]
    for store in stores:
        assert ingest([str(EXAMPLES)], store).ingested == 9
    sqlite, postgres = (_everything(s) for s in stores)
    for key, value in sqlite.items():
        assert postgres[key] == value, key
    assert sqlite["search"]["ميناء الرمال"] and not sqlite["search"]["لا-يوجد-في-المدونة"]
    for store in stores:
        store.close()
