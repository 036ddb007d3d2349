"""The `marsad` command: clean, ingest, list, show, search (text and --json)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from marsad.cli.app import app
from marsad.relate.analysis import stored_analysis
from marsad.store.sqlite import SQLiteStore
from marsad.stories.query import list_stories

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = "examples/corpus"
SEED_REUTERS = "001_28f40a9148001f17.txt"
REUTERS_TITLE = "البيت الأبيض: ترامب تحدث هاتفيا مع حفتر يوم الاثنين"
# Lines of the Reuters seed that are page furniture, not article.
BOILERPLATE = ["شارك هذا المقالClose Button", "شارك هذا المقالمحادثة", "اعلان", "مواضيع إضافية"]

runner = CliRunner()


def run(*args: str, input: bytes | None = None, code: int = 0) -> Result:
    """Run `marsad ARGS`; check the exit code and that no exception escaped."""
    result = runner.invoke(app, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    return result


def run_json(*args: str, input: bytes | None = None, code: int = 0) -> Any:
    return json.loads(run(*args, "--json", input=input, code=code).stdout)


@pytest.fixture(scope="module")
def reuters_path(seeds_dir: Path) -> Path:
    path = seeds_dir / SEED_REUTERS
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(b in lines for b in BOILERPLATE)  # the test below means something
    return path


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The example corpus ingested from the repository root, as a user would."""
    db = tmp_path_factory.mktemp("examples") / "examples.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        report = run_json("ingest", EXAMPLES, "--db", str(db))
    return db, report


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    report = run_json("ingest", str(seeds_dir), "--db", str(db))
    assert report["ingested"] == 5 and report["problems"] == []
    return db


def listing(db: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = run_json("list", "--db", str(db), "--limit", "1000")
    return rows


# --- clean ----------------------------------------------------------------------------------


def test_clean_prints_title_then_paragraphs(reuters_path: Path) -> None:
    result = run("clean", str(reuters_path))
    out = result.stdout
    lines = out.split("\n")
    assert lines[0] == REUTERS_TITLE
    assert lines[1] == ""
    assert out.endswith("\n") and not out.endswith("\n\n")
    blocks = out.rstrip("\n").split("\n\n")
    assert len(blocks) >= 8
    assert all(b.strip() == b and b and "\n" not in b for b in blocks), blocks
    assert blocks[1].startswith("وست بالم بيتش (فلوريدا) (رويترز)")
    for boilerplate in BOILERPLATE:
        assert boilerplate not in lines, boilerplate
    assert "Close Button" not in out and "Copyright" not in out
    assert out.count(REUTERS_TITLE) == 1  # the repeated title line is gone too


def test_clean_json_record(reuters_path: Path) -> None:
    record = run_json("clean", str(reuters_path))
    assert record["title"] == REUTERS_TITLE
    assert record["language"] == "ar"
    assert record["author"] == "ستيف هولاند"
    assert record["agency"] == "Reuters"
    mt = record["machine_translation"]
    assert set(mt) == {"score", "flagged", "evidence"}
    assert 0.0 <= mt["score"] <= 1.0 and mt["flagged"] is False
    removed = record["removed"]
    assert all(r["reason"] and r["rule"] and r["text"] for r in removed)
    removed_texts = {r["text"] for r in removed}
    for boilerplate in BOILERPLATE:
        assert boilerplate in removed_texts, boilerplate
    assert REUTERS_TITLE not in record["body"]
    assert record["text"].startswith(REUTERS_TITLE + "\n\n" + record["body"][:40])
    assert record["origin"] == {"path": str(reuters_path), "locator": ""}


def test_clean_fills_metadata_from_options(reuters_path: Path) -> None:
    record = run_json("clean", str(reuters_path), "--source", "يورونيوز",
                      "--published", "2019-04-19", "--language", "ar")
    assert record["outlet"] == "يورونيوز"
    assert record["published"] == "2019-04-19"


def test_clean_reads_stdin(reuters_path: Path) -> None:
    from_file = run("clean", str(reuters_path)).stdout
    from_stdin = run("clean", "-", input=reuters_path.read_bytes()).stdout
    assert from_stdin == from_file


def test_clean_of_bad_input_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run("clean", str(path), code=1)
    assert result.stdout == ""
    assert result.stderr.strip() == f"error {path}: empty file (no text)"


# --- ingest ---------------------------------------------------------------------------------


def test_ingest_examples_from_repo_root(examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, report = examples_db
    assert report["ingested"] > 0
    assert report["problems"] == [] and report["skipped"] == 0
    assert report["articles_in_store"] == report["ingested"]
    assert report["store"] == str(db)
    expected = {"ingested", "unchanged", "exact_duplicates", "near_duplicates", "reuse_links", "understood",
                "stories_analysed", "skipped", "problems", "warnings", "articles_in_store", "store", "fields"}
    assert set(report) == expected and report["warnings"] == []
    assert report["fields"] == []  # no field mapping given


def test_ingest_stores_the_analysis_of_every_story_it_touched(examples_db: tuple[Path, dict[str, Any]]) -> None:
    """The first reader of a story (web page, brief) finds its analysis made (issue 10)."""
    db, report = examples_db
    store = SQLiteStore(db)
    stories = list_stories(store, limit=100)
    current = [stored_analysis(store, story)[1] for story in stories]
    store.close()
    assert report["stories_analysed"] == len(stories) >= 1 and all(current)


def test_ingest_again_is_unchanged(examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, first = examples_db
    result = run("ingest", str(REPO / EXAMPLES), "--db", str(db))
    summary = result.stdout.splitlines()[0]
    assert summary.startswith(f"ingested 0, unchanged {first['ingested']}, ")
    assert "skipped 0" in summary and result.stderr == ""


def test_ingest_stdin_with_metadata_options(tmp_path: Path, reuters_path: Path) -> None:
    db = tmp_path / "stdin.db"
    raw = reuters_path.read_bytes()
    report = run_json("ingest", "-", "--db", str(db), "--source", "وكالة الاختبار",
                      "--published", "2019-04-19", "--language", "ar", input=raw)
    assert report["ingested"] == 1 and report["problems"] == []
    [row] = listing(db)
    assert row["outlet"] == "وكالة الاختبار"
    assert row["published"] == "2019-04-19"
    assert row["origin"] == "<stdin>"
    assert run("show", row["id"], "--db", str(db), "--raw").stdout_bytes == raw


def test_ingest_stdin_warc_gz(tmp_path: Path, seeds_dir: Path) -> None:
    """Format sniffing on stdin: a gzipped WARC has no name to tell what it is."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for n, seed in enumerate(sorted(seeds_dir.glob("00[13]*.txt")), start=1):
        paras = "".join(f"<p>{p}</p>" for p in seed.read_text(encoding="utf-8").splitlines()
                        if len(p) > 80)
        page = f"<html><body><article><h1>خبر {n}</h1>{paras}</article></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://example.org/{n}", "response", payload=io.BytesIO(page.encode()),
            http_headers=headers,
        ))
    db = tmp_path / "warc.db"
    report = run_json("ingest", "-", "--db", str(db), input=buffer.getvalue())
    assert report["ingested"] == 2 and report["problems"] == []
    rows = listing(db)
    assert all(r["origin"].startswith("<stdin>:<urn:uuid:") for r in rows)
    urls = {run_json("show", r["id"], "--db", str(db))["url"] for r in rows}
    assert urls == {"https://example.org/1", "https://example.org/2"}


def test_options_do_not_override_document_metadata(tmp_path: Path, seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("00[12]*.txt"))]
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"text": texts[0], "source": "Euronews", "published": "2019-04-19"},
                   ensure_ascii=False) + "\n"
        + json.dumps({"text": texts[1]}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "opts.db"
    run_json("ingest", str(feed), "--db", str(db), "--source", "Fallback",
             "--published", "2020-02-02")
    by_outlet = {r["outlet"]: r["published"] for r in listing(db)}
    assert by_outlet == {"Euronews": "2019-04-19", "Fallback": "2020-02-02"}


def test_ingest_missing_path_fails(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = run("ingest", str(missing), "--db", str(tmp_path / "x.db"), code=1)
    assert result.stderr.strip() == f"error {missing}: no such file or directory"
    assert "skipped 1" in result.stdout


# --- list, show -----------------------------------------------------------------------------


def test_list_json(examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, report = examples_db
    rows = listing(db)
    assert len(rows) == report["articles_in_store"]
    assert len({r["id"] for r in rows}) == len(rows)
    keys = {"id", "title", "outlet", "published", "language", "machine_translation",
            "duplicate_of", "origin", "url", "input_id"}
    assert all(set(r) == keys for r in rows)
    assert all(r["origin"].startswith(EXAMPLES + "/") for r in rows)
    sidecar = json.loads((REPO / EXAMPLES / "meta.json").read_text(encoding="utf-8"))
    [row] = [r for r in rows if r["origin"].endswith("01_alsahil_alyawm.txt")]
    assert row["outlet"] == sidecar["01_alsahil_alyawm.txt"]["outlet"]
    dates = [r["published"] for r in rows if r["published"]]
    assert dates == sorted(dates)


def test_list_text_and_limit(examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, _ = examples_db
    assert len(run_json("list", "--db", str(db), "--limit", "2")) == 2
    out = run("list", "--db", str(db)).stdout
    assert "id" in out.splitlines()[0] and listing(db)[0]["id"] in out


def test_show_json_has_links(examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, _ = examples_db
    records = {r["id"]: run_json("show", r["id"], "--db", str(db)) for r in listing(db)}
    assert all(isinstance(rec["links"], list) for rec in records.values())
    linked = [rec for rec in records.values() if rec["links"]]
    assert linked, "the example corpus holds a copied article: expected a link"
    for rec in linked:
        for link in rec["links"]:
            assert set(link) == {"kind", "source", "target", "score", "detail"}
            assert link["kind"] in ("exact", "near", "reuse")
            assert rec["id"] in (link["source"], link["target"])
            other = link["target"] if link["source"] == rec["id"] else link["source"]
            assert link in records[other]["links"]  # shown from both ends
    some = next(iter(records.values()))
    assert {"text", "body", "removed", "paragraphs", "machine_translation"} <= set(some)


def test_show_text_by_id_prefix(examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, _ = examples_db
    [row] = [r for r in listing(db) if r["origin"].endswith("03_alshahed.txt")]
    out = run("show", row["id"][:10], "--db", str(db)).stdout
    assert out.startswith(f"id: {row['id']}\n")
    assert f"outlet: {row['outlet']}" in out
    assert row["title"] in out


def test_show_raw_prints_exact_input_bytes(examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, _ = examples_db
    rows = listing(db)
    [txt] = [r for r in rows if r["origin"].endswith("02_nabd_alakhbar.txt")]
    raw = run("show", txt["id"], "--db", str(db), "--raw").stdout_bytes
    assert raw == (REPO / EXAMPLES / "02_nabd_alakhbar.txt").read_bytes()
    feed_lines = (REPO / EXAMPLES / "08_feed.jsonl").read_bytes().splitlines()
    [line1] = [r for r in rows if r["origin"] == f"{EXAMPLES}/08_feed.jsonl:line 1"]
    raw = run("show", line1["id"], "--db", str(db), "--raw").stdout_bytes
    assert raw == feed_lines[0]


def test_show_unknown_id_and_missing_store(tmp_path: Path,
                                           examples_db: tuple[Path, dict[str, Any]]) -> None:
    db, _ = examples_db
    result = run("show", "0000000000000000", "--db", str(db), code=1)
    assert "no article with id '0000000000000000'" in result.stderr
    missing = tmp_path / "none.db"
    result = run("list", "--db", str(missing), code=2)
    assert "run `marsad ingest" in result.stderr
    assert not missing.exists()  # asking does not create a store


# --- search ---------------------------------------------------------------------------------


def _seed_hits(db: Path, query: str) -> set[str]:
    hits = run_json("search", query, "--db", str(db))
    assert all({"id", "snippet", "score", "origin"} <= set(h) for h in hits)
    return {Path(h["origin"]).name for h in hits}


@pytest.mark.parametrize("query", ["حِفتر", "خليفه حفتر", "خليفة حفتر"])
def test_search_matches_spelling_variants(seeds_db: Path, query: str) -> None:
    found = _seed_hits(seeds_db, query)
    assert SEED_REUTERS in found
    assert len(found) >= 2
    assert found <= _seed_hits(seeds_db, "حفتر")


def test_search_text_output_and_no_match(seeds_db: Path) -> None:
    result = run("search", "حِفتر", "--db", str(seeds_db))
    assert REUTERS_TITLE[:20] in result.stdout
    result = run("search", "كلمةلاتوجدابدا", "--db", str(seeds_db))
    assert result.stdout == "" and result.stderr.strip() == "no match"
    assert run_json("search", "كلمةلاتوجدابدا", "--db", str(seeds_db)) == []


def test_search_survives_control_characters(seeds_db: Path) -> None:
    """A NUL once ended the FTS5 query string mid-quote (found by the API fuzz)."""
    assert run_json("search", "\x00", "--db", str(seeds_db)) == []
    assert SEED_REUTERS in {Path(h["origin"]).name for h in run_json("search", "حفتر\x00", "--db", str(seeds_db))}


def test_stories_json_on_paths_and_on_a_store(tmp_path: Path) -> None:
    db = tmp_path / "stories.db"
    stories = run_json("stories", str(REPO / EXAMPLES), "--db", str(db))["stories"]
    article_keys = {"id", "outlet", "title", "published", "url", "input_id", "origin"}
    assert all(article_keys <= set(a) for s in stories for e in s["events"] for a in e["articles"])
    assert all({"outlets", "first_reporter", "copies", "silent_outlets"} <= set(s) for s in stories)
    placed = [a["id"] for s in stories for e in s["events"] for a in e["articles"]]
    assert len(placed) == len(set(placed)) == len(listing(db))  # every article in exactly one event
    assert run_json("stories", "--db", str(db)) == {"stories": stories}
    rebuilt = run("stories", "--db", str(db), "--rebuild")
    assert "agreement with the incremental map" in rebuilt.stderr
