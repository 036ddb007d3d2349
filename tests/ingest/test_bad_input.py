"""A pile of bad input mixed with good files: the good ones get in, each bad one is one problem.

The corpus is built once per module in a temporary folder; the 11 MB file is
generated (just over `MAX_DOCUMENT_BYTES`), never committed.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.ingest.formats import MAX_DOCUMENT_BYTES
from marsad.ingest.sources import read_inputs
from marsad.pipeline import IngestReport, ingest
from marsad.records import Problem, RawDocument
from marsad.store.sqlite import SQLiteStore

from .test_decode import undecodable_bytes

MARSAD = Path(sys.executable).with_name("marsad")


@dataclass(frozen=True)
class Bad:
    """What the one problem of a bad file must say: its locator and a reason pattern."""

    locator: str
    reason: str


@dataclass
class Corpus:
    root: Path
    bad: dict[str, Bad]
    good: set[tuple[str, str]]  # (file name, locator) of every good document


def _page(title: str, text: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in text.splitlines() if len(p.strip()) > 40)
    return (
        "<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body><nav><a href='/'>الرئيسية</a></nav>"
        f"<article><h1>{title}</h1>{paras}</article></body></html>"
    ).encode()


def _warc_cut_in_second_record(
    first: bytes, second: bytes, gzipped: bool = True, where: float = 0.5
) -> bytes:
    """Two HTML responses, the file cut at `where` (0..1) of the second record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    headers = [("Content-Type", "text/html; charset=utf-8")]
    writer.write_record(writer.create_warc_record(
        "https://example.org/1", "response", payload=io.BytesIO(first),
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
    ))
    end_of_first = buffer.tell()
    writer.write_record(writer.create_warc_record(
        "https://example.org/2", "response", payload=io.BytesIO(second),
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
    ))
    data = buffer.getvalue()
    return data[: end_of_first + int((len(data) - end_of_first) * where)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Corpus:
    root = tmp_path_factory.mktemp("bad-input") / "inbox"
    root.mkdir()
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("0*.txt"))]
    assert len(seeds) == 5
    good: set[tuple[str, str]] = set()

    def record(text: str, **fields: str) -> bytes:
        return json.dumps({"text": text, **fields}, ensure_ascii=False).encode()

    # --- good files
    (root / "good.txt").write_text(seeds[1], encoding="utf-8")
    good.add(("good.txt", ""))
    (root / "good.html").write_bytes(_page("البيت الأبيض وحفتر", seeds[3]))
    good.add(("good.html", ""))
    (root / "good.jsonl").write_bytes(record(seeds[2], source="موقع") + b"\n")
    good.add(("good.jsonl", "line 1"))

    # --- bad files (and good records inside partly bad files)
    bad: dict[str, Bad] = {}
    (root / "empty.txt").write_bytes(b"")
    bad["empty.txt"] = Bad("", r"^empty file")
    (root / "blank.txt").write_bytes(b" \n\t\r\n   \n\n")
    bad["blank.txt"] = Bad("", r"^empty file")
    (root / "noise.bin").write_bytes(random.Random(1).randbytes(8192) + b"\x00" * 64)
    bad["noise.bin"] = Bad("", r"^binary data")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + random.Random(2).randbytes(3000)
    (root / "image.png").write_bytes(png)
    bad["image.png"] = Bad("", r"^binary data")

    lines = [record(seeds[i], n=str(i)) for i in (0, 2, 4)]
    packed = gzip.compress(b"\n".join(lines) + b"\n")
    cut = packed[: len(packed) // 2]
    whole_lines = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut).count(b"\n")
    assert 1 <= whole_lines < len(lines)  # the cut falls after the first record
    (root / "cut.jsonl.gz").write_bytes(cut)
    bad["cut.jsonl.gz"] = Bad(f"line {whole_lines + 1}", r"^truncated or corrupt gzip")
    good |= {("cut.jsonl.gz", f"line {n}") for n in range(1, whole_lines + 1)}

    warc = _warc_cut_in_second_record(_page("خبر أول", seeds[0]), _page("خبر ثان", seeds[4]))
    (root / "cut.warc.gz").write_bytes(warc)
    bad["cut.warc.gz"] = Bad("after record 1", r"^truncated or corrupt WARC")
    good.add(("cut.warc.gz", "<warc record 1>"))

    nav_only = (
        "<!DOCTYPE html><html><head><title>الرئيسية</title>"
        "<script src='/app.js'></script><script>var ads = [1, 2, 3];</script></head>"
        "<body><nav><ul><li><a href='/'>الرئيسية</a></li><li><a href='/news'>أخبار</a></li>"
        "<li><a href='/sport'>رياضة</a></li><li><a href='/economy'>اقتصاد</a></li></ul></nav>"
        "<script>document.write('<div id=ad></div>');</script></body></html>"
    )
    (root / "nav.html").write_text(nav_only, encoding="utf-8")
    bad["nav.html"] = Bad("", r"^HTML page has no article text")

    line = ("خبر " * 100 + "\t").encode()
    with (root / "huge.txt").open("wb") as out:
        for _ in range(MAX_DOCUMENT_BYTES // len(line) + 100_000 // len(line)):
            out.write(line)
    assert (root / "huge.txt").stat().st_size > MAX_DOCUMENT_BYTES
    bad["huge.txt"] = Bad("", r"^too large for one article \(\d+\.\d MB > 10 MB\)")

    mixed = [record(seeds[0], tag="mixed"), b'{"text": "unterminated', record(seeds[4], tag="m")]
    (root / "mixed.jsonl").write_bytes(b"\n".join(mixed) + b"\n")
    bad["mixed.jsonl"] = Bad("line 2", r"^invalid JSON")
    good |= {("mixed.jsonl", "line 1"), ("mixed.jsonl", "line 3")}

    (root / "array.jsonl").write_text('["نص", "آخر"]\n', encoding="utf-8")
    bad["array.jsonl"] = Bad("line 1", r"^expected a JSON object, got list")
    (root / "no_text.jsonl").write_text('{"title": "عنوان", "url": "https://e.org/x"}\n')
    bad["no_text.jsonl"] = Bad("line 1", r"^record has no `text` or `html` field")
    (root / "no_text.csv").write_text("title,url\nعنوان,https://e.org/x\n", encoding="utf-8")
    bad["no_text.csv"] = Bad("line 1", r"^CSV header has no `text` or `html` column")
    (root / "unknown.txt").write_bytes(undecodable_bytes())
    bad["unknown.txt"] = Bad("", r"^unknown text encoding")

    return Corpus(root, bad, good)


Runs = tuple[IngestReport, IngestReport, set[tuple[str, str]], int]


def _where(corpus: Corpus, name: str) -> str:
    """How a problem names its place: `path` or `path:locator`."""
    locator = corpus.bad[name].locator
    return f"{corpus.root / name}:{locator}" if locator else str(corpus.root / name)


def _key(path: str, locator: str) -> tuple[str, str]:
    name = Path(path).name
    if name.endswith(".warc.gz"):  # record ids are random uuids
        return name, "<warc record 1>"
    return name, locator


@pytest.fixture(scope="module")
def runs(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Ingest the folder twice into one store: both reports, stored origins, final count."""
    store = SQLiteStore(tmp_path_factory.mktemp("store") / "bad.db")
    try:
        first = ingest([str(corpus.root)], store)
        stored = set()
        for summary in store.summaries(limit=1000):
            article = store.article(summary.id)
            assert article is not None
            stored.add(_key(article.origin.path, article.origin.locator))
        second = ingest([str(corpus.root)], store)
        return first, second, stored, store.count()
    finally:
        store.close()


def test_good_documents_are_all_ingested(corpus: Corpus, runs: Runs) -> None:
    first, _, stored, count = runs
    assert stored == corpus.good
    assert first.ingested == len(corpus.good) == count


def test_each_bad_file_is_exactly_one_problem(corpus: Corpus, runs: Runs) -> None:
    first = runs[0]
    names = [Path(p.origin.path).name for p in first.problems]
    assert sorted(names) == sorted(corpus.bad), [str(p) for p in first.problems]


@pytest.mark.parametrize("name", [
    "empty.txt", "blank.txt", "noise.bin", "image.png", "cut.jsonl.gz", "cut.warc.gz",
    "nav.html", "huge.txt", "mixed.jsonl", "array.jsonl", "no_text.jsonl", "no_text.csv",
    "unknown.txt",
])
def test_problem_names_file_place_and_reason(corpus: Corpus, runs: Runs, name: str) -> None:
    [problem] = [p for p in runs[0].problems if Path(p.origin.path).name == name]
    expected = corpus.bad[name]
    assert problem.origin.path == str(corpus.root / name)
    assert problem.origin.locator == expected.locator
    assert re.search(expected.reason, problem.reason), problem.reason
    assert str(problem).startswith(f"{_where(corpus, name)}: ")
    # read on its own, the file gives the same single problem
    items = list(read_inputs([str(corpus.root / name)]))
    assert [str(i) for i in items if isinstance(i, Problem)] == [str(problem)]


def test_second_run_changes_nothing(corpus: Corpus, runs: Runs) -> None:
    first, second, _, count = runs
    assert second.ingested == 0
    assert second.unchanged == len(corpus.good)
    assert second.exact_duplicates == second.near_duplicates == second.reuse_links == 0
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]
    assert count == first.ingested


def test_good_records_of_a_partly_bad_jsonl_are_read(corpus: Corpus) -> None:
    items = list(read_inputs([str(corpus.root / "mixed.jsonl")]))
    kinds = [(type(i).__name__, i.origin.locator) for i in items]
    assert kinds == [("RawDocument", "line 1"), ("Problem", "line 2"), ("RawDocument", "line 3")]
    assert isinstance(items[2], RawDocument) and items[2].extra == {"tag": "m"}


def test_cli_reports_every_problem_and_exits_1(corpus: Corpus, tmp_path: Path) -> None:
    """The real command (its own process, logging as configured by `main`)."""
    assert MARSAD.is_file(), f"console script not found at {MARSAD}"
    db = tmp_path / "cli.db"
    env = {**os.environ, "COLUMNS": "80"}
    run = subprocess.run(
        [str(MARSAD), "ingest", str(corpus.root), "--db", str(db), "--no-understand"],
        capture_output=True, env=env, timeout=120, check=False,
    )
    stderr = run.stderr.decode("utf-8").splitlines()
    stdout = run.stdout.decode("utf-8").splitlines()
    assert run.returncode == 1
    assert len(stderr) == len(corpus.bad), stderr
    for name, bad in corpus.bad.items():
        [line] = [ln for ln in stderr if ln.startswith(f"error {_where(corpus, name)}: ")]
        assert re.search(bad.reason, line.split(": ", 1)[1]), line
    summary = stdout[0]
    assert summary.startswith(f"ingested {len(corpus.good)}, unchanged 0")
    assert f"skipped {len(corpus.bad)} " in summary
    reasons = "\n".join(stdout[1:])
    for reason in ("empty file", "binary data, not text", "too large for one article",
                   "truncated or corrupt WARC", "HTML page has no article text"):
        assert reason in reasons

    again = subprocess.run(
        [str(MARSAD), "ingest", str(corpus.root), "--db", str(db), "--no-understand", "--json"],
        capture_output=True, env=env, timeout=120, check=False,
    )
    assert again.returncode == 1
    report = json.loads(again.stdout)
    assert report["ingested"] == 0
    assert report["unchanged"] == len(corpus.good)
    assert report["skipped"] == len(report["problems"]) == len(corpus.bad)
    assert report["articles_in_store"] == len(corpus.good)
    assert {Path(p["path"]).name for p in report["problems"]} == set(corpus.bad)
    assert len(again.stderr.decode("utf-8").splitlines()) == len(corpus.bad)


@pytest.mark.parametrize("where", [0.01, 0.05, 0.1, 0.3, 0.6, 0.9])
@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_warc_cut_anywhere_in_a_record_is_one_problem(
    tmp_path: Path, seeds_dir: Path, gzipped: bool, where: float
) -> None:
    """warcio stops silently at a record cut in its header or block; the reader must not."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("0*.txt"))]
    data = _warc_cut_in_second_record(
        _page("خبر أول", seeds[0]), _page("خبر ثان", seeds[4]), gzipped, where
    )
    path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    path.write_bytes(data)
    doc, problem = read_inputs([str(path)])
    assert isinstance(doc, RawDocument) and doc.url == "https://example.org/1"
    assert isinstance(problem, Problem) and problem.origin.locator == "after record 1"
    assert problem.reason.startswith("truncated or corrupt WARC")
