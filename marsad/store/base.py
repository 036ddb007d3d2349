"""The one narrow interface every store implements (SQLite now; a server database later)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

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


class Store(ABC):
    """Articles, their raw bytes, dedupe indexes, links and cross-document line statistics."""

    @abstractmethod
    def known_raw(self, sha256s: Sequence[str]) -> set[str]:
        """Which of these raw-byte hashes were ingested already."""

    @abstractmethod
    def add_article(self, stored: StoredArticle) -> None:
        """Write an article with its raw bytes, dedupe data and search index entry."""

    @abstractmethod
    def add_links(self, links: Iterable[Link]) -> None:
        """Record links between articles (duplicates, reuse); existing ones are kept."""

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
    def content_hashes(self) -> Iterator[tuple[str, str]]:
        """(article id, folded-text hash) of every article, in ingest order."""

    @abstractmethod
    def signatures(self) -> Iterator[tuple[str, bytes]]:
        """(article id, MinHash signature) of every article."""

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
    def published_of(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """Publication dates of some articles."""

    @abstractmethod
    def commit(self) -> None:
        """Make everything written so far durable."""

    @abstractmethod
    def close(self) -> None:
        """Commit and release the store."""
