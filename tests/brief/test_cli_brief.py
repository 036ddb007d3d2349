"""`marsad brief STORY --format md|html|json` on a small store."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.store.sqlite import SQLiteStore
from marsad.stories.query import list_stories

ARTICLE = """اجتماع طارئ لمجلس المدينة بعد الفيضان

قال رئيس المجلس سامر الخطيب يوم الأحد إن الفيضان أغرق 40 منزلاً في الحي الشرقي وإن فرق الإنقاذ أجلت السكان.

وأضاف أن المجلس سيعقد اجتماعاً طارئاً يوم الثلاثاء لبحث تعويض المتضررين.
"""


def test_brief_of_a_stored_story(tmp_path: Path) -> None:
    source = tmp_path / "flood.txt"
    source.write_text(ARTICLE, "utf-8")
    db = tmp_path / "brief.db"
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(source), "--db", str(db), "--source", "Test daily",
                                   "--published", "2024-02-04"])
    assert ingested.exit_code == 0, ingested.output
    store = SQLiteStore(db)
    story_id = list_stories(store)[0].id
    store.close()
    as_json = runner.invoke(app, ["brief", story_id, "--db", str(db), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    brief = json.loads(as_json.stdout)
    assert brief["coverage"]["outlets"][0]["outlet"] == "Test daily"
    assert all(c["url"].startswith("http://127.0.0.1:8000/articles/") for s in brief["said"] for c in [s["citation"]])
    markdown = runner.invoke(app, ["brief", story_id, "--db", str(db)])
    assert markdown.exit_code == 0 and markdown.stdout.startswith("# ")
    html = runner.invoke(app, ["brief", story_id, "--db", str(db), "--format", "html", "--link-base", ""])
    assert html.exit_code == 0 and 'dir="rtl"' in html.stdout and 'href="/articles/' in html.stdout


def test_brief_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "empty.db"
    SQLiteStore(db).close()
    unknown = runner.invoke(app, ["brief", "st-nope", "--db", str(db)])
    assert unknown.exit_code == 1 and "no story" in unknown.stderr
    bad_format = runner.invoke(app, ["brief", "st-nope", "--db", str(db), "--format", "pdf"])
    assert bad_format.exit_code == 2 and "--format" in bad_format.stderr
