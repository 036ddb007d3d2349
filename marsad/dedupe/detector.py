"""Duplicates and reuse between articles: exact, near (MinHash LSH), reused sentences.

- exact: the same folded text (`Article.content_hash`);
- near: estimated Jaccard similarity of word 3-shingles at or above
  `NEAR_DUPLICATE_JACCARD` (datasketch MinHash LSH finds the candidates);
- reuse: long sentences of one article reappear in another (a wire story
  republished, a blog copying a paper), at least `MIN_SHARED_SENTENCES` of them
  or `MIN_SHARED_SHARE` of the new article's long sentences.
The direction of a link goes from the earlier article (by publication date,
else by ingest order) to the later one.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from marsad.records import Article, Link
from marsad.store.base import Store
from marsad.text.normalize import stable_hash

NUM_PERM = 128
SHINGLE_WORDS = 3
LSH_THRESHOLD = 0.5
NEAR_DUPLICATE_JACCARD = 0.6
MIN_FINGERPRINT_WORDS = 8
MIN_SHARED_SENTENCES = 3
MIN_SHARED_SHARE = 0.3
_SEED = 1
_SCHEME = "affine32"  # datasketch >= 2.0: unbiased, uint32 hash values
# Shingles are hashed with CRC-32 (a C builtin, ~3x cheaper per call than
# datasketch's SHA-1 wrapper); the affine32 scheme pre-mixes every input hash
# with the MurmurHash3 finalizer, which evens out CRC-32's weak bits.
_PUNCT = re.compile(r"[^\w\s]")
_SENTENCE_END = re.compile(r"[.!?؟…\n]+")


@dataclass(frozen=True)
class Signals:
    """What deduplication computes once per article."""

    signature: bytes
    fingerprints: list[int]


class Deduplicator:
    """Finds the links of each new article against everything in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._minhashes: dict[str, LeanMinHash] = {}
        self._first_with_content: dict[str, str] = {}
        self._seen = 0  # the store's last entry read (`DedupeEntry.seq`)
        self.catch_up()

    def catch_up(self) -> int:
        """Read the articles stored since the last look (by this writer or another one sharing the
        store); return how many of them this index did not hold yet."""
        new = 0
        for entry in self.store.dedupe_entries(after=self._seen):
            self._seen = entry.seq
            new += entry.article_id not in self._minhashes
            self._index(entry.article_id, _lean(entry.signature))
            self._first_with_content.setdefault(entry.content_hash, entry.article_id)
        return new

    def links(self, article: Article, signals: Signals) -> tuple[str | None, list[Link]]:
        """(the article it exactly duplicates, if any; every link it has to stored articles)."""
        links: list[Link] = []
        duplicate_of = self._first_with_content.get(article.content_hash)
        if duplicate_of:
            links.append(Link("exact", duplicate_of, article.id, 1.0))
        links.extend(self._near(article, signals, exclude=duplicate_of))
        links.extend(self._reuse(article, signals))
        return duplicate_of, self._orient(article, links)

    def add(self, article: Article, signals: Signals) -> None:
        """Make the article findable by the next ones."""
        self._index(article.id, _lean(signals.signature))
        self._first_with_content.setdefault(article.content_hash, article.id)

    def _index(self, article_id: str, minhash: LeanMinHash) -> None:
        if article_id not in self._minhashes:
            self._minhashes[article_id] = minhash
            self._lsh.insert(article_id, minhash)

    def _near(self, article: Article, signals: Signals, exclude: str | None) -> list[Link]:
        minhash = _lean(signals.signature)
        found = []
        for other in self._lsh.query(minhash):
            if other in (article.id, exclude):
                continue
            jaccard = float(minhash.jaccard(self._minhashes[other]))
            if jaccard >= NEAR_DUPLICATE_JACCARD:
                found.append(Link("near", other, article.id, round(jaccard, 3)))
        return found

    def _reuse(self, article: Article, signals: Signals) -> list[Link]:
        if not signals.fingerprints:
            return []
        found = []
        total = len(signals.fingerprints)
        for other, shared in self.store.fingerprint_matches(signals.fingerprints).items():
            if other == article.id:
                continue
            share = shared / total
            if shared >= MIN_SHARED_SENTENCES or share >= MIN_SHARED_SHARE:
                found.append(Link("reuse", other, article.id, round(share, 3),
                                  {"shared_sentences": shared}))
        return found

    def _orient(self, article: Article, links: list[Link]) -> list[Link]:
        """Point every link from the earlier article to the later one."""
        if not links:
            return links
        dates = self.store.published_of([ln.source for ln in links])
        oriented = []
        for link in links:
            other_date = dates.get(link.source)
            later = article.published is not None and other_date is not None and (
                article.published[:10] < other_date[:10]
            )
            basis = "publication date" if article.published and other_date else "ingest order"
            detail = {**link.detail, "direction": basis}
            if later:
                oriented.append(Link(link.kind, article.id, link.source, link.score, detail))
            else:
                oriented.append(Link(link.kind, link.source, link.target, link.score, detail))
        return oriented


def signals(folded_body: str) -> Signals:
    """MinHash signature and sentence fingerprints of an article's folded body (a plain function:
    it runs wherever the article is cleaned)."""
    minhash = MinHash(
        num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME, hashfunc=zlib.crc32
    )
    minhash.update_batch(shingles(folded_body))
    return Signals(minhash.hashvalues.tobytes(), sentence_fingerprints(folded_body))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The MinHash permutations (drawn once per process from the fixed seed)."""
    template = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashfunc=zlib.crc32)
    permutations: tuple[np.ndarray, np.ndarray] = template.permutations
    return permutations


def shingles(folded: str) -> list[bytes]:
    """Word 3-shingles of a folded text (single words for very short texts)."""
    words = _PUNCT.sub(" ", folded).split()
    if len(words) < SHINGLE_WORDS:
        return [w.encode() for w in words] or [b""]
    return [
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    ]


def sentence_fingerprints(folded: str) -> list[int]:
    """Hashes of the long sentences of a folded text (split at sentence ends and line breaks)."""
    keys = (" ".join(_PUNCT.sub(" ", part).split()) for part in _SENTENCE_END.split(folded))
    return list(dict.fromkeys(stable_hash(k) for k in keys if k.count(" ") + 1 >= MIN_FINGERPRINT_WORDS))


def _lean(signature: bytes) -> LeanMinHash:
    return LeanMinHash(
        seed=_SEED, hashvalues=np.frombuffer(signature, dtype=np.uint32), scheme=_SCHEME
    )
