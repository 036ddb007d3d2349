"""The data of every page, as JSON-ready dicts: the API returns them, the pages render them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from marsad.brief.render import brief_json
from marsad.claims.quotes import find_statements
from marsad.cli.output import article_json, statement_json, summary_json
from marsad.dates.timeline import article_timeline
from marsad.entities.resolve import Entity, entity_json
from marsad.records import Article
from marsad.relate.analysis import StoryAnalysis
from marsad.store.base import Store, StoryFilter
from marsad.stories.query import get_story, list_stories
from marsad.stories.records import Story
from marsad.understand.storage import attach_annotations
from marsad.web.analysis import Analyses, outcome
from marsad.web.annotate import Mark
from marsad.web.errors import ApiError

# Articles a name or text search contributes to the story filter.
MAX_FILTER_HITS = 500


def stories_view(
    store: Store, where: StoryFilter, entity: str | None, q: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """Stories matching the filter; `entity` and `q` go through the search index (normalised Arabic)."""
    ids: set[str] | None = None
    for query in (entity, q):
        if query and query.strip():
            found = {h.summary.id for h in store.search(query, limit=MAX_FILTER_HITS)}
            ids = found if ids is None else ids & found
    if ids is not None:
        where = StoryFilter(where.outlet, where.since, where.until, sorted(ids))
    stories = list_stories(store, where, limit, offset)
    return {
        "filter": {**asdict(where), "article_ids": None, "entity": entity, "q": q},
        "limit": limit, "offset": offset, "outlets": store.outlets(),
        "stories": [_story_summary(s) for s in stories],
    }


def _story_summary(story: Story) -> dict[str, Any]:
    return {
        "id": story.id, "title": story.title, "events": len(story.events), "articles": len(story.article_ids),
        "outlets": [o.outlet for o in story.coverage.outlets],
        "first_published": story.first_published, "last_published": story.last_published,
    }


def find_story(store: Store, story_id: str) -> Story:
    """The story, or a 404 error that says how to find story ids."""
    story = get_story(store, story_id)
    if story is None:
        raise ApiError(404, f"no story {story_id!r} in the store; list them at /api/stories")
    return story


def story_view(store: Store, analyses: Analyses, story_id: str) -> dict[str, Any]:
    """The story map (events, articles, coverage) and, when ready, its brief and entities."""
    story = find_story(store, story_id)
    status, analysis = analyses.status(story)
    record = asdict(story)
    record["analysis"] = status
    record["brief"] = brief_json(analysis.brief) if analysis else None
    record["entities"] = [_entity_summary(e) for e in analysis.entities] if analysis else None
    return record


def _entity_summary(entity: Entity) -> dict[str, Any]:
    return {"id": entity.id, "type": entity.type, "canonical": entity.canonical,
            "aliases": [a.text for a in entity.aliases], "mentions": len(entity.mentions),
            "articles": len({m.article for m in entity.mentions})}


def analysis_failed(story_id: str) -> ApiError:
    """The error of a story whose analysis failed (the next request starts it again)."""
    return ApiError(500, f"the analysis of story {story_id} failed; see the server log", code="analysis_failed")


def entity_view(store: Store, analysis: StoryAnalysis, story_id: str, entity_id: str) -> dict[str, Any]:
    """An entity of a story (from its analysis): aliases, mentions by outlet and day, its name across the store."""
    entity = next((e for e in analysis.entities if e.id == entity_id), None)
    if entity is None:
        raise ApiError(404, f"no entity {entity_id!r} in story {story_id}; list them at /api/stories/{story_id}")
    published = store.published_of(sorted({m.article for m in entity.mentions}))
    outlets = {a.id: a.outlet for a in analysis.brief.articles}
    by_outlet: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in entity.mentions:
        by_outlet[outlets.get(m.article) or "unknown outlet"].append(
            {"article": m.article, "published": published.get(m.article), "start": m.start, "end": m.end,
             "text": m.text, "sentence": m.sentence})
    elsewhere = store.search(entity.canonical, limit=50)
    return {
        **entity_json(entity), "story": story_id, "by_outlet": dict(sorted(by_outlet.items())),
        "across_store": [{**summary_json(h.summary), "snippet": h.snippet} for h in elsewhere],
    }


def find_article(store: Store, article_id: str) -> Article:
    """The article, or a 404 error."""
    article = store.article(article_id)
    if article is None:
        raise ApiError(404, f"no article {article_id!r} in the store; list them at /api/articles")
    return article


def article_view(store: Store, analyses: Analyses, article_id: str) -> dict[str, Any]:
    """The article record, its links, its story and its annotations (entities, dates, quotes, claims).

    Entities come from the story's analysis when it is ready, else from the article alone,
    computed in the background (null until then); this never waits."""
    article = find_article(store, article_id)
    attach_annotations(store, [article])
    record = article_json(article)
    story_id = store.story_of(article.id)
    analysis = None
    if story_id is not None:
        story = get_story(store, story_id)
        analysis = analyses.status(story)[1] if story else None
    in_story = analysis is not None and article.id in analysis.read
    entities = analysis.entities if analysis and in_story else outcome(analyses.article_entities(article))[1]
    record["links"] = [asdict(link) for link in store.links_of(article.id)]
    record["story"] = story_id
    record["annotations"] = {
        "entities": None if entities is None else [
            {"entity": e.id, "type": e.type, "canonical": e.canonical, "start": m.start, "end": m.end,
             "text": m.text, "in_story": in_story}
            for e in entities for m in e.mentions if m.article == article.id
        ],
        "dates": [
            {"date": d.date.isoformat(), "precision": d.precision, "start": d.start, "end": d.end,
             "text": d.expression}
            for d in (article.annotation.timeline if article.annotation else article_timeline(article))
        ],
        "statements": [
            statement_json(s)
            for s in (article.annotation.statements if article.annotation else find_statements(article))
        ],
        "claims": _article_claims(analysis, article.id) if analysis else None,
    }
    return record


def _article_claims(analysis: StoryAnalysis, article_id: str) -> list[dict[str, Any]]:
    found = []
    for group in analysis.claims["groups"]:
        for source in group["supported_by"]:
            if source["article"] == article_id:
                found.append({"start": source["start"], "end": source["end"], "outlets": len(group["outlets"]),
                              "single_source": group["single_source"],
                              "contradicted": bool(group["contradicted_by"])})
    return found


def article_marks(record: dict[str, Any], cited: tuple[int, int] | None) -> list[Mark]:
    """The highlights of an article page, from its annotations."""
    notes = record["annotations"]
    story = record["story"]
    marks = [Mark(e["start"], e["end"], "entity", f"{e['type']}: {e['canonical']}",
                  f"/stories/{story}/entities/{e['entity']}" if e["in_story"] else None)
             for e in notes["entities"] or []]
    marks += [Mark(d["start"], d["end"], "date", f"{d['date']} ({d['precision']})") for d in notes["dates"]]
    marks += [Mark(s["content"]["start"], s["content"]["end"], "quote", " ← ".join(s["chain"]))
              for s in notes["statements"]]
    for c in notes["claims"] or []:
        label = "single source" if c["single_source"] else f"{c['outlets']} outlets"
        marks.append(Mark(c["start"], c["end"], "claim-contradicted" if c["contradicted"] else "claim", label))
    if cited:
        marks.append(Mark(cited[0], cited[1], "cited", "cited"))
    return marks


def search_view(store: Store, q: str, limit: int) -> dict[str, Any]:
    """Articles matching the query, best first, each with its passage and story."""
    hits = store.search(q, limit=limit)
    return {"q": q, "hits": [{**summary_json(h.summary), "snippet": h.snippet, "score": round(h.score, 3),
                              "story": store.story_of(h.summary.id)} for h in hits]}


def articles_view(store: Store, outlet: str | None, limit: int, offset: int) -> dict[str, Any]:
    """Stored articles in publication order."""
    rows = store.summaries(limit=limit, offset=offset, outlet=outlet)
    return {"total": store.count(), "limit": limit, "offset": offset,
            "articles": [{**summary_json(r), "story": store.story_of(r.id)} for r in rows]}
