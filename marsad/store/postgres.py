"""A shared store on a PostgreSQL server (psycopg 3): the same interface as the SQLite file.

Several processes may ingest into one store at once. Each writer's unit of
work (`begin` .. `commit`: one chunk's articles, links, LSH buckets, template
counts, annotations, story assignments and cluster states) holds a
transaction-scoped advisory lock, so the units of all writers follow one
another; under READ COMMITTED every statement after the lock sees what the
others committed, and a writer that finds articles it did not store
(`Store.article_seq`) reloads its story clusters. The expensive per-article
work runs outside the lock, in parallel.

Why a lock rather than SERIALIZABLE transactions with retries: a unit of work
decides from what the store holds (is this the first copy of a text, which
event does the article join) and every one of those decisions reads what the
other writer is writing; under SERIALIZABLE nearly every pair of concurrent
chunks would conflict and one would be rolled back and redone whole, while the
lock simply queues them, as SQLite's BEGIN IMMEDIATE does, for the few
seconds a chunk's writes take. Unique keys and
`ON CONFLICT` upserts guard the rest (a raw document stored twice is refused
by its hash), so nothing is lost and nothing is stored twice.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg

from marsad.errors import StoreError
from marsad.records import Article, Link
from marsad.store.base import (
    PARAGRAPH_CARRIERS,
    ArticleFilter,
    ArticleSummary,
    Assignment,
    ParagraphEvidence,
    SearchHit,
    Store,
    StoredAnnotation,
    StoredArticle,
    StoredCluster,
    StoryFilter,
    StoryResult,
)
from marsad.store.codec import decode_article, encode_article
from marsad.store.common import now, origin_label, search_terms, snippet
from marsad.store.pg_migrations import migrate
from marsad.text.normalize import fold

# Held by a writer from `begin` to `commit`: the units of work of concurrent ingests follow one another.
WRITE_LOCK = 0x6D61_7273_6164_0002
# Cover density ranking divided by the document's length: its top 20 shares 83% with SQLite FTS5's bm25 on
# 20 ANT queries over 5,000 articles (plain ts_rank 63%, pg_trgm 28%): benchmarks/pg_search.py.
RANK_NORMALIZATION = 2
# Folded characters of an article put in its search vector (a tsvector holds at most 1 MB).
MAX_INDEXED_CHARS = 200_000
_SUMMARY = "{a}id, {a}title, {a}outlet, {a}published, {a}language, {a}mt_score, {a}duplicate_of, {a}origin, " \
           "{a}url, {a}input_id"
_N_SUMMARY = 10


def _summary(alias: str = "") -> str:
    return _SUMMARY.format(a=f"{alias}." if alias else "")


def _clean(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters (the record keeps them, JSON-escaped)."""
    return None if value is None else value.replace("\x00", "")


class PostgresStore(Store):
    """A store in a PostgreSQL database. Writes are batched until `commit`."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.db = psycopg.connect(url)
            migrate(self.db)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open store at the PostgreSQL server: {exc}".strip()) from exc

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params).fetchall()

    def known_raw(self, sha256s: Sequence[str]) -> set[str]:
        return {r[0] for r in self._rows("SELECT sha256 FROM raw WHERE sha256 = ANY(%s)", (list(sha256s),))}

    def add_article(self, stored: StoredArticle) -> None:
        a = stored.article
        self.db.execute(
            "INSERT INTO raw (sha256, data, compressed, size, origin, locator, ingested_at)"
            " VALUES (%s, %s, true, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (a.raw_sha256, zlib.compress(stored.raw, 1), len(stored.raw), _clean(a.origin.path),
             _clean(a.origin.locator), now()),
        )
        searchable = _clean(f"{fold(a.title or '')} {stored.folded_body}"[:MAX_INDEXED_CHARS])
        row = self.db.execute(
            "INSERT INTO articles (id, raw_sha256, content_hash, outlet, published, title, language, mt_score,"
            " duplicate_of, origin, url, input_id, record, search)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, to_tsvector('simple', %s))"
            " ON CONFLICT (id) DO NOTHING RETURNING seq",
            (a.id, a.raw_sha256, a.content_hash, _clean(a.outlet), _clean(a.published), _clean(a.title),
             _clean(a.language), a.machine_translation.score, stored.duplicate_of, _clean(origin_label(a)),
             _clean(a.url), _clean(a.extra.get("id")), encode_article(a), searchable),
        ).fetchone()
        if row is None:  # stored already (by this id): the first one stays
            return
        seq = row[0]
        self.db.execute("INSERT INTO minhashes (article, signature) VALUES (%s, %s)", (seq, stored.signature))
        self._add_buckets(seq, stored.buckets)
        with self.db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO fingerprints (hash, article) VALUES (%s, %s)", [(h, seq) for h in set(stored.fingerprints)]
            )

    def add_links(self, links: Iterable[Link]) -> None:
        with self.db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO links (kind, source, target, score, detail) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                [(ln.kind, ln.source, ln.target, ln.score, json.dumps(ln.detail)) for ln in links],
            )

    def article(self, article_id: str) -> Article | None:
        prefix = article_id.replace("%", "").replace("_", r"\_") + "%"
        rows = self._rows("SELECT id, record FROM articles WHERE id = %s OR id LIKE %s LIMIT 2", (article_id, prefix))
        if len(rows) != 1:
            rows = [r for r in rows if r[0] == article_id]
        return decode_article(rows[0][1]) if len(rows) == 1 else None

    def raw_bytes(self, sha256: str) -> bytes | None:
        rows = self._rows("SELECT data, compressed FROM raw WHERE sha256 = %s", (sha256,))
        if not rows:
            return None
        data, compressed = rows[0]
        return zlib.decompress(data) if compressed else bytes(data)

    def summaries(self, limit: int = 50, offset: int = 0, outlet: str | None = None) -> list[ArticleSummary]:
        where, params = ("WHERE outlet = %s", [outlet]) if outlet else ("", [])
        rows = self._rows(
            f"SELECT {_summary()} FROM articles {where} ORDER BY published IS NULL, published, seq LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return [ArticleSummary(*row) for row in rows]

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        terms = search_terms(query)
        if not terms:
            return []
        rows = self._rows(
            f"SELECT {_summary('a')}, a.record, ts_rank_cd(a.search, q, {RANK_NORMALIZATION}) AS rank"
            " FROM articles a, plainto_tsquery('simple', %s) q WHERE a.search @@ q"
            " ORDER BY rank DESC, a.seq LIMIT %s",
            (" ".join(terms), limit),
        )
        return [
            SearchHit(ArticleSummary(*row[:_N_SUMMARY]), snippet(decode_article(row[_N_SUMMARY]).text, terms),
                      float(row[_N_SUMMARY + 1]))
            for row in rows
        ]

    def links_of(self, article_id: str) -> list[Link]:
        rows = self._rows(
            "SELECT kind, source, target, score, detail FROM links WHERE source = %s OR target = %s"
            " ORDER BY kind, score DESC, source, target",
            (article_id, article_id),
        )
        return [Link(k, s, t, sc, json.loads(d)) for k, s, t, sc, d in rows]

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        yield from ((r[0], r[1]) for r in self._rows("SELECT id, content_hash FROM articles ORDER BY seq"))

    def article_seq(self) -> int:
        return int(self._rows("SELECT coalesce(max(seq), 0) FROM articles")[0][0])

    def first_with_content(self, content_hash: str) -> str | None:
        rows = self._rows("SELECT id FROM articles WHERE content_hash = %s ORDER BY seq LIMIT 1", (content_hash,))
        return str(rows[0][0]) if rows else None

    def bucket_matches(self, buckets: Sequence[int]) -> dict[str, bytes]:
        rows = self._rows(
            "SELECT a.id, m.signature FROM minhashes m JOIN articles a ON a.seq = m.article"
            " WHERE m.article IN (SELECT article FROM lsh_buckets WHERE bucket = ANY(%s))",
            (list(buckets),),
        )
        return {r[0]: bytes(r[1]) for r in rows}

    def add_buckets(self, article_id: str, buckets: Sequence[int]) -> None:
        rows = self._rows("SELECT seq FROM articles WHERE id = %s", (article_id,))
        if rows:
            self._add_buckets(rows[0][0], buckets)

    def unbucketed_signatures(self) -> Iterator[tuple[str, bytes]]:
        # Only articles stored before buckets were kept (migration 0004) lack them, and those come first:
        # below the first bucketed article (everything, when none is).
        rows = self._rows(
            "SELECT a.id, m.signature FROM minhashes m JOIN articles a ON a.seq = m.article"
            " WHERE m.article < coalesce((SELECT min(article) FROM lsh_buckets), %s)"
            " AND NOT EXISTS (SELECT 1 FROM lsh_buckets b WHERE b.article = m.article) ORDER BY a.seq",
            (2**62,),
        )
        yield from ((r[0], bytes(r[1])) for r in rows)

    def _add_buckets(self, seq: int, buckets: Sequence[int]) -> None:
        with self.db.cursor() as cursor:
            cursor.executemany("INSERT INTO lsh_buckets (bucket, article) VALUES (%s, %s)", [(b, seq) for b in buckets])

    def fingerprint_matches(self, fingerprints: Sequence[int]) -> dict[str, int]:
        rows = self._rows(
            "SELECT a.id, count(DISTINCT f.hash) FROM fingerprints f JOIN articles a ON a.seq = f.article"
            " WHERE f.hash = ANY(%s) GROUP BY a.id",
            (list(set(fingerprints)),),
        )
        return {r[0]: int(r[1]) for r in rows}

    def add_outlet_lines(self, outlet: str, keys: Iterable[int]) -> None:
        with self.db.cursor() as cursor:  # sorted: concurrent writers lock the rows in one order
            cursor.executemany(
                "INSERT INTO outlet_lines (outlet, key, articles) VALUES (%s, %s, 1)"
                " ON CONFLICT (outlet, key) DO UPDATE SET articles = outlet_lines.articles + 1",
                [(_clean(outlet), k) for k in sorted(set(keys))],
            )

    def outlet_line_counts(self, outlet: str, keys: Iterable[int]) -> dict[int, int]:
        rows = self._rows(
            "SELECT key, articles FROM outlet_lines WHERE outlet = %s AND key = ANY(%s)",
            (_clean(outlet), list(set(keys))),
        )
        return {int(k): int(n) for k, n in rows}

    def add_paragraph_evidence(self, outlet: str, document: int, topic: Sequence[str], keys: Iterable[int]) -> None:
        self.db.execute(
            "INSERT INTO document_topics (document, topic) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (document, [_clean(t) or "" for t in topic]),
        )
        with self.db.cursor() as cursor:  # one statement per key: the count and the latest carriers in one update
            cursor.executemany(
                "INSERT INTO outlet_paragraphs AS p (outlet, key, articles, carriers) VALUES (%s, %s, 1, ARRAY[%s])"
                " ON CONFLICT (outlet, key) DO UPDATE SET articles = p.articles + 1,"
                " carriers = (p.carriers || excluded.carriers)[greatest(cardinality(p.carriers) + 2 - %s, 1):]",
                [(_clean(outlet), key, document, PARAGRAPH_CARRIERS) for key in sorted(set(keys))],
            )

    def paragraph_evidence(self, outlet: str, keys: Iterable[int]) -> dict[int, ParagraphEvidence]:
        rows = self._rows(
            "SELECT key, articles, carriers FROM outlet_paragraphs WHERE outlet = %s AND key = ANY(%s)",
            (_clean(outlet), list(set(keys))),
        )
        return {int(k): ParagraphEvidence(int(n), tuple(int(c) for c in carriers)) for k, n, carriers in rows}

    def document_topics(self, documents: Sequence[int]) -> dict[int, frozenset[str]]:
        rows = self._rows(
            "SELECT document, topic FROM document_topics WHERE document = ANY(%s)", (list(set(documents)),)
        )
        return {int(d): frozenset(topic) for d, topic in rows}

    def published_of(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        return dict(self._rows("SELECT id, published FROM articles WHERE id = ANY(%s)", (list(article_ids),)))

    def save_assignments(self, assignments: Iterable[Assignment]) -> None:
        with self.db.cursor() as cursor:  # a re-saved assignment moves to the end, as SQLite's REPLACE does
            cursor.executemany(
                "INSERT INTO assignments (article_id, event_id, story_id, published, profile)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET event_id = excluded.event_id,"
                " story_id = excluded.story_id, published = excluded.published, profile = excluded.profile,"
                " seq = excluded.seq",
                [(a.article_id, a.event_id, a.story_id, _clean(a.published), a.profile) for a in assignments],
            )

    def assignments(self, since: str | None = None, until: str | None = None) -> Iterator[Assignment]:
        clauses, params = [], []
        if since:
            clauses.append("(published >= %s OR published IS NULL)")
            params.append(since)
        if until:
            clauses.append("published < %s")
            params.append(until)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            "SELECT article_id, event_id, story_id, published, profile FROM assignments"
            f" {where} ORDER BY published IS NULL, published, seq",
            params,
        )
        for article_id, event_id, story_id, published, profile in rows:
            yield Assignment(article_id, event_id, story_id, published, bytes(profile))

    def term_frequencies(self, terms: Sequence[str] | None = None) -> tuple[int, dict[str, int]]:
        if terms is None:
            rows = self._rows("SELECT term, documents FROM term_frequencies")
        else:  # the empty term counts the articles
            wanted = ["", *(t for t in dict.fromkeys(_clean(t) or "" for t in terms) if t)]
            rows = self._rows("SELECT term, documents FROM term_frequencies WHERE term = ANY(%s)", (wanted,))
        frequencies = {term: int(n) for term, n in rows}
        return frequencies.pop("", 0), frequencies

    def add_term_frequencies(self, documents: int, frequencies: dict[str, int]) -> None:
        with self.db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO term_frequencies (term, documents) VALUES (%s, %s) ON CONFLICT (term)"
                " DO UPDATE SET documents = term_frequencies.documents + excluded.documents",
                sorted([("", documents), *((_clean(t) or "", n) for t, n in frequencies.items())]),
            )

    def save_clusters(self, clusters: Iterable[StoredCluster]) -> None:
        rows = list(clusters)
        with self.db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO clusters (level, id, last, state, vector) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (level, id) DO UPDATE SET last = excluded.last, state = excluded.state,"
                " vector = excluded.vector",
                [(c.level, c.id, c.last, c.state, c.vector) for c in rows],
            )
            cursor.executemany(
                "INSERT INTO cluster_keys (key, level, id) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(_clean(key), c.level, c.id) for c in rows for key in c.keys],
            )

    def clusters(self, level: str, ids: Sequence[str]) -> list[StoredCluster]:
        rows = self._rows(
            "SELECT id, last, state, vector FROM clusters WHERE level = %s AND id = ANY(%s)",
            (level, list(dict.fromkeys(ids))),
        )
        return [StoredCluster(level, i, last, bytes(state), None if vector is None else bytes(vector))
                for i, last, state, vector in rows]

    def cluster_candidates(self, level: str, keys: Sequence[str], since: str | None, limit: int) -> list[str]:
        unique = list(dict.fromkeys(_clean(k) for k in keys))
        if not unique:
            return []
        rows = self._rows(
            "SELECT k.id FROM cluster_keys k JOIN clusters c ON c.level = k.level AND c.id = k.id"
            " WHERE k.level = %s AND k.key = ANY(%s) AND (c.last IS NULL OR c.last >= %s)"
            " GROUP BY k.id, c.last ORDER BY count(*) DESC, c.last DESC NULLS LAST, k.id LIMIT %s",
            (level, unique, since or "", limit),
        )
        return [r[0] for r in rows]

    def cluster_vectors(self, level: str, since: str | None) -> list[tuple[str, bytes]]:
        rows = self._rows(
            "SELECT id, vector FROM clusters WHERE level = %s AND vector IS NOT NULL AND (last IS NULL OR last >= %s)"
            " ORDER BY id",
            (level, since or ""),
        )
        return [(r[0], bytes(r[1])) for r in rows]

    def saved_clusters(self) -> int:
        return int(self._rows("SELECT count(*) FROM clusters")[0][0])

    def placements_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        rows = self._rows(
            "SELECT article_id, event_id, story_id FROM assignments WHERE article_id = ANY(%s)",
            (list(dict.fromkeys(article_ids)),),
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def clear_clusters(self) -> None:
        self.db.execute("DELETE FROM cluster_keys")
        self.db.execute("DELETE FROM clusters")

    def unassigned(self) -> list[str]:
        articles, assigned = self._rows("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM assignments)")[0]
        if articles == assigned:  # every unit of work places what it stores: the common case, without a scan
            return []
        return [r[0] for r in self._rows(
            "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM assignments s WHERE s.article_id = a.id)"
            " ORDER BY published IS NULL, published, seq"
        )]

    def article_ids(self, where: ArticleFilter, limit: int | None = None) -> list[str]:
        clauses, params = _story_clauses(StoryFilter(where.outlet, where.since, where.until))
        if where.story_id:
            clauses += " AND a.id IN (SELECT article_id FROM assignments WHERE story_id = %s)"
            params.append(where.story_id)
        rows = self._rows(
            f"SELECT a.id FROM articles a WHERE {clauses} ORDER BY a.published IS NULL, a.published, a.seq LIMIT %s",
            (*params, limit),
        )
        return [r[0] for r in rows]

    def story_ids(self, where: StoryFilter, limit: int = 50, offset: int = 0) -> list[str]:
        clauses, params = _story_clauses(where)
        rows = self._rows(
            "SELECT s.story_id FROM assignments s JOIN articles a ON a.id = s.article_id"
            " WHERE s.story_id IN (SELECT s.story_id FROM assignments s JOIN articles a ON a.id = s.article_id"
            f" WHERE {clauses}) GROUP BY s.story_id"
            " ORDER BY max(a.published) DESC NULLS LAST, count(*) DESC, s.story_id LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return [r[0] for r in rows]

    def story_articles(self, story_id: str) -> list[tuple[str, ArticleSummary]]:
        rows = self._rows(
            f"SELECT s.event_id, {_summary('a')} FROM assignments s JOIN articles a ON a.id = s.article_id"
            " WHERE s.story_id = %s ORDER BY a.published IS NULL, a.published, a.seq",
            (story_id,),
        )
        return [(row[0], ArticleSummary(*row[1:])) for row in rows]

    def story_of(self, article_id: str) -> str | None:
        rows = self._rows("SELECT story_id FROM assignments WHERE article_id = %s", (article_id,))
        return str(rows[0][0]) if rows else None

    def links_among(self, article_ids: Sequence[str]) -> list[Link]:
        ids = list(set(article_ids))
        rows = self._rows(
            "SELECT kind, source, target, score, detail FROM links WHERE source = ANY(%s) AND target = ANY(%s)",
            (ids, ids),
        )
        return [Link(k, s, t, sc, json.loads(d)) for k, s, t, sc, d in rows]

    def outlets(self) -> list[str]:
        rows = self._rows("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet")
        return [r[0] for r in rows]

    def save_annotations(self, annotations: Iterable[StoredAnnotation]) -> None:
        made = now()
        with self.db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO annotations (article_id, version, structure, vectors, made_at) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, structure = excluded.structure,"
                " vectors = excluded.vectors, made_at = excluded.made_at",
                [(a.article_id, a.version, a.structure, a.vectors, made) for a in annotations],
            )

    def annotations(self, article_ids: Sequence[str]) -> dict[str, StoredAnnotation]:
        rows = self._rows(
            "SELECT article_id, version, structure, vectors FROM annotations WHERE article_id = ANY(%s)",
            (list(dict.fromkeys(article_ids)),),
        )
        return {i: StoredAnnotation(i, v, bytes(s), bytes(vec)) for i, v, s, vec in rows}

    def unannotated(self, version: str | None = None) -> list[str]:
        condition = "n.article_id IS NULL" + (" OR n.version != %s" if version else "")
        return [r[0] for r in self._rows(
            "SELECT a.id FROM articles a LEFT JOIN annotations n ON n.article_id = a.id"
            f" WHERE {condition} ORDER BY a.published IS NULL, a.published, a.seq",
            [version] if version else [],
        )]

    def save_story_result(self, result: StoryResult) -> None:
        self.db.execute(
            "INSERT INTO story_results (story_id, kind, key, data, made_at) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (story_id, kind) DO UPDATE SET key = excluded.key, data = excluded.data,"
            " made_at = excluded.made_at",
            (result.story_id, result.kind, result.key, result.data, result.made_at or now()),
        )

    def story_result(self, story_id: str, kind: str) -> StoryResult | None:
        rows = self._rows(
            "SELECT key, data, made_at FROM story_results WHERE story_id = %s AND kind = %s", (story_id, kind)
        )
        return StoryResult(story_id, kind, rows[0][0], bytes(rows[0][1]), rows[0][2]) if rows else None

    def begin(self) -> None:
        self.db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        if not self.db.closed:
            self.db.commit()
            self.db.close()


def _story_clauses(where: StoryFilter) -> tuple[str, list[Any]]:
    """The SQL condition (on `s` = assignments, `a` = articles) of a story filter."""
    clauses: list[str] = ["true"]
    params: list[Any] = []
    if where.outlet:
        clauses.append("a.outlet = %s")
        params.append(where.outlet)
    if where.since:
        clauses.append("substr(a.published, 1, 10) >= %s")
        params.append(where.since)
    if where.until:
        clauses.append("substr(a.published, 1, 10) <= %s")
        params.append(where.until)
    if where.article_ids is not None:
        clauses.append("a.id = ANY(%s)")
        params.append(list(where.article_ids))
    return " AND ".join(clauses), params
