"""One live server over a fresh store for the web tests (uvicorn in a thread), and the example
corpus ingested into it once: the story analysis (NER, claim alignment) is the slow part."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from marsad.web.app import create_app
from marsad.web.server import serving_in_background

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "corpus"
ARTIFACTS = REPO / "tests" / "artifacts" / "web"  # screenshots (ignored by git)
JOB_TIMEOUT = 600  # seconds an ingest job (with its story briefs) may take


@dataclass
class Served:
    """A running server: its base URL, application and store."""

    url: str
    app: FastAPI
    db: Path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests first: then they, not the API fixture, do the real ingest of the example."""
    items.sort(key=lambda item: "test_browser" not in item.nodeid)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("web")
    app = create_app(folder / "web.db", upload_dir=folder / "uploads")
    with serving_in_background(app) as url:
        yield Served(url, app, folder / "web.db")


def ingest_files(base: str, paths: list[Path], **form: str) -> dict[str, Any]:
    """Upload files to the API and wait for the job to finish; the finished job."""
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    started = httpx.post(f"{base}/api/ingest", files=files, data=form, timeout=60)
    assert started.status_code == 202, started.text
    job = httpx.get(f"{base}{started.json()['url']}", params={"wait": JOB_TIMEOUT}, timeout=JOB_TIMEOUT + 30).json()
    assert job["done"], job
    return dict(job)


@pytest.fixture(scope="session")
def example_story(served: Served) -> str:
    """The id of the example corpus's story (the example ingested if the browser test has not)."""
    ingest_files(served.url, sorted(p for p in EXAMPLES.iterdir() if p.is_file()))
    stories = httpx.get(f"{served.url}/api/stories").json()["stories"]
    assert stories, "the example corpus formed no story"
    story_id: str = max(stories, key=lambda s: s["articles"])["id"]
    return story_id
