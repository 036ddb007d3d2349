"""The interfaces every store implements (one SQLite file by default; PostgreSQL for a shared store).

`Store` is four small interfaces, each a concern a reader can take alone:
`ArticleStore` (articles, raw bytes, search), `DedupeIndex` (what deduplication
and template-line detection need), `StoryIndex` (events, stories and their
results) and `AnnotationStore`; plus the unit of work (`begin`, `commit`).
Both backends pass one contract suite (`tests/store/`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from marsad.records import Article, Link


@dataclass(frozen=True)
class ArticleSummary:
    """One row of an article listing."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    language: str
    machine_translation: float
    duplicate_of: str | None
    origin: str
    url: str | None = None
    input_id: str | None = None  # the input record's own id field, when it had one


@dataclass(frozen=True)
class SearchHit:
    """An article matching a search, with the matching passage of its text."""

    summary: ArticleSummary
    snippet: str
    score: float


@dataclass(frozen=True)
class StoredArticle:
    """What `add_article` writes: the article and what deduplication needs of it."""

    article: Article
    raw: bytes
    signature: bytes  # MinHash signature
    fingerprints: Sequence[int]  # hashes of the article's long sentences
    duplicate_of: str | None
    folded_body: str  # the body's matching form, for the search index
    buckets: Sequence[int] = ()  # LSH buckets of the signature (`dedupe.detector.buckets`)


@dataclass(frozen=True)
class Assignment:
    """An article's place in the story map: its event, the event's story, and its clustering profile."""

    article_id: str
    event_id: str
    story_id: str
    published: str | None
    profile: bytes


@dataclass(frozen=True)
class StoredCluster:
    """An event or story of the clusterer as the store keeps it (`stories.state`): its state, the
    posting keys it is found by, and its packed mean vector."""

    level: str  # "event" or "story"
    id: str
    last: str | None  # YYYY-MM-DD of its latest article
    state: bytes
    vector: bytes | None
    keys: Sequence[str] = ()  # keys to add (terms, entities); existing ones are kept


@dataclass(frozen=True)
class StoryFilter:
    """Which stories a listing shows; every field left empty matches all."""

    outlet: str | None = None
    since: str | None = None  # YYYY-MM-DD, stories with an article on or after
    until: str | None = None  # YYYY-MM-DD, stories with an article on or before
    article_ids: Sequence[str] | None = None  # stories containing one of these articles


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a reading command takes; every field left empty matches all."""

    story_id: str | None = None
    outlet: str | None = None
    since: str | None = None  # YYYY-MM-DD, published on or after
    until: str | None = None  # YYYY-MM-DD, published on or before


@dataclass(frozen=True)
class StoredAnnotation:
    """An article's annotation as the store keeps it: encoded by `marsad.understand.codec`."""

    article_id: str
    version: str
    structure: bytes
    vectors: bytes


PARAGRAPH_CARRIERS = 8
"""How many of a paragraph's latest carriers the paragraph evidence keeps."""


@dataclass(frozen=True)
class ParagraphEvidence:
    """How often one paragraph (by key) appeared in an outlet's articles, and in which (the latest)."""

    articles: int  # distinct texts of the outlet that carried it
    carriers: tuple[int, ...]  # document keys of the latest carriers, oldest first


@dataclass(frozen=True)
class StoryResult:
    """A per-story result (an analysis, a brief), valid while the story's `key` is unchanged."""

    story_id: str
    kind: str
    key: str  # names the story's articles and their annotations' versions when it was made
    data: bytes
    made_at: str = ""


class ParagraphCounts(Protocol):
    """Paragraph evidence per outlet (the store's, or the store's plus pending counts)."""

    def add_paragraph_evidence(self, outlet: str, document: int, topic: Sequence[str], keys: Iterable[int]) -> None:
        """Count one document's paragraph keys for its outlet and keep its topic."""
        ...

    def paragraph_evidence(self, outlet: str, keys: Iterable[int]) -> dict[int, ParagraphEvidence]:
        """What the outlet's counted documents say of these paragraph keys."""
        ...

    def document_topics(self, documents: Sequence[int]) -> dict[int, frozenset[str]]:
        """The topics of these counted documents."""
        ...


class OutletLineCounts(Protocol):
    """Counts of candidate template lines per outlet (the store's, or the store's plus pending ones)."""

    def outlet_line_counts(self, outlet: str, keys: Iterable[int]) -> dict[int, int]:
        """In how many of the outlet's articles each of these line keys appeared."""
        ...


class ArticleStore(ABC):
    """Articles, their raw bytes and the search index."""

    @abstractmethod
    def add_article(self, stored: StoredArticle) -> None:
        """Write an article with its raw bytes, dedupe data and search index entry."""

    @abstractmethod
    def article(self, article_id: str) -> Article | None:
        """One article by id (or unique id prefix)."""

    @abstractmethod
    def raw_bytes(self, sha256: str) -> bytes | None:
        """The exact input bytes an article came from."""

    @abstractmethod
    def summaries(
        self, limit: int = 50, offset: int = 0, outlet: str | None = None
    ) -> list[ArticleSummary]:
        """Articles in publication order, optionally of one outlet."""

    @abstractmethod
    def count(self) -> int:
        """How many articles the store holds."""

    @abstractmethod
    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over the normalised text, best matches first."""

    @abstractmethod
    def links_of(self, article_id: str) -> list[Link]:
        """Every link in which the article takes part."""

    @abstractmethod
    def add_links(self, links: Iterable[Link]) -> None:
        """Record links between articles (duplicates, reuse); existing ones are kept."""

    @abstractmethod
    def published_of(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """Publication dates of some articles."""

    @abstractmethod
    def article_ids(self, where: ArticleFilter, limit: int | None = None) -> list[str]:
        """Ids of the articles matching the filter, in publication order."""

    @abstractmethod
    def outlets(self) -> list[str]:
        """Every outlet the store has articles from."""


class DedupeIndex(ABC):
    """What deduplication and the cross-document cleaning evidence (template lines, paragraphs) read and write."""

    @abstractmethod
    def known_raw(self, sha256s: Sequence[str]) -> set[str]:
        """Which of these raw-byte hashes were ingested already."""

    @abstractmethod
    def content_hashes(self) -> Iterator[tuple[str, str]]:
        """(article id, folded-text hash) of every article, in ingest order."""

    @abstractmethod
    def first_with_content(self, content_hash: str) -> str | None:
        """The first stored article with this folded-text hash, if any."""

    @abstractmethod
    def bucket_matches(self, buckets: Sequence[int]) -> dict[str, bytes]:
        """The articles in any of these LSH buckets, with their MinHash signatures."""

    @abstractmethod
    def add_buckets(self, article_id: str, buckets: Sequence[int]) -> None:
        """File a stored article under its LSH buckets."""

    @abstractmethod
    def unbucketed_signatures(self) -> Iterator[tuple[str, bytes]]:
        """(article id, MinHash signature) of the articles filed under no LSH bucket yet."""

    @abstractmethod
    def article_seq(self) -> int:
        """The sequence number of the latest stored article (0: none): it grows with every article any
        writer stores, so a writer sees whether another one wrote since its last unit of work."""

    @abstractmethod
    def fingerprint_matches(self, fingerprints: Sequence[int]) -> dict[str, int]:
        """For each stored article sharing some of these sentence hashes, how many."""

    @abstractmethod
    def add_outlet_lines(self, outlet: str, keys: Iterable[int]) -> None:
        """Count one article's candidate template lines (hashed keys) for its outlet."""

    @abstractmethod
    def outlet_line_counts(self, outlet: str, keys: Iterable[int]) -> dict[int, int]:
        """In how many of the outlet's articles each of these line keys appeared."""

    @abstractmethod
    def add_paragraph_evidence(self, outlet: str, document: int, topic: Sequence[str], keys: Iterable[int]) -> None:
        """Count one document's paragraph keys for its outlet (the caller counts a text once) and keep its topic."""

    @abstractmethod
    def paragraph_evidence(self, outlet: str, keys: Iterable[int]) -> dict[int, ParagraphEvidence]:
        """What the outlet's counted documents say of these paragraph keys (keys never seen left out)."""

    @abstractmethod
    def document_topics(self, documents: Sequence[int]) -> dict[int, frozenset[str]]:
        """The topics (title and lead stems) of these counted documents."""


class StoryIndex(ABC):
    """Events and stories: assignments, clustering statistics, per-story results."""

    @abstractmethod
    def save_assignments(self, assignments: Iterable[Assignment]) -> None:
        """Record articles' events and stories, replacing earlier assignments of the same articles."""

    @abstractmethod
    def assignments(self, since: str | None = None, until: str | None = None) -> Iterator[Assignment]:
        """Assignments of articles published on or after `since` and before `until` (each unbounded
        when None; undated articles only when `until` is None), in publication order."""

    @abstractmethod
    def term_frequencies(self, terms: Sequence[str] | None = None) -> tuple[int, dict[str, int]]:
        """How many articles story clustering has seen, and in how many of them each term appeared
        (of these terms only, when given)."""

    @abstractmethod
    def add_term_frequencies(self, documents: int, frequencies: dict[str, int]) -> None:
        """Count more articles into the term frequencies."""

    @abstractmethod
    def save_clusters(self, clusters: Iterable[StoredCluster]) -> None:
        """Write clusters' states (replacing the old ones) and add their keys."""

    @abstractmethod
    def clusters(self, level: str, ids: Sequence[str]) -> list[StoredCluster]:
        """The stored states of these clusters (keys left out)."""

    @abstractmethod
    def cluster_candidates(self, level: str, keys: Sequence[str], since: str | None, limit: int) -> list[str]:
        """Clusters filed under most of these keys, active on or after `since`, at most `limit`."""

    @abstractmethod
    def cluster_vectors(self, level: str, since: str | None) -> list[tuple[str, bytes]]:
        """(id, packed mean vector) of the clusters active on or after `since`."""

    @abstractmethod
    def saved_clusters(self) -> int:
        """How many clusters the store keeps states of."""

    @abstractmethod
    def placements_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(event id, story id) of each of these articles that has them."""

    @abstractmethod
    def clear_clusters(self) -> None:
        """Forget every cluster state (before a rebuild)."""

    @abstractmethod
    def unassigned(self) -> list[str]:
        """Ids of the articles that have no event yet, in publication order."""

    @abstractmethod
    def story_ids(self, where: StoryFilter, limit: int = 50, offset: int = 0) -> list[str]:
        """Stories matching the filter, most recently active first."""

    @abstractmethod
    def story_articles(self, story_id: str) -> list[tuple[str, ArticleSummary]]:
        """(event id, article) of every article of a story, in publication order."""

    @abstractmethod
    def story_of(self, article_id: str) -> str | None:
        """The story an article belongs to."""

    @abstractmethod
    def links_among(self, article_ids: Sequence[str]) -> list[Link]:
        """Links whose both ends are among these articles."""

    @abstractmethod
    def save_story_result(self, result: StoryResult) -> None:
        """Keep a per-story result, replacing the story's earlier one of the same kind."""

    @abstractmethod
    def story_result(self, story_id: str, kind: str) -> StoryResult | None:
        """The stored result of that kind for a story, if any (its `key` says whether it is current)."""


class AnnotationStore(ABC):
    """Annotations of articles, encoded by `marsad.understand.codec`."""

    @abstractmethod
    def save_annotations(self, annotations: Iterable[StoredAnnotation]) -> None:
        """Write articles' annotations, replacing the ones they had."""

    @abstractmethod
    def annotations(self, article_ids: Sequence[str]) -> dict[str, StoredAnnotation]:
        """The stored annotations of these articles (those that have one)."""

    @abstractmethod
    def unannotated(self, version: str | None = None) -> list[str]:
        """Ids of articles without an annotation (or, with `version`, without one of that version),
        in publication order."""


class Store(ArticleStore, DedupeIndex, StoryIndex, AnnotationStore):
    """Everything an ingest, a reader or the web needs of a store, and its unit of work."""

    @abstractmethod
    def begin(self) -> None:
        """Start a unit of work that writes what several writers share (articles, links, counts,
        stories): while another writer is in one, wait for it to commit; `commit` ends it."""

    @abstractmethod
    def commit(self) -> None:
        """Make everything written so far durable."""

    @abstractmethod
    def close(self) -> None:
        """Commit and release the store."""
