"""DedupeIndex contract: raw hashes, dedupe entries in commit order, fingerprints, template-line counts."""

from __future__ import annotations

from marsad.store.base import Store

BLOG_COPY = "bf0ea5017d1a2de8"  # 05_blog_copy.txt republishes 03_alshahed.txt
ALSHAHED = "4b694f770f79f095"


def test_known_raw_names_the_stored_documents(examples: Store) -> None:
    article = examples.article(BLOG_COPY)
    assert article is not None
    assert examples.known_raw([article.raw_sha256, "f" * 64]) == {article.raw_sha256}
    assert examples.known_raw([]) == set()


def test_dedupe_entries_follow_commit_order_and_resume(examples: Store) -> None:
    entries = list(examples.dedupe_entries())
    assert len(entries) == 9
    assert [e.seq for e in entries] == sorted({e.seq for e in entries})
    assert [e.article_id for e in entries] == [i for i, _ in examples.content_hashes()]
    assert dict(examples.signatures()) == {e.article_id: e.signature for e in entries}
    assert all(len(e.signature) == 128 * 4 for e in entries)
    later = list(examples.dedupe_entries(after=entries[3].seq))
    assert later == entries[4:]


def test_fingerprint_matches_count_shared_sentences(examples: Store) -> None:
    entries = {e.article_id: e for e in examples.dedupe_entries()}
    assert ALSHAHED in entries
    from marsad.dedupe.detector import signals
    from marsad.text.normalize import fold

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
