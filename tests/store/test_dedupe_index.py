"""DedupeIndex contract: raw hashes, article sequence, exact content, LSH buckets, fingerprints, template lines."""

from __future__ import annotations

from pathlib import Path

from marsad.dedupe.detector import buckets, signals
from marsad.pipeline import clean_inputs, ingest
from marsad.records import Article
from marsad.store.base import PARAGRAPH_CARRIERS, ParagraphEvidence, Store, StoredArticle
from marsad.text.normalize import fold

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"

BLOG_COPY = "bf0ea5017d1a2de8"  # 05_blog_copy.txt republishes 03_alshahed.txt
ALSHAHED = "4b694f770f79f095"


def test_known_raw_names_the_stored_documents(examples: Store) -> None:
    article = examples.article(BLOG_COPY)
    assert article is not None
    assert examples.known_raw([article.raw_sha256, "f" * 64]) == {article.raw_sha256}
    assert examples.known_raw([]) == set()


def test_article_seq_grows_with_each_stored_article(store: Store) -> None:
    assert store.article_seq() == 0
    ingest([str(EXAMPLES / "01_alsahil_alyawm.txt")], store)
    first = store.article_seq()
    ingest([str(EXAMPLES / "03_alshahed.txt")], store)
    second = store.article_seq()
    ingest([str(EXAMPLES / "03_alshahed.txt")], store)  # unchanged: nothing stored
    assert 0 < first < second == store.article_seq()


def test_first_with_content_is_the_earliest_stored(examples: Store) -> None:
    ids = [i for i, _ in examples.content_hashes()]
    assert len(ids) == 9
    article = examples.article(BLOG_COPY)
    assert article is not None
    assert examples.first_with_content(article.content_hash) == BLOG_COPY
    assert examples.first_with_content("0" * 16) is None


def test_bucket_matches_find_articles_sharing_a_band(examples: Store) -> None:
    article = examples.article(BLOG_COPY)
    assert article is not None
    signature = signals(fold(article.body)).signature
    found = examples.bucket_matches(buckets(signature))
    assert found[BLOG_COPY] == signature and len(signature) == 128 * 4
    assert examples.bucket_matches([]) == {} and examples.bucket_matches([12345]) == {}
    assert list(examples.unbucketed_signatures()) == []  # every ingested article is filed


def test_articles_of_an_older_store_are_filed_under_their_buckets_once(store: Store) -> None:
    [article] = [a for a in clean_inputs([str(EXAMPLES / "03_alshahed.txt")]) if isinstance(a, Article)]
    folded = fold(article.body)
    signed = signals(folded)
    store.add_article(StoredArticle(article, b"raw", signed.signature, signed.fingerprints, None, folded))  # no buckets
    store.commit()
    assert list(store.unbucketed_signatures()) == [(article.id, signed.signature)]
    assert store.bucket_matches(buckets(signed.signature)) == {}
    store.add_buckets(article.id, buckets(signed.signature))
    store.add_buckets("no-such-article", [1, 2])  # ignored
    store.commit()
    assert list(store.unbucketed_signatures()) == []
    assert store.bucket_matches(buckets(signed.signature)) == {article.id: signed.signature}


def test_fingerprint_matches_count_shared_sentences(examples: Store) -> None:
    article = examples.article(BLOG_COPY)
    assert article is not None
    shared = examples.fingerprint_matches(signals(fold(article.body)).fingerprints)
    assert shared[BLOG_COPY] >= shared[ALSHAHED] == 6  # the reuse link's `shared_sentences`


def test_outlet_line_counts_add_up_per_outlet(store: Store) -> None:
    store.add_outlet_lines("a", [1, 2, 2])
    store.add_outlet_lines("a", [2, 3])
    store.add_outlet_lines("b", [2])
    store.commit()
    assert store.outlet_line_counts("a", [1, 2, 3, 4]) == {1: 1, 2: 2, 3: 1}
    assert store.outlet_line_counts("b", [2, 1]) == {2: 1}
    assert store.outlet_line_counts("c", []) == {}
    big = 2**62 + 12345  # keys are 63-bit hashes
    store.add_outlet_lines("a", [big])
    assert store.outlet_line_counts("a", [big]) == {big: 1}


def test_template_counts_of_the_example_outlets(examples: Store) -> None:
    article = examples.article(ALSHAHED)
    assert article is not None and article.outlet
    from marsad.clean.lines import split_lines
    from marsad.clean.templates import template_candidates

    raw = (examples.raw_bytes(article.raw_sha256) or b"").decode()
    keys = template_candidates(split_lines(raw))
    assert keys and set(examples.outlet_line_counts(article.outlet, keys).values()) == {1}


def test_paragraph_evidence_counts_documents_and_keeps_the_latest_carriers(store: Store) -> None:
    assert store.paragraph_evidence("a", [1, 2]) == {} and store.document_topics([10]) == {}
    store.add_paragraph_evidence("a", 10, ["ميناء", "انفجار"], [1, 2, 2])
    for document in range(11, 11 + PARAGRAPH_CARRIERS):
        store.add_paragraph_evidence("a", document, [f"t{document}"], [2])
    store.add_paragraph_evidence("b", 99, [], [1])
    store.add_paragraph_evidence("a", 10, ["later"], [3])  # a topic is kept once, the first
    store.commit()
    found = store.paragraph_evidence("a", [1, 2, 3, 4])
    assert found[1] == ParagraphEvidence(1, (10,))
    assert found[2] == ParagraphEvidence(1 + PARAGRAPH_CARRIERS, tuple(range(11, 11 + PARAGRAPH_CARRIERS)))
    assert found[3] == ParagraphEvidence(1, (10,)) and 4 not in found
    assert store.paragraph_evidence("b", [1]) == {1: ParagraphEvidence(1, (99,))}
    big = 2**62 + 7  # keys and documents are 63-bit hashes
    store.add_paragraph_evidence("a", big, ["x"], [big])
    assert store.paragraph_evidence("a", [big]) == {big: ParagraphEvidence(1, (big,))}
    assert store.document_topics([10, 99, 12, 404]) == {
        10: frozenset({"ميناء", "انفجار"}), 99: frozenset(), 12: frozenset({"t12"})
    }
