"""The brief of a stored story: its articles and their annotations read back from the store."""

from __future__ import annotations

from marsad.brief.build import MAX_BRIEF_ARTICLES, build_brief, choose_articles
from marsad.brief.model import Brief
from marsad.records import Article
from marsad.store.base import Store
from marsad.stories.query import get_story
from marsad.understand.storage import read_understood


def story_articles(store: Store, story_id: str) -> tuple[str, list[Article]] | None:
    """The title and articles of a story, or None when the store has no such story."""
    story = get_story(store, story_id)
    if story is None:
        return None
    articles = [a for a in (store.article(i) for i in story.article_ids) if a is not None]
    return story.title, articles


def story_brief(store: Store, story_id: str, limit: int = MAX_BRIEF_ARTICLES) -> Brief | None:
    """The brief of one story (at most `limit` of its articles read), or None when there is no such story."""
    found = story_articles(store, story_id)
    if found is None:
        return None
    title, articles = found
    chosen = read_understood(store, [a.id for a in choose_articles(articles, limit)])
    links = store.links_among([a.id for a in chosen])
    return build_brief(chosen, links, title, store.outlets(), left_out=len(articles) - len(chosen))
