"""The HTTP API under /api: articles, stories, briefs, claims, timeline, entities, search, ingest.

Every failure answers with the one error shape of `errors.py`; the OpenAPI
description is at /openapi.json (browsable at /docs).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from marsad.brief.render import brief_json, brief_markdown
from marsad.cli.output import timeline_json
from marsad.dates.timeline import timeline
from marsad.errors import InputError
from marsad.ingest.fields import FieldMap
from marsad.ingest.sources import Metadata
from marsad.store.base import StoryFilter
from marsad.store.sqlite import SQLiteStore
from marsad.web import views
from marsad.web.errors import ERROR_RESPONSES, ApiError
from marsad.web.jobs import URLS_NOTE, Job
from marsad.web.state import State
from marsad.web.uploads import (
    ALLOWED_SUFFIXES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_PASTE_CHARS,
    MAX_REQUEST_BYTES,
    MAX_URLS,
    Rejected,
    check_upload,
    safe_name,
)

FIELDS_HELP = ("JSON/CSV fields that fill marsad's slots, SLOT=FIELD separated by commas or lines,"
               " e.g. published=date_extracted, text=content")
router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
Json = dict[str, Any]
DAY = r"^\d{4}-\d{2}-\d{2}$"
Limit = Annotated[int, Query(ge=1, le=500, description="How many items.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Skip this many first.")]
Day = Annotated[str | None, Query(pattern=DAY, description="YYYY-MM-DD")]
Text = Annotated[str | None, Query(max_length=500)]


def state(request: Request) -> State:
    """The application's shared state (settings, caches, jobs)."""
    found: State = request.app.state.marsad
    return found


@contextmanager
def open_store(request: Request) -> Iterator[SQLiteStore]:
    """A store connection for this request (SQLite connections stay in their thread)."""
    store = SQLiteStore(state(request).db_path)
    try:
        yield store
    finally:
        store.close()


@router.get("/stories", summary="Stories, most recently active first")
def api_stories(request: Request, outlet: Text = None, since: Day = None, until: Day = None,
                entity: Text = None, q: Text = None, limit: Limit = 50, offset: Offset = 0) -> Json:
    """Filter by outlet, dates, an entity's name or words (both through the search index)."""
    with open_store(request) as store:
        return views.stories_view(store, StoryFilter(outlet, since, until), entity, q, limit, offset)


@router.get("/stories/{story_id}", summary="One story: events, articles, coverage, and its brief when ready")
def api_story(request: Request, story_id: str) -> Json:
    """`analysis` says whether the brief and entities are ready, pending or failed."""
    with open_store(request) as store:
        return views.story_view(store, state(request).analyses, story_id)


@router.get("/stories/{story_id}/brief", summary="The story brief (202 while it is being prepared)",
            responses={202: {"description": "the brief is being prepared; ask again"}})
def api_brief(request: Request, story_id: str, wait: bool = False, format: str = Query("json", pattern="^(json|md)$")
              ) -> Response:
    """JSON (or Markdown with `format=md`); `wait=true` blocks until the brief is ready."""
    with open_store(request) as store:
        analysis = views.ready_analysis(store, state(request).analyses, story_id, wait)
    if analysis is None:
        return JSONResponse({"status": "pending", "retry_after": 2}, status_code=202, headers={"Retry-After": "2"})
    if format == "md":
        return PlainTextResponse(brief_markdown(analysis.brief), media_type="text/markdown; charset=utf-8")
    return JSONResponse(brief_json(analysis.brief))


@router.get("/stories/{story_id}/claims", summary="Claim groups of a story: supported, contradicted, single source")
def api_claims(request: Request, story_id: str) -> Json:
    """The same shape as `marsad claims --json`, over the articles the brief reads."""
    with open_store(request) as store:
        analysis = state(request).analyses.wait(views.find_story(store, story_id))
    return analysis.claims


@router.get("/stories/{story_id}/timeline", summary="Dated expressions of a story's articles, in date order")
def api_timeline(request: Request, story_id: str) -> list[Json]:
    """The same entries as `marsad timeline --json`."""
    with open_store(request) as store:
        story = views.find_story(store, story_id)
        articles = [a for a in (store.article(i) for i in story.article_ids) if a is not None]
    return [timeline_json(e) for e in timeline(articles)]


@router.get("/stories/{story_id}/entities/{entity_id}", summary="An entity of a story across outlets and time")
def api_entity(request: Request, story_id: str, entity_id: str) -> Json:
    """Aliases, mentions by outlet, and articles of the whole store that name it."""
    with open_store(request) as store:
        return views.entity_view(store, state(request).analyses, story_id, entity_id)


@router.get("/articles", summary="Stored articles in publication order")
def api_articles(request: Request, outlet: Text = None, limit: Limit = 50, offset: Offset = 0) -> Json:
    """One row per article, with its story."""
    with open_store(request) as store:
        return views.articles_view(store, outlet, limit, offset)


@router.get("/articles/{article_id}", summary="One article with its links, story and annotations")
def api_article(request: Request, article_id: str, wait: bool = False) -> Json:
    """Clean text, paragraphs, sentences, removed lines, MT signal, entities, dates, statements, claims.

    `annotations.entities` is null while they are computed, unless `wait=true`."""
    with open_store(request) as store:
        return views.article_view(store, state(request).analyses, article_id, wait)


@router.get("/search", summary="Full-text search (normalised Arabic)")
def api_search(request: Request, q: Annotated[str, Query(min_length=1, max_length=500)], limit: Limit = 20) -> Json:
    """Articles best matching the words, with the matching passage."""
    with open_store(request) as store:
        return views.search_view(store, q, limit)


@router.get("/ingest", summary="What an ingest request accepts")
def api_ingest_limits() -> Json:
    """Accepted file types and size limits (the JSON twin of the ingest page)."""
    return {"accepted": sorted(ALLOWED_SUFFIXES), "max_file_bytes": MAX_FILE_BYTES, "max_files": MAX_FILES,
            "max_request_bytes": MAX_REQUEST_BYTES, "max_paste_chars": MAX_PASTE_CHARS, "max_urls": MAX_URLS,
            "urls": "saved, not fetched: marsad works offline"}


@router.post("/ingest", status_code=202, summary="Upload files, paste text or list URLs; returns a job")
def api_ingest(
    request: Request,
    files: Annotated[list[UploadFile] | None, File(description="Article files")] = None,
    text: Annotated[str, Form(max_length=MAX_PASTE_CHARS)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    outlet: Annotated[str, Form(max_length=200)] = "",
    published: Annotated[str, Form(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
    language: Annotated[str, Form(pattern=r"^([a-z]{2,3})?$")] = "",
    urls: Annotated[str, Form(max_length=2_000_000)] = "",
    fields: Annotated[str, Form(max_length=2000, description=FIELDS_HELP)] = "",
) -> Json:
    """Ingest in the background; follow the job at its `url`. Bad files are listed in `rejected`."""
    job = receive(state(request), files or [], text, title, urls, Metadata(
        outlet=outlet or None, published=published or None, language=language or None), field_map(fields))
    return {**job.to_json(), "url": f"/api/jobs/{job.id}", "page": f"/ingest/{job.id}"}


@router.get("/jobs/{job_id}", summary="Progress and report of an ingest job")
def api_job(request: Request, job_id: str,
            wait: Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job to finish")] = 0
            ) -> Json:
    """Stage, documents read, report, stories touched (with their briefs prepared)."""
    jobs = state(request).jobs
    job = jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"no ingest job {job_id!r} (jobs are kept while the server runs)")
    if wait:
        jobs.wait(job_id, wait)
    return job.to_json()


def field_map(specs: str) -> FieldMap:
    """The field mapping of a request's `fields` (a 400 error when a spec is wrong)."""
    try:
        return FieldMap.parse([specs])
    except InputError as exc:
        raise ApiError(400, str(exc)) from exc


def receive(
    app: State, files: list[UploadFile], text: str, title: str, urls: str, defaults: Metadata,
    fields: FieldMap | None = None,
) -> Job:
    """Save what the request carries in a new job folder and queue its ingest."""
    url_list = [u.strip() for u in urls.splitlines() if u.strip()]
    if not files and not text.strip() and not url_list:
        raise ApiError(400, "nothing to ingest: upload files, paste text or list URLs")
    if len(files) > MAX_FILES or len(url_list) > MAX_URLS:
        raise ApiError(413, f"at most {MAX_FILES} files and {MAX_URLS} URLs per request")
    job_id, folder = app.jobs.new_folder()
    (folder / "files").mkdir()
    kept, rejected = _save_files(files, folder)
    if text.strip():
        name = safe_name("pasted.txt", set(kept))
        (folder / "files" / name).write_text(f"{title.strip()}\n\n{text}" if title.strip() else text, "utf-8")
        kept.append(name)
    job = Job(job_id, kept, rejected)
    if url_list:
        (folder / "urls.txt").write_text("\n".join(url_list) + "\n", "utf-8")
        job.urls_saved = len(url_list)
        job.notes.append(URLS_NOTE.format(path=folder / "urls.txt"))
    if not kept and not url_list:
        status = 413 if any("limit" in r.reason for r in rejected) else 415
        raise ApiError(status, "no file could be ingested", details=[asdict(r) for r in rejected])
    return app.jobs.submit(job, folder, defaults, fields)


def _save_files(files: list[UploadFile], folder: Path) -> tuple[list[str], list[Rejected]]:
    kept: list[str] = []
    rejected: list[Rejected] = []
    for upload in files:
        name = upload.filename or "upload"
        reason = check_upload(name, upload.size or 0)
        if reason:
            rejected.append(Rejected(name, reason))
            continue
        saved = safe_name(name, set(kept))
        with (folder / "files" / saved).open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        kept.append(saved)
    return kept, rejected
