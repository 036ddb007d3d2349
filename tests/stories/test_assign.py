"""Story assignment through the pipeline: the seeds, the example corpus, incremental ingest, rebuild."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from marsad.pipeline import ingest
from marsad.store.sqlite import SQLiteStore
from marsad.stories.assign import bcubed_f1, rebuild
from marsad.stories.evaluate import Labels
from marsad.stories.query import get_story, list_stories

REPO = Path(__file__).resolve().parents[2]


def _placed(store: SQLiteStore) -> dict[str, tuple[str, str]]:
    """origin file name -> (event, story)."""
    return {
        Path(a.origin.split(":")[0]).name: (event_id, story.id)
        for story in list_stories(store, limit=100)
        for event_id, a in ((e.id, a) for e in story.events for a in e.articles)
    }


def test_seeds_form_one_story_with_the_call_as_one_event(seeds_dir: Path, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "seeds.db")
    ingest([str(seeds_dir)], store)
    placed = {name[:3]: where for name, where in _placed(store).items()}
    assert len({story for _, story in placed.values()}) == 1
    call = placed["000"][0]
    assert placed["001"][0] == call and placed["003"][0] == call
    assert len({placed["002"][0], placed["004"][0], call}) == 3  # November and June are later events
    [story] = list_stories(store)
    assert [len(e.articles) for e in story.events] == [3, 1, 1]  # in order of first publication
    assert story.coverage.first_reporter in {a.id for a in story.events[0].articles}
    assert len(story.coverage.outlets) == 5


def test_understood_seeds_and_an_english_wire_report_form_one_story(call_db: Path) -> None:
    """As `marsad ingest` places them (learned model, e5 vectors, entities): the call is one event in
    Arabic and English (issue 12: the English wire report made a story of its own), and the June and
    November follow-ups join its story (the day gap saturates at a week)."""
    store = SQLiteStore(call_db)
    placed = _placed(store)
    [story] = list_stories(store)
    store.close()
    call = placed["001_28f40a9148001f17.txt"][0]
    assert placed["003_c95239ccb0c98a4d.txt"][0] == call and placed["call-en.txt"][0] == call
    # The machine translation of BBC's report, a day later, opens an event of its own in the call's story
    # (event probability 0.27: its garbled words share few terms): a known gap.
    assert placed["000_b928a6f3f77b69de.txt"][1] == placed["001_28f40a9148001f17.txt"][1]
    assert placed["002_c3eeed336fa56d7d.txt"][0] != call and placed["004_b264c5653c34d88c.txt"][0] != call
    assert len(story.coverage.outlets) == 6


def test_example_corpus_is_one_story(tmp_path: Path) -> None:
    """Nine articles on one port explosion, in two languages, over a week: one story of several events."""
    store = SQLiteStore(tmp_path / "examples.db")
    ingest([str(REPO / "examples" / "corpus")], store)
    [story] = list_stories(store)
    assert len(story.article_ids) == store.count()
    assert len(story.events) >= 3  # the blast, the arrest, the later death toll are different happenings


def test_english_wire_joins_its_arabic_coverage(tmp_path: Path) -> None:
    """The example corpus's English wire and its Arabic machine translation share an event."""
    store = SQLiteStore(tmp_path / "examples.db")
    ingest([str(REPO / "examples" / "corpus")], store)
    event_of = {a.id: e.id for s in list_stories(store, limit=100) for e in s.events for a in e.articles}
    [english] = [a.id for a in store.summaries(limit=100) if a.language == "en"]
    [translation] = [a.id for a in store.summaries(limit=100) if a.origin.endswith("04_meridian_mt.txt")]
    assert event_of[english] == event_of[translation]


def test_copy_links_appear_in_coverage(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "examples.db")
    ingest([str(REPO / "examples" / "corpus")], store)
    copies = [c for s in list_stories(store, limit=100) for e in s.events for c in e.coverage.copies]
    assert any(c.kind == "reuse" for c in copies)  # the blog copying Al-Shahed
    story = get_story(store, list_stories(store)[0].id)
    assert story is not None and story.coverage.silent_outlets == tuple(
        o for o in store.outlets() if o not in {c.outlet for c in story.coverage.outlets}
    )


def test_day_by_day_ingest_matches_a_rebuild(tmp_path: Path,
                                             ant_windows: dict[str, tuple[Labels, list[dict[str, Any]]]]) -> None:
    """Streaming a window into a store one day at a time, then rebuilding it from scratch, moves little."""
    _, records = ant_windows["2018-03-09"]
    store = SQLiteStore(tmp_path / "window.db")
    for day in sorted({r["published"][:10] for r in records}):
        batch = tmp_path / f"{day}.jsonl"
        batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records
                                 if r["published"].startswith(day)), encoding="utf-8")
        ingest([str(batch)], store)
    incremental = {a.article_id: a.event_id for a in store.assignments()}
    report = rebuild(store)
    rebuilt = {a.article_id: a.event_id for a in store.assignments()}
    assert report.articles == len(records)
    assert report.event_agreement == bcubed_f1(incremental, rebuilt)
    assert report.event_agreement >= 0.97, report
    assert report.story_agreement >= 0.95, report
