"""The HTTP API over the example corpus: listings, story, brief, claims, timeline, entities,
articles, search, ingest, and the one error shape."""

from __future__ import annotations

import http.client
import json
import re
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from marsad.errors import MarsadError
from marsad.web.app import create_app
from marsad.web.server import check_binding

from .conftest import Served, ingest_files


def get(served: Served, path: str, **params: Any) -> httpx.Response:
    return httpx.get(served.url + path, params=params, timeout=120)


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == status and body["error"]["code"] == code and body["error"]["message"]
    return dict(body["error"])


def test_stories_list_and_filters(served: Served, example_story: str) -> None:
    listing = get(served, "/api/stories").json()
    assert example_story in [s["id"] for s in listing["stories"]]
    outlet = listing["outlets"][0]
    assert get(served, "/api/stories", outlet=outlet).json()["stories"]
    assert not get(served, "/api/stories", since="2100-01-01").json()["stories"]
    assert get(served, "/api/stories", until="2100-01-01").json()["stories"]
    assert example_story in [s["id"] for s in get(served, "/api/stories", q="ميناء").json()["stories"]]
    assert not get(served, "/api/stories", entity="كلمةلاتوجدابدا").json()["stories"]


def test_story_brief_claims_timeline(served: Served, example_story: str) -> None:
    story = get(served, f"/api/stories/{example_story}").json()
    assert story["analysis"] == "ready" and story["events"] and story["entities"]
    brief = get(served, f"/api/stories/{example_story}/brief").json()
    assert brief["happened"] and brief["matrix"]["rows"]
    for point in brief["happened"]:
        assert len(point["outlets"]) >= 2 and point["citations"]
    cells = {c for row in brief["matrix"]["rows"] for c in row["cells"]}
    assert cells <= {"supports", "contradicts", "silent"} and "supports" in cells
    markdown = get(served, f"/api/stories/{example_story}/brief", format="md")
    assert markdown.headers["content-type"].startswith("text/markdown") and "## What happened" in markdown.text
    claims = get(served, f"/api/stories/{example_story}/claims").json()
    assert claims["groups"] and "series" in claims
    timeline = get(served, f"/api/stories/{example_story}/timeline").json()
    assert [e["date"] for e in timeline] == sorted(e["date"] for e in timeline)


def test_citations_point_at_real_sentences(served: Served, example_story: str) -> None:
    brief = get(served, f"/api/stories/{example_story}/brief").json()
    texts: dict[str, str] = {}
    for point in brief["happened"] + brief["single_source"]:
        for c in point["citations"]:
            if c["article"] not in texts:
                texts[c["article"]] = get(served, f"/api/articles/{c['article']}").json()["text"]
            text = texts[c["article"]]
            assert text[c["start"] : c["end"]] == c["text"]
            assert c["sentence_start"] <= c["start"] < c["end"] <= c["sentence_end"]
            assert c["url"] == f"/articles/{c['article']}?hl={c['start']}-{c['end']}#s{c['sentence_start']}"


def test_entity_page_data(served: Served, example_story: str) -> None:
    entity = get(served, f"/api/stories/{example_story}").json()["entities"][0]
    record = get(served, f"/api/stories/{example_story}/entities/{entity['id']}").json()
    assert record["aliases"] and record["by_outlet"]
    assert_error(get(served, f"/api/stories/{example_story}/entities/nope"), 404, "not_found")


def test_article_with_annotations(served: Served, example_story: str) -> None:
    articles = get(served, "/api/articles").json()["articles"]
    assert len(articles) >= 9 and all(a["story"] for a in articles)
    record = get(served, f"/api/articles/{articles[0]['id']}").json()
    notes = record["annotations"]
    for kind in ("entities", "dates"):
        for mark in notes[kind]:
            assert record["text"][mark["start"] : mark["end"]] == mark["text"]
    assert notes["claims"] is not None


def test_search(served: Served, example_story: str) -> None:
    hits = get(served, "/api/search", q="الميناء").json()["hits"]
    assert hits and all(h["story"] for h in hits)
    assert_error(get(served, "/api/search"), 422, "invalid_request")


def test_error_shape(served: Served) -> None:
    assert_error(get(served, "/api/stories/nope"), 404, "not_found")
    assert_error(get(served, "/api/articles/nope"), 404, "not_found")
    assert_error(get(served, "/api/jobs/nope"), 404, "not_found")
    assert_error(get(served, "/api/nowhere"), 404, "not_found")
    details = assert_error(get(served, "/api/stories", limit=0), 422, "invalid_request")["details"]
    assert details[0]["where"] == "query.limit"
    assert_error(get(served, "/api/stories", since="yesterday"), 422, "invalid_request")


def test_every_page_has_a_json_twin(served: Served, example_story: str) -> None:
    article = get(served, "/api/articles").json()["articles"][0]["id"]
    entity = get(served, f"/api/stories/{example_story}").json()["entities"][0]["id"]
    pages = ["/", "/?q=ميناء", f"/stories/{example_story}", f"/stories/{example_story}/entities/{entity}",
             "/articles", f"/articles/{article}", "/search?q=ميناء", "/ingest", "/docs"]
    for page in pages:
        html = httpx.get(served.url + page, timeout=120)
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html"), page
        assert '<html lang="ar" dir="rtl">' in html.text
        twin = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', html.text)
        assert twin, page
        answer = httpx.get(served.url + twin.group(1).replace("&amp;", "&"), timeout=120)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json", page


def test_pages_send_a_content_security_policy(served: Served) -> None:
    headers = httpx.get(served.url + "/").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_bad_upload_is_refused_and_loses_nothing(served: Served, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("عنوان تجريبي للاختبار\n\nقال المتحدث باسم الوزارة يوم الأحد إن الاجتماع سيعقد الأسبوع المقبل "
                    "في العاصمة لبحث الوضع الأمني.\n", "utf-8")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x00\x01")
    job = ingest_files(served.url, [good, bad], outlet="Test outlet", published="2024-05-05")
    assert [r["name"] for r in job["rejected"]] == ["tool.exe"] and "not accepted" in job["rejected"][0]["reason"]
    assert job["report"]["ingested"] + job["report"]["unchanged"] == 1
    only_bad = httpx.post(f"{served.url}/api/ingest", files=[("files", ("x.exe", b"MZ", "application/x-msdownload"))])
    assert assert_error(only_bad, 415, "unsupported_type")["details"][0]["name"] == "x.exe"
    assert_error(httpx.post(f"{served.url}/api/ingest", data={"text": "  "}), 400, "bad_request")


def test_ingest_maps_record_fields(served: Served, tmp_path: Path) -> None:
    records = [{"source": "sabq", "date_extracted": "2015-07-23 10:00:00", "title": "اختبار الحقول",
                "content": "قال المتحدث باسم الوزارة يوم الخميس إن الاجتماع سيعقد الأسبوع المقبل في الرياض."}]
    day = tmp_path / "2015-07-23.json"
    day.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    job = ingest_files(served.url, [day], fields="published=date_extracted, text=content")
    assert job["report"]["fields"] == [{"target": "published", "source": "date_extracted", "records": 1},
                                       {"target": "text", "source": "content", "records": 1}]
    [article] = [get(served, f"/api/articles/{i}").json() for i in job["new_articles"]]
    assert article["published"].startswith("2015-07-23")
    bad = httpx.post(f"{served.url}/api/ingest", data={"text": "نص", "fields": "date=date_extracted"})
    assert "SLOT=FIELD" in assert_error(bad, 400, "bad_request")["message"]


def test_url_lists_are_saved_not_fetched(served: Served) -> None:
    started = httpx.post(f"{served.url}/api/ingest", data={"urls": "https://example.org/a\nhttps://example.org/b"})
    job = started.json()
    assert started.status_code == 202 and job["urls_saved"] == 2 and job["done"]
    assert "offline" in job["notes"][0] and "cannot fetch" in job["notes"][0]


def test_oversized_request_is_refused_before_its_body_is_read(served: Served) -> None:
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(f"POST /api/ingest HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {10**10}\r\n"
                           "Content-Type: multipart/form-data; boundary=b\r\n\r\n".encode())
        reply = http.client.HTTPResponse(connection)
        reply.begin()
        assert reply.status == 413
        assert json.loads(reply.read())["error"]["code"] == "too_large"


def test_posts_from_another_site_are_refused(served: Served) -> None:
    response = httpx.post(f"{served.url}/api/ingest", data={"text": "نص"}, headers={"origin": "https://evil.example"})
    assert_error(response, 403, "forbidden")


def test_token_is_required_when_set(tmp_path: Path) -> None:
    client = TestClient(create_app(tmp_path / "t.db", token="s3cret", upload_dir=tmp_path / "up"),
                        base_url="http://127.0.0.1:8000")
    body = client.get("/api/stories").json()
    assert body["error"]["code"] == "unauthorized"
    assert client.get("/api/stories", headers={"authorization": "Bearer s3cret"}).status_code == 200
    opened = client.get("/?token=s3cret")  # sets the cookie and drops the token from the address
    assert opened.status_code == 200 and "token" not in str(opened.url)
    assert client.get("/api/stories").status_code == 200


def test_binding_beyond_localhost_needs_a_token() -> None:
    check_binding("127.0.0.1", None)
    check_binding("0.0.0.0", "s3cret")
    with pytest.raises(MarsadError, match="token"):
        check_binding("0.0.0.0", None)


def test_article_content_is_escaped(served: Served, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE_ARTICLE, "utf-8")
    ingest_files(served.url, [hostile], outlet="Hostile <b>outlet</b>", published="2024-05-06")
    hit = get(served, "/api/search", q="الخبيث").json()["hits"][0]
    page = httpx.get(f"{served.url}/articles/{hit['id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page
    assert "Hostile &lt;b&gt;outlet&lt;/b&gt;" in page


HOSTILE_ARTICLE = """خبر عن الكود الخبيث في الصفحات

قال الباحث يوم الاثنين إن الكود الخبيث <script>alert('pwned')</script> ينتشر في مواقع كثيرة هذا الأسبوع.

وأضاف أن الصورة <img src=x onerror="alert('pwned')"> تنفذ أوامر عند فشل تحميلها في المتصفحات القديمة.
"""
