"""Duplicates and reuse between articles: exact, near (MinHash LSH), reused sentences.

- exact: the same folded text (`Article.content_hash`);
- near: estimated Jaccard similarity of word 3-shingles at or above
  `NEAR_DUPLICATE_JACCARD` (datasketch MinHash LSH finds the candidates);
- reuse: long sentences of one article reappear in another (a wire story
  republished, a blog copying a paper), at least `MIN_SHARED_SENTENCES` of them
  or `MIN_SHARED_SHARE` of the new article's long sentences.
The direction of a link goes from the earlier article (by publication date,
else by ingest order) to the later one.

Nothing is loaded into memory when a run starts: the LSH buckets of every
article (one 64-bit hash per band of its signature, datasketch's banding) are
kept in the store and looked up per new article, so the cost of an ingest
depends on what arrives, not on how much is stored.
"""

from __future__ import annotations

import hashlib
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
# Words of an article whose shingles make its signature: the longest real articles have a few
# thousand; a 10 MB text of 3 million one-letter words is signed by its first part.
MAX_SHINGLED_WORDS = 200_000
# Shingles hashed at once: bounds MinHash's working memory (NUM_PERM x 8 bytes each) on a 10 MB article.
SHINGLE_BATCH = 20_000
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
        for article_id, signature in store.unbucketed_signatures():  # stores made before buckets were kept
            store.add_buckets(article_id, buckets(signature))

    def links(self, article: Article, signals: Signals) -> tuple[str | None, list[Link]]:
        """(the article it exactly duplicates, if any; every link it has to stored articles)."""
        links: list[Link] = []
        duplicate_of = self.store.first_with_content(article.content_hash)
        if duplicate_of == article.id:
            duplicate_of = None
        if duplicate_of:
            links.append(Link("exact", duplicate_of, article.id, 1.0))
        links.extend(self._near(article, signals, exclude=duplicate_of))
        links.extend(self._reuse(article, signals))
        return duplicate_of, self._orient(article, links)

    def _near(self, article: Article, signals: Signals, exclude: str | None) -> list[Link]:
        minhash = _lean(signals.signature)
        found = []
        for other, signature in self.store.bucket_matches(buckets(signals.signature)).items():
            if other in (article.id, exclude):
                continue
            jaccard = float(minhash.jaccard(_lean(signature)))
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
    # A minimum over the distinct shingles (the signature of a multiset is that of its set), hashed in
    # batches: datasketch holds NUM_PERM hash values per shingle of a batch at once.
    distinct = list(dict.fromkeys(shingles(folded_body)))
    for start in range(0, len(distinct), SHINGLE_BATCH):
        minhash.update_batch(distinct[start : start + SHINGLE_BATCH])
    return Signals(minhash.hashvalues.tobytes(), sentence_fingerprints(folded_body))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The MinHash permutations (drawn once per process from the fixed seed)."""
    template = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashfunc=zlib.crc32)
    permutations: tuple[np.ndarray, np.ndarray] = template.permutations
    return permutations


def buckets(signature: bytes) -> list[int]:
    """The LSH bucket of each band of a signature: a signed 64-bit hash of (band, its hash values),
    with datasketch's banding for `LSH_THRESHOLD` (bands and rows chosen by MinHashLSH)."""
    values = np.frombuffer(signature, dtype=np.uint32)
    found = []
    for band, (start, end) in enumerate(_bands()):
        digest = hashlib.blake2b(values[start:end].byteswap().tobytes(), digest_size=8, person=bytes([band]) * 8)
        found.append(int.from_bytes(digest.digest(), "big", signed=True))
    return found


@lru_cache(maxsize=1)
def _bands() -> list[tuple[int, int]]:
    return list(MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges)


def shingles(folded: str) -> list[bytes]:
    """Word 3-shingles of a folded text (single words for very short texts), of its first
    `MAX_SHINGLED_WORDS` words."""
    words = _PUNCT.sub(" ", folded).split()[:MAX_SHINGLED_WORDS]
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
