"""Named, ordered schema migrations for the SQLite store."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_articles_raw_links",
        """
        CREATE TABLE raw (
            sha256 TEXT PRIMARY KEY,
            data BLOB NOT NULL,
            compressed INTEGER NOT NULL,
            size INTEGER NOT NULL,
            origin TEXT NOT NULL,
            locator TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE articles (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            raw_sha256 TEXT NOT NULL REFERENCES raw(sha256),
            content_hash TEXT NOT NULL,
            outlet TEXT,
            published TEXT,
            title TEXT,
            language TEXT NOT NULL,
            mt_score REAL NOT NULL,
            duplicate_of TEXT,
            origin TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE links (
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            score REAL NOT NULL,
            detail TEXT NOT NULL,
            PRIMARY KEY (kind, source, target)
        );
        CREATE INDEX links_target ON links(target);
        CREATE TABLE minhashes (article INTEGER PRIMARY KEY REFERENCES articles(rowid),
                                signature BLOB NOT NULL);
        CREATE TABLE fingerprints (hash INTEGER NOT NULL, article INTEGER NOT NULL);
        CREATE INDEX fingerprints_hash ON fingerprints(hash);
        CREATE TABLE outlet_lines (
            outlet TEXT NOT NULL, key INTEGER NOT NULL, articles INTEGER NOT NULL,
            PRIMARY KEY (outlet, key)
        ) WITHOUT ROWID;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, body, content='', tokenize='unicode61 remove_diacritics 2'
        );
        """,
    ),
    (
        "0002_story_assignments",
        """
        CREATE TABLE assignments (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            event_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            published TEXT,
            profile BLOB NOT NULL
        );
        CREATE INDEX assignments_event ON assignments(event_id);
        CREATE INDEX assignments_story ON assignments(story_id);
        CREATE INDEX assignments_published ON assignments(published);
        CREATE TABLE term_frequencies (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID;
        """,
    ),
    (
        "0003_annotations_story_results",
        """
        CREATE TABLE annotations (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            version TEXT NOT NULL,
            structure BLOB NOT NULL,
            vectors BLOB NOT NULL,
            made_at TEXT NOT NULL
        );
        CREATE INDEX annotations_version ON annotations(version);
        CREATE TABLE story_results (
            story_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            data BLOB NOT NULL,
            made_at TEXT NOT NULL,
            PRIMARY KEY (story_id, kind)
        ) WITHOUT ROWID;
        """,
    ),
    (
        "0004_lsh_buckets",
        """
        CREATE TABLE lsh_buckets (bucket INTEGER NOT NULL, article INTEGER NOT NULL REFERENCES articles(rowid));
        CREATE INDEX lsh_buckets_bucket ON lsh_buckets(bucket);
        CREATE INDEX lsh_buckets_article ON lsh_buckets(article);
        """,
    ),
    (
        "0005_cluster_states",
        """
        CREATE TABLE clusters (
            level TEXT NOT NULL, id TEXT NOT NULL, last TEXT, state BLOB NOT NULL, vector BLOB,
            PRIMARY KEY (level, id)
        ) WITHOUT ROWID;
        CREATE INDEX clusters_last ON clusters(level, last);
        CREATE TABLE cluster_keys (key TEXT NOT NULL, level TEXT NOT NULL, id TEXT NOT NULL,
                                   PRIMARY KEY (key, level, id)) WITHOUT ROWID;
        """,
    ),
    (
        "0006_outlet_paragraphs",
        """
        CREATE TABLE outlet_paragraphs (
            outlet TEXT NOT NULL, key INTEGER NOT NULL, articles INTEGER NOT NULL,
            carriers TEXT NOT NULL,
            PRIMARY KEY (outlet, key)
        ) WITHOUT ROWID;
        CREATE TABLE document_topics (document INTEGER PRIMARY KEY, topic TEXT NOT NULL);
        """,
    ),
]


def migrate(db: sqlite3.Connection) -> None:
    """Apply, in order, every migration the database has not seen yet. Two processes opening a new store at once
    both see a migration missing: each claims it first (its name is the key), so the second one's claim fails
    once the first has committed, and it skips that migration."""
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    db.commit()
    done = {row[0] for row in db.execute("SELECT name FROM migrations")}
    for name, script in MIGRATIONS:
        if name in done:
            continue
        try:
            db.executescript(
                f"BEGIN IMMEDIATE;\nINSERT INTO migrations VALUES ('{name}', datetime('now'));\n{script}\nCOMMIT;"
            )
        except sqlite3.IntegrityError:  # applied by another process meanwhile
            db.rollback()
