"""The default store: one SQLite file (WAL), FTS5 search over normalised Arabic."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

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
from marsad.store.migrations import migrate
from marsad.text.normalize import fold

# How long a writer waits for another one (an ingest, a web upload) to commit before giving up. A unit of
# work of `pipeline.CHUNK_SIZE` articles holds the write lock for its understanding too: tens of seconds.
BUSY_TIMEOUT_SECONDS = 900
_SUMMARY_FIELDS = (
    "{a}id", "{a}title", "{a}outlet", "{a}published", "{a}language", "{a}mt_score", "{a}duplicate_of", "{a}origin",
    "json_extract({a}record, '$.url')", "json_extract({a}record, '$.extra.id')",
)


def _summary_columns(alias: str = "") -> str:
    """The SELECT list of an `ArticleSummary`, on the articles table (optionally aliased)."""
    return ", ".join(f.format(a=f"{alias}." if alias else "") for f in _SUMMARY_FIELDS)


_SUMMARY_COLUMNS = _summary_columns()
_N_SUMMARY = len(_SUMMARY_FIELDS)


class SQLiteStore(Store):
    """A store in one SQLite file. Writes are batched until `commit`."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            # Writes take the lock when their transaction starts (BEGIN IMMEDIATE), so two writers queue
            # instead of failing when one's read snapshot goes stale; readers never wait (WAL).
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level="IMMEDIATE")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc

    def known_raw(self, sha256s: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(sha256s), 500):
            chunk = list(sha256s[start : start + 500])
            marks = ",".join("?" * len(chunk))
            known.update(r[0] for r in self.db.execute(f"SELECT sha256 FROM raw WHERE sha256 IN ({marks})", chunk))
        return known

    def add_article(self, stored: StoredArticle) -> None:
        a = stored.article
        self.db.execute(
            "INSERT OR IGNORE INTO raw (sha256, data, compressed, size, origin, locator, ingested_at)"
            " VALUES (?, ?, 1, ?, ?, ?, ?)",
            (a.raw_sha256, zlib.compress(stored.raw, 1), len(stored.raw), a.origin.path,
             a.origin.locator, now()),
        )
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO articles (id, raw_sha256, content_hash, outlet, published, title,"
            " language, mt_score, duplicate_of, origin, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.raw_sha256, a.content_hash, a.outlet, a.published, a.title, a.language,
             a.machine_translation.score, stored.duplicate_of, origin_label(a), encode_article(a)),
        )
        if cursor.rowcount == 0:  # stored already (by this id): the first one stays
            return
        rowid = cursor.lastrowid
        self.db.execute(
            "INSERT INTO minhashes (article, signature) VALUES (?, ?)", (rowid, stored.signature)
        )
        self._add_buckets(rowid, stored.buckets)
        self.db.executemany(
            "INSERT INTO fingerprints (hash, article) VALUES (?, ?)",
            [(h, rowid) for h in set(stored.fingerprints)],
        )
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, fold(a.title or ""), stored.folded_body),
        )

    def add_links(self, links: Iterable[Link]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO links (kind, source, target, score, detail) VALUES (?,?,?,?,?)",
            [(ln.kind, ln.source, ln.target, ln.score, json.dumps(ln.detail)) for ln in links],
        )

    def article(self, article_id: str) -> Article | None:
        rows = self.db.execute(
            "SELECT record FROM articles WHERE id = ? OR id LIKE ? LIMIT 2",
            (article_id, article_id.replace("%", "") + "%"),
        ).fetchall()
        if len(rows) != 1:
            exact = [r for r in rows if json.loads(r[0])["id"] == article_id]
            rows = exact
        return decode_article(rows[0][0]) if len(rows) == 1 else None

    def raw_bytes(self, sha256: str) -> bytes | None:
        row = self.db.execute(
            "SELECT data, compressed FROM raw WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None:
            return None
        data, compressed = row
        return zlib.decompress(data) if compressed else bytes(data)

    def summaries(
        self, limit: int = 50, offset: int = 0, outlet: str | None = None
    ) -> list[ArticleSummary]:
        where, params = ("WHERE outlet = ?", [outlet]) if outlet else ("", [])
        rows = self.db.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM articles {where}"
            " ORDER BY published IS NULL, published, rowid LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [ArticleSummary(*row) for row in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        terms = search_terms(query)
        if not terms:
            return []
        match = " ".join(f'"{t}"' for t in terms)
        rows = self.db.execute(
            f"SELECT {_summary_columns('a')},"
            " a.record, bm25(articles_fts) AS rank"
            " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        hits = []
        for row in rows:
            article = decode_article(row[_N_SUMMARY])
            hits.append(SearchHit(
                ArticleSummary(*row[:_N_SUMMARY]), snippet(article.text, terms), -float(row[_N_SUMMARY + 1])
            ))
        return hits

    def links_of(self, article_id: str) -> list[Link]:
        rows = self.db.execute(
            "SELECT kind, source, target, score, detail FROM links"
            " WHERE source = ? OR target = ? ORDER BY kind, score DESC",
            (article_id, article_id),
        ).fetchall()
        return [Link(k, s, t, sc, json.loads(d)) for k, s, t, sc, d in rows]

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        yield from self.db.execute("SELECT id, content_hash FROM articles ORDER BY rowid")

    def first_with_content(self, content_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY rowid LIMIT 1", (content_hash,)
        ).fetchone()
        return None if row is None else str(row[0])

    def bucket_matches(self, buckets: Sequence[int]) -> dict[str, bytes]:
        marks = ",".join("?" * len(buckets))
        rows = self.db.execute(
            "SELECT a.id, m.signature FROM minhashes m JOIN articles a ON a.rowid = m.article"
            f" WHERE m.article IN (SELECT article FROM lsh_buckets WHERE bucket IN ({marks}))",
            list(buckets),
        )
        return {article_id: bytes(signature) for article_id, signature in rows}

    def add_buckets(self, article_id: str, buckets: Sequence[int]) -> None:
        row = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is not None:
            self._add_buckets(row[0], buckets)

    def unbucketed_signatures(self) -> Iterator[tuple[str, bytes]]:
        # Only articles stored before buckets were kept (migration 0004) lack them, and those come first:
        # below the first bucketed article (everything, when none is).
        (first,) = self.db.execute("SELECT min(article) FROM lsh_buckets").fetchone()
        rows = self.db.execute(
            "SELECT a.id, m.signature FROM minhashes m JOIN articles a ON a.rowid = m.article"
            " WHERE m.article < ? AND NOT EXISTS (SELECT 1 FROM lsh_buckets b WHERE b.article = m.article)",
            (first if first is not None else 2**62,),
        ).fetchall()
        for article_id, signature in rows:
            yield article_id, bytes(signature)

    def _add_buckets(self, rowid: int | None, buckets: Sequence[int]) -> None:
        self.db.executemany("INSERT INTO lsh_buckets (bucket, article) VALUES (?, ?)", [(b, rowid) for b in buckets])

    def article_seq(self) -> int:
        row = self.db.execute("SELECT max(rowid) FROM articles").fetchone()
        return int(row[0] or 0)

    def fingerprint_matches(self, fingerprints: Sequence[int]) -> dict[str, int]:
        unique = list(set(fingerprints))
        counts: dict[str, int] = {}
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for article_id, n in self.db.execute(
                f"SELECT a.id, count(DISTINCT f.hash) FROM fingerprints f"
                f" JOIN articles a ON a.rowid = f.article WHERE f.hash IN ({marks})"
                " GROUP BY a.id",
                chunk,
            ):
                counts[article_id] = counts.get(article_id, 0) + n
        return counts

    def add_outlet_lines(self, outlet: str, keys: Iterable[int]) -> None:
        self.db.executemany(
            "INSERT INTO outlet_lines (outlet, key, articles) VALUES (?, ?, 1)"
            " ON CONFLICT (outlet, key) DO UPDATE SET articles = articles + 1",
            [(outlet, k) for k in set(keys)],
        )

    def outlet_line_counts(self, outlet: str, keys: Iterable[int]) -> dict[int, int]:
        unique = list(set(keys))
        counts: dict[int, int] = {}
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            counts.update(self.db.execute(
                f"SELECT key, articles FROM outlet_lines WHERE outlet = ? AND key IN ({marks})",
                (outlet, *chunk),
            ).fetchall())
        return counts

    def add_paragraph_evidence(self, outlet: str, document: int, topic: Sequence[str], keys: Iterable[int]) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO document_topics (document, topic) VALUES (?, ?)", (document, " ".join(topic))
        )
        unique = list(set(keys))
        current = self.paragraph_evidence(outlet, unique)
        rows = []
        for key in unique:
            old = current.get(key, ParagraphEvidence(0, ()))
            carriers = (*old.carriers, document)[-PARAGRAPH_CARRIERS:]
            rows.append((outlet, key, old.articles + 1, " ".join(map(str, carriers))))
        self.db.executemany(
            "INSERT OR REPLACE INTO outlet_paragraphs (outlet, key, articles, carriers) VALUES (?, ?, ?, ?)", rows
        )

    def paragraph_evidence(self, outlet: str, keys: Iterable[int]) -> dict[int, ParagraphEvidence]:
        unique = list(set(keys))
        found: dict[int, ParagraphEvidence] = {}
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, articles, carriers in self.db.execute(
                f"SELECT key, articles, carriers FROM outlet_paragraphs WHERE outlet = ? AND key IN ({marks})",
                (outlet, *chunk),
            ):
                found[key] = ParagraphEvidence(articles, tuple(map(int, carriers.split())))
        return found

    def document_topics(self, documents: Sequence[int]) -> dict[int, frozenset[str]]:
        unique = list(set(documents))
        found: dict[int, frozenset[str]] = {}
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for document, topic in self.db.execute(
                f"SELECT document, topic FROM document_topics WHERE document IN ({marks})", chunk
            ):
                found[document] = frozenset(topic.split())
        return found

    def published_of(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(
            f"SELECT id, published FROM articles WHERE id IN ({marks})", list(article_ids)
        ).fetchall()
        return dict(rows)

    def save_assignments(self, assignments: Iterable[Assignment]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO assignments (article_id, event_id, story_id, published, profile)"
            " VALUES (?, ?, ?, ?, ?)",
            [(a.article_id, a.event_id, a.story_id, a.published, a.profile) for a in assignments],
        )

    def assignments(self, since: str | None = None, until: str | None = None) -> Iterator[Assignment]:
        clauses, params = [], []
        if since:
            clauses.append("(published >= ? OR published IS NULL)")
            params.append(since)
        if until:
            clauses.append("published < ?")
            params.append(until)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.execute(
            "SELECT article_id, event_id, story_id, published, profile FROM assignments"
            f" {where} ORDER BY published IS NULL, published, rowid",
            params,
        )
        for article_id, event_id, story_id, published, profile in rows:
            yield Assignment(article_id, event_id, story_id, published, bytes(profile))

    def term_frequencies(self, terms: Sequence[str] | None = None) -> tuple[int, dict[str, int]]:
        if terms is None:
            frequencies = dict(self.db.execute("SELECT term, documents FROM term_frequencies WHERE term != ''"))
        else:
            frequencies = {}
            unique = [t for t in dict.fromkeys(terms) if t]
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                frequencies.update(self.db.execute(
                    f"SELECT term, documents FROM term_frequencies WHERE term IN ({marks})", chunk
                ))
        row = self.db.execute("SELECT documents FROM term_frequencies WHERE term = ''").fetchone()
        return (int(row[0]) if row else 0), frequencies

    def add_term_frequencies(self, documents: int, frequencies: dict[str, int]) -> None:
        self.db.executemany(
            "INSERT INTO term_frequencies (term, documents) VALUES (?, ?)"
            " ON CONFLICT (term) DO UPDATE SET documents = documents + excluded.documents",
            [("", documents), *frequencies.items()],  # the empty term counts the articles
        )

    def save_clusters(self, clusters: Iterable[StoredCluster]) -> None:
        rows = list(clusters)
        self.db.executemany(
            "INSERT OR REPLACE INTO clusters (level, id, last, state, vector) VALUES (?, ?, ?, ?, ?)",
            [(c.level, c.id, c.last, c.state, c.vector) for c in rows],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO cluster_keys (key, level, id) VALUES (?, ?, ?)",
            [(key, c.level, c.id) for c in rows for key in c.keys],
        )

    def clusters(self, level: str, ids: Sequence[str]) -> list[StoredCluster]:
        found: list[StoredCluster] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += [
                StoredCluster(level, cid, last, bytes(state), None if vector is None else bytes(vector))
                for cid, last, state, vector in self.db.execute(
                    f"SELECT id, last, state, vector FROM clusters WHERE level = ? AND id IN ({marks})",
                    (level, *chunk),
                )
            ]
        return found

    def cluster_candidates(self, level: str, keys: Sequence[str], since: str | None, limit: int) -> list[str]:
        unique = list(dict.fromkeys(keys))
        if not unique:
            return []
        marks = ",".join("?" * len(unique))
        rows = self.db.execute(
            "SELECT k.id FROM cluster_keys k JOIN clusters c ON c.level = k.level AND c.id = k.id"
            f" WHERE k.level = ? AND k.key IN ({marks}) AND (c.last IS NULL OR c.last >= ?)"
            " GROUP BY k.id ORDER BY count(*) DESC, c.last DESC LIMIT ?",
            (level, *unique, since or "", limit),
        )
        return [r[0] for r in rows]

    def cluster_vectors(self, level: str, since: str | None) -> list[tuple[str, bytes]]:
        rows = self.db.execute(
            "SELECT id, vector FROM clusters WHERE level = ? AND vector IS NOT NULL AND (last IS NULL OR last >= ?)",
            (level, since or ""),
        )
        return [(cid, bytes(vector)) for cid, vector in rows]

    def saved_clusters(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM clusters").fetchone()[0])

    def placements_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        unique = list(dict.fromkeys(article_ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for article_id, event_id, story_id in self.db.execute(
                f"SELECT article_id, event_id, story_id FROM assignments WHERE article_id IN ({marks})", chunk
            ):
                found[article_id] = (event_id, story_id)
        return found

    def clear_clusters(self) -> None:
        self.db.execute("DELETE FROM clusters")
        self.db.execute("DELETE FROM cluster_keys")

    def unassigned(self) -> list[str]:
        counts = self.db.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM assignments)")
        articles, assigned = counts.fetchone()
        if articles == assigned:  # every unit of work places what it stores: the common case, without a scan
            return []
        return [r[0] for r in self.db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM assignments)"
            " ORDER BY published IS NULL, published, rowid"
        )]

    def article_ids(self, where: ArticleFilter, limit: int | None = None) -> list[str]:
        clauses, params = _story_clauses(StoryFilter(where.outlet, where.since, where.until))
        if where.story_id:
            clauses += " AND a.id IN (SELECT article_id FROM assignments WHERE story_id = ?)"
            params.append(where.story_id)
        rows = self.db.execute(
            f"SELECT a.id FROM articles a WHERE {clauses}"
            " ORDER BY a.published IS NULL, a.published, a.rowid LIMIT ?",
            (*params, -1 if limit is None else limit),
        )
        return [r[0] for r in rows]

    def story_ids(self, where: StoryFilter, limit: int = 50, offset: int = 0) -> list[str]:
        clauses, params = _story_clauses(where)
        rows = self.db.execute(
            "SELECT s.story_id FROM assignments s JOIN articles a ON a.id = s.article_id"
            f" WHERE s.story_id IN (SELECT s.story_id FROM assignments s JOIN articles a ON a.id = s.article_id"
            f" WHERE {clauses})"
            " GROUP BY s.story_id ORDER BY max(a.published) DESC, count(*) DESC, s.story_id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [r[0] for r in rows]

    def story_articles(self, story_id: str) -> list[tuple[str, ArticleSummary]]:
        columns = _summary_columns("a")
        rows = self.db.execute(
            f"SELECT s.event_id, {columns} FROM assignments s JOIN articles a ON a.id = s.article_id"
            " WHERE s.story_id = ? ORDER BY a.published IS NULL, a.published, a.rowid",
            (story_id,),
        ).fetchall()
        return [(row[0], ArticleSummary(*row[1:])) for row in rows]

    def story_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM assignments WHERE article_id = ?", (article_id,)).fetchone()
        return None if row is None else str(row[0])

    def links_among(self, article_ids: Sequence[str]) -> list[Link]:
        ids = list(set(article_ids))
        wanted = set(ids)
        links: list[Link] = []
        for start in range(0, len(ids), 400):
            chunk = ids[start : start + 400]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT kind, source, target, score, detail FROM links WHERE source IN ({marks})", chunk
            ).fetchall()
            links += [Link(k, s, t, sc, json.loads(d)) for k, s, t, sc, d in rows if t in wanted]
        return links

    def outlets(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet"
        )]

    def save_annotations(self, annotations: Iterable[StoredAnnotation]) -> None:
        made = now()
        self.db.executemany(
            "INSERT OR REPLACE INTO annotations (article_id, version, structure, vectors, made_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(a.article_id, a.version, a.structure, a.vectors, made) for a in annotations],
        )

    def annotations(self, article_ids: Sequence[str]) -> dict[str, StoredAnnotation]:
        found: dict[str, StoredAnnotation] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for article_id, version, structure, vectors in self.db.execute(
                f"SELECT article_id, version, structure, vectors FROM annotations WHERE article_id IN ({marks})",
                chunk,
            ):
                found[article_id] = StoredAnnotation(article_id, version, bytes(structure), bytes(vectors))
        return found

    def unannotated(self, version: str | None = None) -> list[str]:
        condition = "n.article_id IS NULL" + (" OR n.version != ?" if version else "")
        return [r[0] for r in self.db.execute(
            "SELECT a.id FROM articles a LEFT JOIN annotations n ON n.article_id = a.id"
            f" WHERE {condition} ORDER BY a.published IS NULL, a.published, a.rowid",
            [version] if version else [],
        )]

    def save_story_result(self, result: StoryResult) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO story_results (story_id, kind, key, data, made_at) VALUES (?, ?, ?, ?, ?)",
            (result.story_id, result.kind, result.key, result.data, result.made_at or now()),
        )

    def story_result(self, story_id: str, kind: str) -> StoryResult | None:
        row = self.db.execute(
            "SELECT key, data, made_at FROM story_results WHERE story_id = ? AND kind = ?", (story_id, kind)
        ).fetchone()
        return None if row is None else StoryResult(story_id, kind, row[0], bytes(row[1]), row[2])

    def begin(self) -> None:
        if not self.db.in_transaction:  # the file's write lock, held until `commit` (waits for another writer)
            self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def _story_clauses(where: StoryFilter) -> tuple[str, list[str]]:
    """The SQL condition (on `s` = assignments, `a` = articles) of a story filter."""
    clauses, params = ["1"], []
    if where.outlet:
        clauses.append("a.outlet = ?")
        params.append(where.outlet)
    if where.since:
        clauses.append("substr(a.published, 1, 10) >= ?")
        params.append(where.since)
    if where.until:
        clauses.append("substr(a.published, 1, 10) <= ?")
        params.append(where.until)
    if where.article_ids is not None:
        ids = list(where.article_ids) or [""]
        clauses.append(f"a.id IN ({','.join('?' * len(ids))})")
        params += ids
    return " AND ".join(clauses), params
