"""The HTTP API under /api: articles, stories, briefs, claims, timeline, entities, search, ingest.

Every failure answers with the one error shape of `errors.py`; the OpenAPI
description is at /openapi.json (browsable at /docs).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from marsad.brief.render import brief_json, brief_markdown
from marsad.cli.output import timeline_json
from marsad.errors import InputError
from marsad.ingest.fields import FieldMap
from marsad.ingest.sources import Metadata
from marsad.relate.analysis import StoryAnalysis
from marsad.relate.story import story_timeline
from marsad.store import factory
from marsad.store.base import Store, StoryFilter
from marsad.understand.storage import attach_annotations
from marsad.web import views
from marsad.web.analysis import outcome, wait_at_most
from marsad.web.errors import ERROR_RESPONSES, ApiError
from marsad.web.jobs import URLS_NOTE, Job
from marsad.web.state import State
from marsad.web.uploads import (
    ALLOWED_SUFFIXES,
    MAX_FIELD_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_PASTE_CHARS,
    MAX_REQUEST_BYTES,
    MAX_URLS,
    Rejected,
    check_upload,
    point_sidecar_at_saved_names,
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
# Seconds a client is told to wait before asking again for work in progress.
RETRY_SECONDS = 2
T = TypeVar("T")


def state(request: Request) -> State:
    """The application's shared state (settings, caches, jobs)."""
    found: State = request.app.state.marsad
    return found


@contextmanager
def open_store(request: Request) -> Iterator[Store]:
    """A store connection for this request (SQLite connections stay in their thread)."""
    store = factory.open_store(state(request).db_path)
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


PENDING: dict[int | str, dict[str, Any]] = {
    202: {"description": "the analysis is being prepared; ask again at `progress` (after Retry-After seconds)"}}
WaitParam = Annotated[bool, Query(description="Wait for the analysis (at most ANALYSIS_WAIT_SECONDS), then 202")]


@router.get("/stories/{story_id}/brief", summary="The story brief (202 while it is being prepared)",
            responses=PENDING)
async def api_brief(request: Request, story_id: str, wait: WaitParam = False,
                    format: str = Query("json", pattern="^(json|md)$")) -> Response:
    """JSON (or Markdown with `format=md`); `wait=true` waits a while for the brief before answering 202."""
    analysis = await story_analysis(request, story_id, wait)
    if analysis is None:
        return pending(story_id)
    if format == "md":
        return PlainTextResponse(brief_markdown(analysis.brief), media_type="text/markdown; charset=utf-8")
    return JSONResponse(brief_json(analysis.brief))


@router.get("/stories/{story_id}/claims", summary="Claim groups of a story: supported, contradicted, single source",
            responses=PENDING, response_model=None)
async def api_claims(request: Request, story_id: str, wait: WaitParam = False) -> Json | Response:
    """The same shape as `marsad claims --json`, over the articles the brief reads (202 while being prepared)."""
    analysis = await story_analysis(request, story_id, wait)
    return pending(story_id) if analysis is None else analysis.claims


@router.get("/stories/{story_id}/timeline", summary="Dated expressions of a story's articles, in date order")
def api_timeline(request: Request, story_id: str) -> list[Json]:
    """The same entries as `marsad timeline --json`."""
    with open_store(request) as store:
        story = views.find_story(store, story_id)
        articles = [a for a in (store.article(i) for i in story.article_ids) if a is not None]
        attach_annotations(store, articles)
    return [timeline_json(e) for e in story_timeline(articles)]


@router.get("/stories/{story_id}/entities/{entity_id}", summary="An entity of a story across outlets and time",
            responses=PENDING, response_model=None)
async def api_entity(request: Request, story_id: str, entity_id: str, wait: WaitParam = False) -> Json | Response:
    """Aliases, mentions by outlet, and articles of the whole store that name it (202 while being prepared)."""
    analysis = await story_analysis(request, story_id, wait)
    if analysis is None:
        return pending(story_id)
    return await run_in_threadpool(_in_store, request, views.entity_view, analysis, story_id, entity_id)


@router.get("/articles", summary="Stored articles in publication order")
def api_articles(request: Request, outlet: Text = None, limit: Limit = 50, offset: Offset = 0) -> Json:
    """One row per article, with its story."""
    with open_store(request) as store:
        return views.articles_view(store, outlet, limit, offset)


@router.get("/articles/{article_id}", summary="One article with its links, story and annotations")
async def api_article(request: Request, article_id: str, wait: bool = False) -> Json:
    """Clean text, paragraphs, sentences, removed lines, MT signal, entities, dates, statements, claims.

    `annotations.entities` is null while they are computed; `wait=true` waits a while for them."""
    analyses = state(request).analyses
    record = await run_in_threadpool(_in_store, request, views.article_view, analyses, article_id)
    if wait and record["annotations"]["entities"] is None:
        article = await run_in_threadpool(_in_store, request, views.find_article, article_id)
        await wait_at_most(analyses.article_entities(article))
        record = await run_in_threadpool(_in_store, request, views.article_view, analyses, article_id)
    return record


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


@router.post("/ingest", status_code=202, summary="Upload files, paste text or list URLs; returns a job",
             max_body_size=MAX_REQUEST_BYTES, form_limits={"max_part_size": MAX_FIELD_BYTES})
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
async def api_job(request: Request, job_id: str,
                  wait: Annotated[float, Query(ge=0, le=600, description="Seconds to wait for the job to finish")] = 0
                  ) -> Json:
    """Stage, documents read, report, stories touched (with their briefs prepared)."""
    jobs = state(request).jobs
    job = jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"no ingest job {job_id!r} (jobs are kept while the server runs)")
    run = jobs.run(job_id)
    if wait and run is not None:
        await wait_at_most(run, wait)
    return job.to_json()


async def story_analysis(request: Request, story_id: str, wait: bool) -> StoryAnalysis | None:
    """The story's analysis when ready; with `wait`, awaited (holding no thread) for at most
    `ANALYSIS_WAIT_SECONDS`; None while it is being prepared. A 404 for no such story."""
    analyses = state(request).analyses
    story = await run_in_threadpool(_in_store, request, views.find_story, story_id)
    future = analyses.start(story)
    if future is None:  # the analyses' line is full: ask again
        return None
    found = outcome(future)  # (unpacked apart: mypy infers a wrong type parameter in the unpacking)
    status, ready = found
    if status == "failed":
        raise views.analysis_failed(story_id)
    if ready is not None or not wait:
        return ready
    try:
        return await wait_at_most(future)
    except Exception as exc:  # the analysis failed while we waited
        raise views.analysis_failed(story_id) from exc


def pending(story_id: str) -> JSONResponse:
    """202: the analysis of the story is being prepared; its progress is on the story's record."""
    progress = f"/api/stories/{story_id}"
    return JSONResponse({"status": "pending", "retry_after": RETRY_SECONDS, "progress": progress}, status_code=202,
                        headers={"Retry-After": str(RETRY_SECONDS), "Location": progress})


def _in_store(request: Request, view: Callable[..., T], *args: Any) -> T:
    """`view(store, *args)` on a connection of its own (run in a request thread)."""
    with open_store(request) as store:
        return view(store, *args)


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
    saved, rejected = _save_files(files, folder)
    kept = [name for _, name in saved]
    notes = point_sidecar_at_saved_names(folder / "files", saved)
    if text.strip():
        name = safe_name("pasted.txt", set(kept))
        (folder / "files" / name).write_text(f"{title.strip()}\n\n{text}" if title.strip() else text, "utf-8")
        kept.append(name)
    job = Job(job_id, kept, rejected, notes=notes)
    if url_list:
        (folder / "urls.txt").write_text("\n".join(url_list) + "\n", "utf-8")
        job.urls_saved = len(url_list)
        job.notes.append(URLS_NOTE.format(path=folder / "urls.txt"))
    if not kept and not url_list:
        status = 413 if any("limit" in r.reason for r in rejected) else 415
        raise ApiError(status, "no file could be ingested", details=[asdict(r) for r in rejected])
    return app.jobs.submit(job, folder, defaults, fields)


def _save_files(files: list[UploadFile], folder: Path) -> tuple[list[tuple[str, str]], list[Rejected]]:
    """The files saved, as (uploaded name, saved name), and the ones refused, with why."""
    saved: list[tuple[str, str]] = []
    rejected: list[Rejected] = []
    for upload in files:
        name = upload.filename or "upload"
        reason = check_upload(name, upload.size or 0)
        if reason:
            rejected.append(Rejected(name, reason))
            continue
        saved_name = safe_name(name, {s for _, s in saved})
        try:
            with (folder / "files" / saved_name).open("wb") as out:
                shutil.copyfileobj(upload.file, out)
        except OSError as exc:  # a full disk, say: this file is refused, the request goes on
            rejected.append(Rejected(name, f"could not be saved ({exc.strerror or exc})"))
            continue
        saved.append((name, saved_name))
    return saved, rejected
