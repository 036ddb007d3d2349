"""Every input format reads into documents that keep their exact bytes and their metadata."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.ingest.sources import Metadata, read_inputs
from marsad.pipeline import ingest
from marsad.records import Problem, RawDocument
from marsad.store.sqlite import SQLiteStore

SEED_REUTERS = "001_28f40a9148001f17.txt"
SEED_RT = "003_c95239ccb0c98a4d.txt"


def read(*paths: Path | str, defaults: Metadata | None = None) -> list[RawDocument]:
    """Documents read from `paths`; fails the test on any problem."""
    items = list(read_inputs([str(p) for p in paths], defaults))
    problems = [str(i) for i in items if isinstance(i, Problem)]
    assert not problems, problems
    return [i for i in items if isinstance(i, RawDocument)]


def paragraphs(text: str, n: int = 4) -> list[str]:
    """The first `n` long paragraphs of an article."""
    return [p.strip() for p in text.splitlines() if len(p.strip()) > 80][:n]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def reuters(seeds_dir: Path) -> str:
    return (seeds_dir / SEED_REUTERS).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rt(seeds_dir: Path) -> str:
    return (seeds_dir / SEED_RT).read_text(encoding="utf-8")


def news_page(title: str, body: list[str], site: str = "صوت المدينة") -> str:
    """A small but realistic news page: menu, article, related links, footer, scripts."""
    paras = "\n".join(f"      <p>{p}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <title>{title} | {site}</title>
  <meta property="og:site_name" content="{site}">
  <meta property="og:title" content="{title}">
  <meta name="author" content="سامي العلي">
  <meta property="article:published_time" content="2019-04-19T10:30:00+02:00">
  <script>window.dataLayer = [{{"page": "article"}}];</script>
  <style>body {{ font-family: sans-serif; }}</style>
</head>
<body>
  <header><nav><ul>
    <li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li>
    <li><a href="/sport">رياضة</a></li><li><a href="/economy">اقتصاد</a></li>
  </ul></nav></header>
  <main>
    <article>
      <h1>{title}</h1>
      <div class="byline">بقلم سامي العلي</div>
{paras}
    </article>
    <aside class="related"><h3>اقرأ أيضا</h3><ul>
      <li><a href="/a/1">الأسهم الأوروبية تتراجع في بداية التداول</a></li>
      <li><a href="/a/2">منتخب الشباب يتأهل إلى النهائي</a></li>
    </ul></aside>
  </main>
  <footer><p>جميع الحقوق محفوظة © 2019 {site}</p><a href="/privacy">سياسة الخصوصية</a></footer>
  <script>trackPageView("article-19");</script>
</body>
</html>
"""


# --- plain text ---------------------------------------------------------------------------


def test_txt_keeps_exact_bytes(tmp_path: Path, reuters: str) -> None:
    raw = reuters.encode("utf-8")
    path = tmp_path / "article.txt"
    path.write_bytes(raw)
    [doc] = read(path)
    assert doc.raw == raw
    assert doc.text == reuters
    assert doc.html is None
    assert doc.origin.path == str(path) and doc.origin.locator == ""


def test_txt_in_windows_1256_is_decoded_and_raw_kept(tmp_path: Path, reuters: str) -> None:
    raw = reuters.encode("cp1256")
    path = tmp_path / "legacy.txt"
    path.write_bytes(raw)
    [doc] = read(path)
    assert doc.raw == raw
    assert doc.text == reuters
    assert doc.encoding == "cp1256"


def test_text_file_holding_html_is_extracted(tmp_path: Path, rt: str) -> None:
    body = paragraphs(rt)
    path = tmp_path / "saved-page.txt"
    path.write_text(news_page("عنوان الخبر", body), encoding="utf-8")
    [doc] = read(path)
    assert doc.html is not None
    assert squash(body[0]) in squash(doc.text)
    assert "trackPageView" not in doc.text


# --- HTML ---------------------------------------------------------------------------------


def test_html_page_main_text_and_metadata(tmp_path: Path, rt: str) -> None:
    title = "البيت الأبيض: ترامب تحادث مع حفتر حول جهود مكافحة الإرهاب"
    body = paragraphs(rt)
    page = news_page(title, body)
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    [doc] = read(path)
    assert doc.raw == page.encode("utf-8")
    assert doc.html == page
    text = squash(doc.text)
    for paragraph in body:
        assert squash(paragraph) in text
    for noise in ("الرئيسية", "سياسة الخصوصية", "جميع الحقوق محفوظة", "dataLayer",
                  "trackPageView", "font-family", "الأسهم الأوروبية تتراجع"):
        assert noise not in doc.text, noise
    assert doc.title is not None and "ترامب تحادث مع حفتر" in doc.title
    assert doc.published is not None and doc.published.startswith("2019-04-19")
    assert doc.outlet == "صوت المدينة"


def test_html_in_windows_1256_with_meta_charset(tmp_path: Path, rt: str) -> None:
    body = paragraphs(rt, 2)
    page = news_page("خبر", body).replace('charset="utf-8"', 'charset="windows-1256"')
    path = tmp_path / "legacy.htm"
    path.write_bytes(page.encode("cp1256"))
    [doc] = read(path)
    assert squash(body[0]) in squash(doc.text)
    assert doc.raw == page.encode("cp1256")


def test_trafilatura_arabic_page_matches_gold(tmp_path: Path, shared_data: Path) -> None:
    """The one Arabic page of trafilatura's evaluation set, with its must-have/must-not snippets."""
    folder = shared_data / "extraction" / "trafilatura-ar"
    [gold] = json.loads((folder / "gold.json").read_text(encoding="utf-8")).values()
    page = folder / gold["file"]
    [doc] = read(page)
    assert doc.raw == page.read_bytes()
    text = squash(doc.text)
    for snippet in gold["with"]:
        assert squash(snippet) in text, f"missing {snippet!r}"
    for snippet in gold["without"]:
        assert squash(snippet) not in text, f"boilerplate kept: {snippet!r}"
    assert doc.title is not None and squash(doc.title) == squash(gold["title"])


# --- JSON Lines, JSON -----------------------------------------------------------------------


def jsonl_records(reuters: str, rt: str) -> list[dict[str, object]]:
    return [
        {
            "text": reuters, "url": "https://example.org/a/1", "source": "يورونيوز",
            "title": "البيت الأبيض: ترامب تحدث هاتفيا مع حفتر", "published": "2019-04-19",
            "author": "ستيف هولاند", "language": "ar",
            "category": "سياسة", "word_count": 512, "tags": ["ليبيا"], "empty": "",
        },
        {
            "html": news_page("خبر من صفحة", paragraphs(rt)), "outlet": "RT Arabic",
            "url": "https://example.org/a/2",
        },
    ]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> list[bytes]:
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in records]
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return lines


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz", "feed.ndjson"])
def test_jsonl_fields_extra_and_raw_lines(tmp_path: Path, reuters: str, rt: str, name: str) -> None:
    records = jsonl_records(reuters, rt)
    lines = write_jsonl(tmp_path / name, records)
    first, second = read(tmp_path / name)

    assert first.origin.locator == "line 1" and second.origin.locator == "line 2"
    assert first.raw == lines[0] and second.raw == lines[1]
    assert first.text == reuters and first.html is None
    assert first.url == "https://example.org/a/1"
    assert first.outlet == "يورونيوز"
    assert first.title == "البيت الأبيض: ترامب تحدث هاتفيا مع حفتر"
    assert first.published == "2019-04-19"
    assert first.author == "ستيف هولاند"
    assert first.language == "ar"
    # fields marsad has no slot for are kept as strings; empty and nested ones are not
    assert first.extra == {"category": "سياسة", "word_count": "512"}

    assert second.html is not None and second.outlet == "RT Arabic"
    assert squash(paragraphs(rt)[0]) in squash(second.text)
    assert "الرئيسية" not in second.text


def test_jsonl_with_crlf_and_blank_lines(tmp_path: Path, reuters: str) -> None:
    line = json.dumps({"text": reuters}, ensure_ascii=False).encode()
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\r\n" + line + b"\r\n\r\n" + line.replace(b"\\n", b"\\n\\n") + b"\r\n")
    first, second = read(path)
    assert first.origin.locator == "line 2" and second.origin.locator == "line 4"
    assert first.raw == line


def test_json_array(tmp_path: Path, reuters: str, rt: str) -> None:
    path = tmp_path / "articles.json"
    records = [{"text": reuters, "source": "A"}, {"content": rt, "site": "B", "id": 7}]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    first, second = read(path)
    assert (first.origin.locator, second.origin.locator) == ("item 1", "item 2")
    assert first.text == reuters and first.outlet == "A"
    assert second.text == rt and second.outlet == "B" and second.extra == {"id": "7"}
    assert json.loads(second.raw) == records[1]


def test_jsonl_without_extension_is_sniffed(tmp_path: Path, reuters: str) -> None:
    path = tmp_path / "export"
    lines = write_jsonl(path, [{"text": reuters}, {"text": reuters + "\nتحديث"}])
    docs = read(path)
    assert [d.raw for d in docs] == lines


# --- CSV ------------------------------------------------------------------------------------


def test_csv_with_multiline_quoted_field(tmp_path: Path, reuters: str, rt: str) -> None:
    path = tmp_path / "articles.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Title", "Text", "URL", "Source", "Date", "Note"])
    writer.writerow(["ترامب وحفتر", reuters, "https://e.org/1", "يورونيوز", "2019-04-19", "أ"])
    writer.writerow(["RT", rt, "https://e.org/2", "RT Arabic", "2019-04-19", ""])
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(data)
    first, second = read(path)

    assert first.text == reuters  # the quoted field keeps its line breaks
    assert "\n" in first.text
    assert first.title == "ترامب وحفتر" and first.url == "https://e.org/1"
    assert first.outlet == "يورونيوز" and first.published == "2019-04-19"
    assert first.extra == {"note": "أ"}
    assert second.outlet == "RT Arabic" and second.text == rt
    # raw is the row's own bytes; line numbers count the physical lines of the file
    assert first.raw + second.raw == data[data.index(b"\r\n") + 2 :]
    assert first.origin.locator == "line 2"
    assert second.origin.locator == f"line {2 + reuters.count(chr(10)) + 1}"


# --- WARC -----------------------------------------------------------------------------------


def build_warc(pages: list[tuple[str, bytes]], gzipped: bool) -> bytes:
    """A WARC with a warcinfo record, a response per page, and one image response."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "marsad tests"}))
    for url, html in pages:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(html), http_headers=headers
        ))
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "https://example.org/logo.png", "response", payload=io.BytesIO(png), http_headers=headers
    ))
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses(tmp_path: Path, reuters: str, rt: str, name: str) -> None:
    pages = [
        ("https://example.org/a/1", news_page("خبر أول", paragraphs(reuters)).encode()),
        ("https://example.org/a/2", news_page("خبر ثان", paragraphs(rt)).encode()),
    ]
    path = tmp_path / name
    path.write_bytes(build_warc(pages, gzipped=name.endswith(".gz")))
    docs = read(path)

    assert [d.url for d in docs] == [url for url, _ in pages]
    assert [d.raw for d in docs] == [html for _, html in pages]
    assert all(d.origin.locator.startswith("<urn:uuid:") for d in docs)
    assert len({d.origin.locator for d in docs}) == 2
    assert squash(paragraphs(reuters)[0]) in squash(docs[0].text)
    assert squash(paragraphs(rt)[0]) in squash(docs[1].text)


# --- directories, sidecars, defaults --------------------------------------------------------


def test_directory_recursion_with_sidecar(tmp_path: Path, reuters: str, rt: str) -> None:
    root = tmp_path / "corpus"
    (root / "wire" / "2019").mkdir(parents=True)
    (root / ".cache").mkdir()
    (root / "a.txt").write_text(reuters, encoding="utf-8")
    (root / "wire" / "2019" / "b.txt").write_text(rt, encoding="utf-8")
    (root / "wire" / "2019" / "c.txt").write_text(rt + "\nتحديث", encoding="utf-8")
    (root / ".cache" / "hidden.txt").write_text(reuters + "\nنسخة", encoding="utf-8")
    sidecar = {
        "_about": "metadata of the files in this folder",
        "b.txt": {"outlet": "RT Arabic", "published": "2019-04-19", "language": "ar",
                  "unknown_key": "ignored"},
    }
    (root / "wire" / "2019" / "meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    (root / "meta.json").write_text(json.dumps({"a.txt": {"outlet": "Euronews"}}))

    docs = {Path(d.origin.path).name: d for d in read(root)}
    assert sorted(docs) == ["a.txt", "b.txt", "c.txt"]  # no sidecar, no hidden folder
    assert docs["a.txt"].outlet == "Euronews"
    assert (docs["b.txt"].outlet, docs["b.txt"].published, docs["b.txt"].language) == (
        "RT Arabic", "2019-04-19", "ar")
    assert docs["c.txt"].outlet is None


def test_defaults_fill_only_missing_metadata(tmp_path: Path, reuters: str) -> None:
    path = tmp_path / "feed.jsonl"
    write_jsonl(path, [{"text": reuters, "source": "Own outlet"}, {"text": reuters + "\n."}])
    defaults = Metadata(outlet="Default outlet", published="2020-01-02", language="ar")
    first, second = read(path, defaults=defaults)
    assert first.outlet == "Own outlet" and second.outlet == "Default outlet"
    assert first.published == second.published == "2020-01-02"


def test_seed_folder_reads_its_sidecar(seeds_dir: Path) -> None:
    meta = json.loads((seeds_dir / "meta.json").read_text(encoding="utf-8"))
    docs = read(seeds_dir)
    assert len(docs) == len([k for k in meta if not k.startswith("_")])
    for doc in docs:
        entry = meta[Path(doc.origin.path).name]
        assert (doc.outlet, doc.published) == (entry["outlet"], entry["published"])


# --- into the store -------------------------------------------------------------------------


def test_store_keeps_raw_bytes_of_each_document(tmp_path: Path, reuters: str, rt: str) -> None:
    txt = tmp_path / "in" / "a.txt"
    txt.parent.mkdir()
    txt.write_bytes(reuters.encode("cp1256"))
    lines = write_jsonl(tmp_path / "in" / "b.jsonl", [{"text": rt, "source": "RT"}])
    store = SQLiteStore(tmp_path / "m.db")
    try:
        report = ingest([str(tmp_path / "in")], store)
        assert report.problems == [] and report.ingested == 2
        by_origin = {}
        for summary in store.summaries():
            article = store.article(summary.id)
            assert article is not None
            by_origin[Path(article.origin.path).name, article.origin.locator] = article
        a, b = by_origin["a.txt", ""], by_origin["b.jsonl", "line 1"]
        assert store.raw_bytes(a.raw_sha256) == txt.read_bytes()
        assert store.raw_bytes(b.raw_sha256) == lines[0]
        assert a.encoding == "cp1256"
        assert "خليفة حفتر" in a.text
    finally:
        store.close()
