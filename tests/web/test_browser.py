"""End to end in a real headless browser (Debian's chromium driven by Playwright): ingest the
example through the page, open the story, read the claims matrix, follow a citation to its
sentence; hostile article text runs nothing. Screenshots go to tests/artifacts/web/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import httpx
import pytest

from .conftest import ARTIFACTS, EXAMPLES, JOB_TIMEOUT, Served

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium): no browser tests"
)
HOSTILE = """خبر عن شيفرة خبيثة في صفحات الأخبار

قال الباحث يوم الاثنين إن الشيفرة <script>window.__pwned = 1; alert('pwned')</script> تنتشر في مواقع كثيرة.

وأضاف أن الصورة <img src=x onerror="window.__pwned = 2; alert('pwned')"> تنفذ أوامر عند فشل تحميلها.
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of the alert / confirm / prompt dialogs a page opened (none, ever)."""
    return []


@pytest.fixture
def page(browser: sync_api.Browser, dialogs: list[str]) -> Iterator[sync_api.Page]:
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    opened = context.new_page()
    opened.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield opened
    context.close()


def shot(page: sync_api.Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_for_job(page: sync_api.Page) -> None:
    page.wait_for_url(re.compile(r"/ingest/[0-9a-f]+$"))
    page.wait_for_selector('#stage[data-stage="done"]', timeout=JOB_TIMEOUT * 1000)


def test_ingest_example_open_story_follow_citation(served: Served, page: sync_api.Page) -> None:
    page.goto(served.url + "/ingest")
    page.set_input_files("#files", [str(p) for p in sorted(EXAMPLES.iterdir()) if p.is_file()])
    page.click("#ingest-submit")
    wait_for_job(page)
    shot(page, "1-ingest-done")
    assert re.search(r"\b9\b", page.inner_text("#report"))
    page.goto(served.url + "/")
    largest = max(httpx.get(f"{served.url}/api/stories").json()["stories"], key=lambda s: s["articles"])
    page.locator(f'#stories a.story[href="/stories/{largest["id"]}"]').click()
    matrix = page.locator("table.matrix")
    matrix.wait_for()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert matrix.locator("td.cell.supports").count() > 0
    assert matrix.locator("thead th").count() >= 3
    shot(page, "2-story")
    citation = page.locator("#happened + ul.points a.cite").first
    cited_text = citation.get_attribute("title")
    citation.click()
    page.wait_for_url(re.compile(r"/articles/\w+\?hl=\d+-\d+#s\d+$"))
    sentence = page.locator(".sentence:target")
    sentence.wait_for()
    highlighted = "".join(sentence.locator(".cited").all_inner_texts())  # nested highlights split the clause
    assert cited_text and " ".join(cited_text.split()) in " ".join(highlighted.split())
    assert sentence.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    shot(page, "3-citation")


def test_hostile_article_runs_nothing(served: Served, page: sync_api.Page, dialogs: list[str]) -> None:
    page.goto(served.url + "/ingest")
    page.fill("input[name=title]", "")
    page.fill("textarea[name=text]", HOSTILE)
    page.fill("input[name=outlet]", "Test <img src=x onerror=alert(1)>")
    page.click("#ingest-submit")
    wait_for_job(page)
    page.goto(served.url + "/search?q=" + "شيفرة")
    page.locator("ol.hits a").first.click()
    page.wait_for_url(re.compile(r"/articles/\w+$"))
    if page.locator("details#removed").count():
        page.click("details#removed summary")
    shot(page, "4-hostile-article")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("article script, article img, dl.meta img").count() == 0
    shown = page.inner_text("body")
    assert "<script>" in shown or "onerror=" in shown
    assert "<img src=x onerror=alert(1)>" in page.inner_text("dl.meta")


def test_numbers_and_latin_runs_are_isolated(served: Served, page: sync_api.Page, example_story: str) -> None:
    page.goto(f"{served.url}/stories/{example_story}")
    page.locator("section.event a").first.click()
    page.wait_for_url(re.compile(r"/articles/\w+$"))
    assert page.evaluate("document.documentElement.lang") == "ar"
    isolated = page.locator("article bdi").first
    assert isolated.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    assert isolated.get_attribute("dir") == "ltr"
