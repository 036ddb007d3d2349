"""Ingest jobs started from the browser: files saved in a job folder, ingested by one worker
thread (SQLite has one writer), then the briefs of the touched stories prepared, with progress."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from marsad.ingest.fields import FieldMap
from marsad.ingest.sources import Metadata
from marsad.pipeline import IngestReport, ingest
from marsad.store.base import Store, StoryFilter
from marsad.store.factory import open_store
from marsad.stories.query import list_stories
from marsad.understand.workers import Understanding
from marsad.web.analysis import Analyses
from marsad.web.uploads import Rejected
from marsad.web.worker import Worker

log = logging.getLogger(__name__)

# Stories whose briefs an ingest job prepares before it reports done (others on demand).
MAX_PREPARED_STORIES = 5
URLS_NOTE = ("marsad works offline and cannot fetch URLs: the list was saved in {path}; "
             "download the pages and upload them (HTML, WARC) to ingest them")

Stage = Literal["queued", "ingesting", "preparing briefs", "done", "failed"]


@dataclass
class Job:
    """One ingest request and how far it got."""

    id: str
    files: list[str]
    rejected: list[Rejected]
    stage: Stage = "queued"
    documents_read: int = 0
    stories_prepared: int = 0
    stories_to_prepare: int = 0
    report: dict[str, Any] | None = None
    stories: list[dict[str, str]] = field(default_factory=list)  # id and title of each story touched
    new_articles: list[str] = field(default_factory=list)
    urls_saved: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The job as the API returns it."""
        record = asdict(self)
        record["done"] = self.stage in ("done", "failed")
        return record


class Jobs:
    """Ingest jobs, run one at a time in a worker thread."""

    def __init__(self, db_path: str, upload_dir: Path, analyses: Analyses) -> None:
        self.db_path = db_path
        self.upload_dir = upload_dir
        self.analyses = analyses
        self._jobs: dict[str, Job] = {}
        self._runs: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self._worker = Worker("marsad-ingest")

    def new_folder(self) -> tuple[str, Path]:
        """A fresh job id and the folder its uploads go to."""
        job_id = uuid.uuid4().hex[:12]
        folder = self.upload_dir / job_id
        folder.mkdir(parents=True)
        return job_id, folder

    def submit(self, job: Job, folder: Path, defaults: Metadata, fields: FieldMap | None = None) -> Job:
        """Queue the ingest of `folder` (if it holds anything to ingest)."""
        with self._lock:
            self._jobs[job.id] = job
        if job.files:
            with self._lock:
                self._runs[job.id] = self._worker.submit(self._run, job, folder, defaults, fields)
        else:
            job.stage, job.finished = "done", time.time()
        return job

    def get(self, job_id: str) -> Job | None:
        """A job by id."""
        with self._lock:
            return self._jobs.get(job_id)

    def run(self, job_id: str) -> Future[None] | None:
        """The job's run in the worker (None for a job with nothing to ingest)."""
        with self._lock:
            return self._runs.get(job_id)

    def close(self) -> None:
        """Stop taking jobs (running work finishes)."""
        self._worker.shutdown()

    def _run(self, job: Job, folder: Path, defaults: Metadata, fields: FieldMap | None) -> None:
        store = open_store(self.db_path)
        try:
            job.stage = "ingesting"
            before = {i for i, _ in store.content_hashes()}
            with Understanding() as understanding:
                report = ingest([str(folder / "files")], store, defaults, lambda n: _advance(job, n), understanding,
                                fields=fields)
            job.report = _report_json(report)
            job.new_articles = [i for i, _ in store.content_hashes() if i not in before]
            self._prepare(job, store)
            job.stage = "done"
        except Exception as exc:  # the job reports it; the server goes on
            log.exception("ingest job %s failed", job.id)
            job.stage, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            store.close()
            job.finished = time.time()

    def _prepare(self, job: Job, store: Store) -> None:
        if not job.new_articles:
            return
        stories = list_stories(store, StoryFilter(article_ids=job.new_articles), limit=MAX_PREPARED_STORIES)
        job.stories = [{"id": s.id, "title": s.title} for s in stories]
        job.stage, job.stories_to_prepare = "preparing briefs", len(stories)
        for story in stories:
            try:
                self.analyses.wait(story)
            except Exception as exc:  # the story page retries; the ingest itself succeeded
                job.notes.append(f"the brief of story {story.id} failed ({type(exc).__name__}); its page retries")
            job.stories_prepared += 1


def _advance(job: Job, n: int) -> None:
    job.documents_read += n


def _report_json(report: IngestReport) -> dict[str, Any]:
    return {
        "ingested": report.ingested, "unchanged": report.unchanged, "exact_duplicates": report.exact_duplicates,
        "near_duplicates": report.near_duplicates, "reuse_links": report.reuse_links,
        "problems": [{"path": Path(p.origin.path).name, "locator": p.origin.locator, "reason": p.reason}
                     for p in report.problems],
        "warnings": [{"path": Path(p.origin.path).name, "locator": p.origin.locator, "reason": p.reason}
                     for p in report.warnings],
        "fields": [asdict(use) for use in report.fields],
    }
