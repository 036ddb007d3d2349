"""Server-rendered pages (right to left, no script). Each renders the data of one API call,
its JSON twin, linked from the page."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marsad.brief.html import environment
from marsad.ingest.sources import Metadata
from marsad.store.base import StoryFilter
from marsad.web import views
from marsad.web.annotate import annotate
from marsad.web.api import DAY, Limit, Offset, Text, field_map, open_store, receive, state
from marsad.web.errors import ApiError
from marsad.web.uploads import (
    ALLOWED_SUFFIXES,
    MAX_FIELD_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_PASTE_CHARS,
    MAX_REQUEST_BYTES,
)

router = APIRouter(include_in_schema=False)
# Seconds between reloads of a page that waits for background work (a brief, an ingest job).
REFRESH_SECONDS = 2


def render(request: Request, template: str, json_url: str, **context: Any) -> HTMLResponse:
    """A page from its template, with the link to its JSON twin."""
    html = environment("marsad.web").get_template(template).render(request=request, json_url=json_url, **context)
    return HTMLResponse(html)


def _twin(path: str, request: Request) -> str:
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if v and k != "hl"])
    return f"{path}?{query}" if query else path


@router.get("/")
def stories_page(request: Request, outlet: Text = None, since: Annotated[str | None, Query(pattern=DAY)] = None,
                 until: Annotated[str | None, Query(pattern=DAY)] = None, entity: Text = None, q: Text = None,
                 limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
    """The stories list with its filters."""
    with open_store(request) as store:
        data = views.stories_view(store, StoryFilter(outlet or None, since, until), entity, q, limit, offset)
        total = store.count()
    return render(request, "stories.html", _twin("/api/stories", request), data=data, total=total)


@router.get("/stories/{story_id}")
def story_page(request: Request, story_id: str) -> HTMLResponse:
    """A story: its brief (claims matrix, timeline chart), events, entities."""
    analyses = state(request).analyses
    with open_store(request) as store:
        data = views.story_view(store, analyses, story_id)
        status, analysis = analyses.status(views.find_story(store, story_id))
    return render(request, "story.html", f"/api/stories/{story_id}", story=data,
                  brief=analysis.brief if analysis else None, link_base="",
                  refresh=REFRESH_SECONDS if status == "pending" else None)


@router.get("/stories/{story_id}/entities/{entity_id}")
def entity_page(request: Request, story_id: str, entity_id: str) -> HTMLResponse:
    """An entity: aliases, mentions by outlet and day, the store's articles naming it (a waiting page while the
    story's analysis is prepared)."""
    json_url = f"/api/stories/{story_id}/entities/{entity_id}"
    with open_store(request) as store:
        status, analysis = state(request).analyses.status(views.find_story(store, story_id))
        if status == "failed":
            raise views.analysis_failed(story_id)
        if analysis is None:
            return render(request, "pending.html", json_url, story_id=story_id, refresh=REFRESH_SECONDS)
        data = views.entity_view(store, analysis, story_id, entity_id)
    return render(request, "entity.html", json_url, entity=data)


@router.get("/articles")
def articles_page(request: Request, outlet: Text = None, limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
    """Stored articles in publication order."""
    with open_store(request) as store:
        data = views.articles_view(store, outlet, limit, offset)
    return render(request, "articles.html", _twin("/api/articles", request), data=data)


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: str, hl: Annotated[str | None, Query(pattern=r"^\d+-\d+$")] = None
                 ) -> HTMLResponse:
    """An article: clean text with highlights, the cited clause marked, removed lines, copies."""
    with open_store(request) as store:
        data = views.article_view(store, state(request).analyses, article_id)
        article = views.find_article(store, article_id)
    cited = tuple(int(x) for x in hl.split("-")) if hl else None
    paragraphs = annotate(article, views.article_marks(data, (cited[0], cited[1]) if cited else None))
    return render(request, "article.html", f"/api/articles/{article.id}", article=data, paragraphs=paragraphs)


@router.get("/search")
def search_page(request: Request, q: Annotated[str, Query(max_length=500)] = "", limit: Limit = 20) -> HTMLResponse:
    """Full-text search."""
    with open_store(request) as store:
        data = views.search_view(store, q, limit) if q.strip() else {"q": q, "hits": []}
    return render(request, "search.html", _twin("/api/search", request), data=data)


@router.get("/ingest")
def ingest_page(request: Request) -> HTMLResponse:
    """The upload form."""
    return render(request, "ingest.html", "/api/ingest", accepted=" ".join(sorted(ALLOWED_SUFFIXES)),
                  max_mb=MAX_FILE_BYTES // (1024 * 1024), max_files=MAX_FILES, max_paste=MAX_PASTE_CHARS)


@router.post("/ingest", max_body_size=MAX_REQUEST_BYTES, form_limits={"max_part_size": MAX_FIELD_BYTES})
def ingest_form(
    request: Request,
    files: Annotated[list[UploadFile] | None, File()] = None,
    text: Annotated[str, Form(max_length=MAX_PASTE_CHARS)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    outlet: Annotated[str, Form(max_length=200)] = "",
    published: Annotated[str, Form(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
    urls: Annotated[str, Form(max_length=2_000_000)] = "",
    fields: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """The form's post: start the job and show its progress."""
    real_files = [f for f in files or [] if f.filename]
    job = receive(state(request), real_files, text, title, urls,
                  Metadata(outlet=outlet or None, published=published or None), field_map(fields))
    return RedirectResponse(f"/ingest/{job.id}", status_code=303)


@router.get("/ingest/{job_id}")
def job_page(request: Request, job_id: str) -> HTMLResponse:
    """An ingest job's progress (the page reloads until it is done)."""
    found = state(request).jobs.get(job_id)
    if found is None:
        raise ApiError(404, f"no ingest job {job_id!r} (jobs are kept while the server runs)")
    job = found.to_json()
    return render(request, "job.html", f"/api/jobs/{job_id}", job=job,
                  refresh=None if job["done"] else REFRESH_SECONDS)


@router.get("/docs")
def docs_page(request: Request) -> HTMLResponse:
    """The API's routes from its OpenAPI description (served offline, no script)."""
    schema = request.app.openapi()
    routes = [(method.upper(), path, op.get("summary", "")) for path, item in schema["paths"].items()
              for method, op in item.items()]
    return render(request, "docs.html", "/openapi.json", routes=routes)



@router.get("/static/brief.css")
def brief_css() -> Response:
    """The brief's styles (shared with the standalone HTML brief)."""
    css = resources.files("marsad.brief").joinpath("templates/brief.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css")
