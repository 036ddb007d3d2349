"""StoryIndex contract: assignments, term frequencies, story listings and per-story results."""

from __future__ import annotations

from pathlib import Path

from marsad.pipeline import ingest
from marsad.store.base import Assignment, Store, StoredCluster, StoryFilter, StoryResult

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"
BLOG_COPY = "bf0ea5017d1a2de8"  # 05_blog_copy.txt republishes 03_alshahed.txt
ALSHAHED = "4b694f770f79f095"

STORY = "st-90bf4e113e9eea49"  # every example article tells one story
LAST = "3d6d4fa82ea902e6"  # 08_feed.jsonl line 2, published 2024-03-20


def test_the_examples_are_one_story_of_five_events(examples: Store) -> None:
    assert examples.unassigned() == []
    assert examples.story_ids(StoryFilter()) == [STORY]
    members = examples.story_articles(STORY)
    assert len(members) == 9 and len({event for event, _ in members}) == 5
    assert [a.published for _, a in members] == sorted(a.published or "" for _, a in members)
    events = {a.id: event for event, a in members}
    assert events[ALSHAHED] == events[BLOG_COPY]  # the copy joins its source's event
    assert examples.story_of(BLOG_COPY) == STORY and examples.story_of("nope") is None


def test_story_filters(examples: Store) -> None:
    assert examples.story_ids(StoryFilter(outlet="صوت النجود")) == [STORY]
    assert examples.story_ids(StoryFilter(since="2024-03-21")) == []
    assert examples.story_ids(StoryFilter(until="2024-03-13")) == [STORY]
    assert examples.story_ids(StoryFilter(article_ids=[BLOG_COPY])) == [STORY]
    assert examples.story_ids(StoryFilter(article_ids=[])) == []
    assert examples.story_ids(StoryFilter(), offset=1) == []


def test_assignments_window_and_replacement(store: Store) -> None:
    ingest([str(EXAMPLES)], store)
    placed = list(store.assignments())
    assert len(placed) == 9 and [a.published for a in placed] == sorted(a.published or "" for a in placed)
    assert [a.article_id for a in store.assignments(since="2024-03-15", until="2024-03-16")] == [ALSHAHED]
    assert {a.article_id for a in store.assignments(since="2024-03-15")} == {ALSHAHED, BLOG_COPY, LAST}
    store.save_assignments([Assignment(BLOG_COPY, "ev-x", "st-x", "2024-03-16", b"p")])
    store.commit()
    assert store.story_of(BLOG_COPY) == "st-x"
    assert [(a.article_id, a.event_id, a.profile) for a in store.assignments(since="2024-03-16")] == [
        (BLOG_COPY, "ev-x", b"p"), (LAST, "ev-3d6d4fa82ea902e6", placed[-1].profile)
    ]
    assert store.story_ids(StoryFilter()) == [STORY, "st-x"]


def test_term_frequencies_accumulate(store: Store) -> None:
    assert store.term_frequencies() == (0, {})
    store.add_term_frequencies(2, {"ميناء": 2, "x": 1})
    store.add_term_frequencies(1, {"ميناء": 1})
    store.commit()
    assert store.term_frequencies() == (3, {"ميناء": 3, "x": 1})


def test_story_results_are_replaced_per_kind(store: Store) -> None:
    assert store.story_result("s", "brief") is None
    store.save_story_result(StoryResult("s", "brief", "k1", b"\x00one"))
    store.save_story_result(StoryResult("s", "brief", "k2", b"two", "2024-01-01T00:00:00+00:00"))
    store.save_story_result(StoryResult("s", "entities", "k1", b"three"))
    store.commit()
    assert store.story_result("s", "brief") == StoryResult("s", "brief", "k2", b"two", "2024-01-01T00:00:00+00:00")
    found = store.story_result("s", "entities")
    assert found is not None and found.data == b"three" and found.made_at


def _cluster(level: str, cluster_id: str, last: str | None, state: bytes, vector: bytes | None,
             keys: tuple[str, ...] = ()) -> StoredCluster:
    return StoredCluster(level, cluster_id, last, state, vector, keys)


def test_cluster_states_are_replaced_and_keys_kept(store: Store) -> None:
    assert store.saved_clusters() == 0
    store.save_clusters([
        _cluster("event", "ev-a", "2024-03-10", b"a1", b"va", ("t:ميناء", "t:انفجار", "e:الرمال")),
        _cluster("event", "ev-b", None, b"b1", None, ("t:ميناء",)),
        _cluster("story", "st-a", "2024-03-10", b"s1", b"vs", ("t:ميناء",)),
    ])
    store.save_clusters([_cluster("event", "ev-a", "2024-03-12", b"a2", b"va2", ("t:نقابة",))])
    store.commit()
    assert store.saved_clusters() == 3
    found = store.clusters("event", ["ev-a", "ev-b", "ev-a", "nope"])  # keys left out
    assert sorted(found, key=lambda c: c.id) == [
        _cluster("event", "ev-a", "2024-03-12", b"a2", b"va2"), _cluster("event", "ev-b", None, b"b1", None)
    ]
    assert store.clusters("story", ["ev-a"]) == [] and store.clusters("event", []) == []
    # ev-a keeps its old keys and gains the new one; it shares two of these keys, ev-b one
    assert store.cluster_candidates("event", ["t:ميناء", "t:نقابة", "x"], None, 10) == ["ev-a", "ev-b"]
    assert store.cluster_candidates("event", ["t:ميناء"], None, 1) == ["ev-a"]  # ties: the latest active first
    assert store.cluster_candidates("event", ["t:ميناء"], "2024-03-11", 10) == ["ev-a", "ev-b"]  # undated stays
    assert store.cluster_candidates("event", ["t:انفجار"], "2024-03-13", 10) == []
    assert store.cluster_candidates("story", ["t:ميناء"], None, 10) == ["st-a"]
    assert store.cluster_candidates("event", [], None, 10) == []
    assert store.cluster_vectors("event", None) == [("ev-a", b"va2")]  # ev-b has no vector
    assert store.cluster_vectors("event", "2024-03-13") == []
    store.clear_clusters()
    store.commit()
    assert store.saved_clusters() == 0 and store.cluster_candidates("event", ["t:ميناء"], None, 10) == []


def test_term_frequencies_of_some_terms(store: Store) -> None:
    store.add_term_frequencies(3, {"ميناء": 3, "x": 1, "y": 2})
    store.commit()
    assert store.term_frequencies(["ميناء", "y", "absent", "ميناء", ""]) == (3, {"ميناء": 3, "y": 2})
    assert store.term_frequencies([]) == (3, {})


def test_placements_of_name_event_and_story(examples: Store) -> None:
    placed = {a.article_id: (a.event_id, a.story_id) for a in examples.assignments()}
    assert examples.placements_of([BLOG_COPY, ALSHAHED, BLOG_COPY, "nope"]) == {
        BLOG_COPY: placed[BLOG_COPY], ALSHAHED: placed[ALSHAHED]
    }
    assert examples.placements_of([]) == {}
    assert examples.saved_clusters() == len({e for e, _ in placed.values()}) + len({s for _, s in placed.values()})
