"""Per-story results: the entities, claim alignment and brief of a story, made from the stored
annotations of its articles and kept in the store until the story gains or loses articles.

A result is stored under a key naming the story's articles and the models of
this installation (`story_key`); a result whose key no longer matches the story
is stale: readers may still show it, marked as such, while a fresh one is made.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter

from marsad.brief.build import build_brief, choose_articles
from marsad.brief.model import Brief
from marsad.claims.export import alignment_json
from marsad.entities.resolve import Entity
from marsad.relate.story import align_story, story_entities
from marsad.store.base import Store, StoryResult
from marsad.stories.query import get_story
from marsad.stories.records import Story
from marsad.understand.storage import read_understood
from marsad.understand.version import model_version

KIND = "analysis"


@dataclass(frozen=True)
class StoryAnalysis:
    """What a story page shows beyond the story map: the brief, the claim groups, the entities."""

    story_id: str
    brief: Brief
    claims: dict[str, Any]  # `alignment_json`
    entities: list[Entity]
    read: list[str]  # ids of the articles read (at most `brief.build.MAX_BRIEF_ARTICLES`)


def analyse_story(store: Store, story: Story) -> StoryAnalysis:
    """Entities, claim alignment and brief of one story, from its articles' annotations."""
    articles = [a for a in (store.article(i) for i in story.article_ids) if a is not None]
    chosen = read_understood(store, [a.id for a in choose_articles(articles)])
    entities = story_entities(chosen)
    alignment = align_story(chosen, entities)
    links = store.links_among([a.id for a in chosen])
    brief = build_brief(chosen, links, story.title, store.outlets(), len(articles) - len(chosen), alignment)
    return StoryAnalysis(story.id, brief, alignment_json(alignment), entities, [a.id for a in chosen])


def story_key(story: Story) -> str:
    """Names the story's articles and this installation's models: a stored result is current while it matches."""
    names = "\n".join([model_version(), *sorted(story.article_ids)])
    return hashlib.sha256(names.encode()).hexdigest()[:24]


def stored_analysis(store: Store, story: Story) -> tuple[StoryAnalysis | None, bool]:
    """The stored analysis of a story (if any), and whether it is current."""
    result = store.story_result(story.id, KIND)
    if result is None:
        return None, False
    return _codec().validate_json(zlib.decompress(result.data)), result.key == story_key(story)


def save_analysis(store: Store, story: Story, analysis: StoryAnalysis) -> None:
    """Keep the analysis under the story's current key; the caller commits."""
    data = zlib.compress(_codec().dump_json(analysis), 6)
    store.save_story_result(StoryResult(story.id, KIND, story_key(story), data))


def refresh_analyses(store: Store, story_ids: Iterable[str], on_done: Callable[[int], None] | None = None) -> int:
    """Make and store the analysis of each of these stories that has no current one; returns how many.
    `on_done(1)` is called after each story, made or already current."""
    made = 0
    for story_id in dict.fromkeys(story_ids):
        story = get_story(store, story_id)
        if story is not None and not stored_analysis(store, story)[1]:
            store.begin()
            save_analysis(store, story, analyse_story(store, story))
            store.commit()
            made += 1
        if on_done:
            on_done(1)
    return made


@lru_cache(maxsize=1)
def _codec() -> TypeAdapter[StoryAnalysis]:
    return TypeAdapter(StoryAnalysis)
