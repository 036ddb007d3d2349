"""The default store: one SQLite file (WAL), FTS5 search over normalised Arabic."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from marsad.errors import StoreError
from marsad.records import Article, Link
from marsad.store.base import ArticleSummary, SearchHit, Store, StoredArticle
from marsad.store.codec import decode_article, encode_article
from marsad.store.migrations import migrate
from marsad.text.normalize import fold, fold_with_offsets

SNIPPET_CONTEXT = 80
_SUMMARY_COLUMNS = "id, title, outlet, published, language, mt_score, duplicate_of, origin"


class SQLiteStore(Store):
    """A store in one SQLite file. Writes are batched until `commit`."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path)
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
             a.origin.locator, datetime.now(UTC).isoformat(timespec="seconds")),
        )
        cursor = self.db.execute(
            "INSERT INTO articles (id, raw_sha256, content_hash, outlet, published, title,"
            " language, mt_score, duplicate_of, origin, record)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, a.raw_sha256, a.content_hash, a.outlet, a.published, a.title, a.language,
             a.machine_translation.score, stored.duplicate_of, _origin(a), encode_article(a)),
        )
        rowid = cursor.lastrowid
        self.db.execute(
            "INSERT INTO minhashes (article, signature) VALUES (?, ?)", (rowid, stored.signature)
        )
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
        terms = [t for t in fold(query).split() if t.strip('"')]
        if not terms:
            return []
        match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
        rows = self.db.execute(
            f"SELECT {', '.join('a.' + c.strip() for c in _SUMMARY_COLUMNS.split(','))},"
            " a.record, bm25(articles_fts) AS rank"
            " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        hits = []
        for row in rows:
            article = decode_article(row[8])
            snippet = _snippet(article.text, [t.strip('"') for t in terms])
            hits.append(SearchHit(ArticleSummary(*row[:8]), snippet, -float(row[9])))
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

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.execute(
            "SELECT a.id, m.signature FROM minhashes m JOIN articles a ON a.rowid = m.article"
        )

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

    def published_of(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(
            f"SELECT id, published FROM articles WHERE id IN ({marks})", list(article_ids)
        ).fetchall()
        return dict(rows)

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def _origin(article: Article) -> str:
    o = article.origin
    return f"{o.path}:{o.locator}" if o.locator else o.path


def _snippet(text: str, terms: list[str]) -> str:
    """The passage of the original text around the first matching term."""
    folded, offsets = fold_with_offsets(text)
    positions = [p for p in (folded.find(t) for t in terms) if p >= 0]
    if not positions:
        return text[: 2 * SNIPPET_CONTEXT]
    centre = offsets[min(positions)]
    start = max(0, centre - SNIPPET_CONTEXT)
    end = min(len(text), centre + SNIPPET_CONTEXT)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[start:end].replace("\n\n", " ¶ ") + suffix
