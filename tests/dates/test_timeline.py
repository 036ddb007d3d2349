"""The timeline of the seeds: the call, the offensive, seed 004's own date for the call."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.dates.timeline import timeline
from marsad.pipeline import clean_inputs
from marsad.records import Article


def _seed_timeline(seeds_dir: Path) -> list[tuple[str, date, str]]:
    articles = [a for a in clean_inputs([str(seeds_dir)]) if isinstance(a, Article)]
    names = {a.id: Path(a.origin.path).name[:3] for a in articles}
    return [(names[e.article], e.date, e.expression) for e in timeline(articles)]


def test_call_offensive_and_conflicting_date(seeds_dir: Path) -> None:
    entries = _seed_timeline(seeds_dir)
    assert ("001", date(2019, 4, 15), "يوم الاثنين") in entries
    assert ("003", date(2019, 4, 15), "يوم الاثنين الماضي") in entries
    assert ("003", date(2019, 4, 4), "يوم 4 أبريل الحالي") in entries
    assert ("004", date(2019, 4, 16), "16 أبريل الماضي") in entries
    assert ("004", date(2019, 6, 15), "15 يونيو الجاري") in entries


def test_entries_are_in_date_order_and_point_at_their_sentence(seeds_dir: Path) -> None:
    articles = [a for a in clean_inputs([str(seeds_dir)]) if isinstance(a, Article)]
    by_id = {a.id: a for a in articles}
    entries = timeline(articles)
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    for e in entries:
        text = by_id[e.article].text
        assert text[e.start : e.end] == e.expression
        assert text[e.sentence_start : e.sentence_end] == e.sentence
        assert e.sentence_start <= e.start < e.sentence_end


def test_cli_timeline_json(seeds_dir: Path) -> None:
    result = CliRunner().invoke(app, ["timeline", str(seeds_dir / "001_28f40a9148001f17.txt"),
                                      "--published", "2019-04-19", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    monday = [r for r in rows if r["expression"] == "يوم الاثنين"]
    assert monday and monday[0]["date"] == "2019-04-15" and monday[0]["precision"] == "day"
    assert {"date", "precision", "expression", "sentence", "article"} <= set(monday[0])
