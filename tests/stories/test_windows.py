"""Event and story quality (B-cubed F1) on the hand-labelled ANT dev windows.

The floors sit just under the figures measured with the committed thresholds
(`python benchmarks/stories_quality.py`, which also prints the TF-IDF +
average-linkage baseline at its best threshold).
"""

from __future__ import annotations

import pytest

from marsad.stories.evaluate import Labels, PlacedWindow, score

FLOORS = {  # window: (event F1, story F1)
    "2018-02-17": (0.90, 0.84),  # quiet weekend, 133 articles
    "2018-03-09": (0.86, 0.87),  # 256 articles, Ghouta / North Korea / Afrin
    "2018-05-08": (0.80, 0.78),  # big news: the US leaves the Iran deal (one story of 103 articles)
}


@pytest.mark.parametrize("window", sorted(FLOORS))
def test_window_scores_reach_their_floors(
    window: str, ant_windows: dict[str, tuple[Labels, list[object]]], placed_windows: dict[str, PlacedWindow]
) -> None:
    gold, _ = ant_windows[window]
    scores = score(gold, placed_windows[window].placed)
    event_floor, story_floor = FLOORS[window]
    assert scores.event[2] >= event_floor, scores
    assert scores.story[2] >= story_floor, scores


def test_every_labelled_article_is_placed(
    ant_windows: dict[str, tuple[Labels, list[object]]], placed_windows: dict[str, PlacedWindow]
) -> None:
    for window in FLOORS:
        gold, _ = ant_windows[window]
        assert set(placed_windows[window].placed.events) == set(gold.events), window


def test_copies_share_their_source_event(
    ant_windows: dict[str, tuple[Labels, list[dict[str, str]]]], placed_windows: dict[str, PlacedWindow]
) -> None:
    """France24 files one article under two categories: the two ids must land in one event."""
    _, records = ant_windows["2018-03-09"]
    by_text: dict[str, list[str]] = {}
    for record in records:
        by_text.setdefault(record["text"], []).append(record["id"])
    twins = [ids for ids in by_text.values() if len(ids) > 1]
    assert len(twins) >= 10
    placed = placed_windows["2018-03-09"].placed.events
    assert all(len({placed[i] for i in ids}) == 1 for ids in twins)
