"""Field mapping for record inputs, on a real SaudiNewsNet day file (`content`, `date_extracted`)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from marsad.cli.app import app
from marsad.errors import InputError
from marsad.ingest.fields import FieldMap
from marsad.ingest.sources import read_inputs
from marsad.records import Problem, RawDocument

DAY = "2015-07-23"
runner = CliRunner()


@pytest.fixture(scope="module")
def day_records(shared_data: Path) -> list[dict[str, Any]]:
    """One day of SaudiNewsNet, as its zip holds it (a JSON array)."""
    with zipfile.ZipFile(shared_data / "corpora" / "saudinewsnet" / f"{DAY}.zip") as archive:
        records: list[dict[str, Any]] = json.loads(archive.read(f"{DAY}.json"))
    return records


@pytest.fixture
def day_file(day_records: list[dict[str, Any]], tmp_path: Path) -> Path:
    """The first 40 articles of the day (and a record without content) as a JSON array file."""
    path = tmp_path / f"{DAY}.json"
    path.write_text(json.dumps([*day_records[:40], {"source": "okaz", "title": "بلا نص"}], ensure_ascii=False),
                    "utf-8")
    return path


def test_saudinewsnet_dates_come_from_date_extracted(day_file: Path) -> None:
    fields = FieldMap.parse(["published=date_extracted", "text=content"])
    docs = [d for d in read_inputs([str(day_file)], fields=fields) if isinstance(d, RawDocument)]
    records = json.loads(day_file.read_text("utf-8"))[:40]
    assert [d.published for d in docs] == [r["date_extracted"] for r in records if r["content"].strip()]
    assert [d.outlet for d in docs] == [r["source"] for r in records if r["content"].strip()]
    assert {u.target: u.records for u in fields.uses()} == {"published": 40, "text": len(docs)}
    unmapped = [d for d in read_inputs([str(day_file)]) if isinstance(d, RawDocument)]
    assert all(d.published is None for d in unmapped)  # without the mapping SaudiNewsNet has no dates


def test_a_mapped_field_wins_over_the_built_in_names(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    record = {"id": "x1", "text": "نص قصير", "article_body": "النص الكامل للمقال هنا.", "site": "Sabq",
              "source": "rss", "uid": "A-17"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    fields = FieldMap.parse(["text=article_body, outlet=site", "id=uid"])
    [doc] = list(read_inputs([str(path)], fields=fields))
    assert isinstance(doc, RawDocument)
    assert (doc.text, doc.outlet, doc.extra["id"]) == ("النص الكامل للمقال هنا.", "Sabq", "A-17")


def test_csv_with_a_mapped_text_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Headline,Story,When\nعنوان,قال المتحدث إن الاجتماع سيعقد غدا.,2020-01-02\n", "utf-8")
    [doc] = list(read_inputs([str(path)], fields=FieldMap.parse(["text=Story", "title=Headline", "published=When"])))
    assert isinstance(doc, RawDocument) and (doc.title, doc.published) == ("عنوان", "2020-01-02")
    [problem] = list(read_inputs([str(path)]))
    assert isinstance(problem, Problem) and "no `text` or `html` column" in problem.reason


@pytest.mark.parametrize("spec", ["published", "date=date_extracted", "published=", "text=a,text=b"])
def test_bad_specs_say_what_is_expected(spec: str) -> None:
    with pytest.raises(InputError, match=r"SLOT=FIELD|mapped twice"):
        FieldMap.parse([spec])


def test_ingest_echoes_the_mapping_and_its_use(day_file: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    args = ["ingest", str(day_file), "--db", db, "--no-understand", "--field", "published=date_extracted"]
    human = runner.invoke(app, [*args, "--field", "text=content"])
    assert human.exit_code == 1  # the record without content is reported, the rest goes on
    assert "fields: published=date_extracted (40 records), text=content (40 records)" in human.stdout
    assert "item 41: record has no `text` or `html` field (nor `content`, mapped to them)" in human.stderr
    misspelt = runner.invoke(app, [*args[:-1], "published=date_extraced", "--json"])
    report = json.loads(misspelt.stdout)
    assert report["fields"] == [{"target": "published", "source": "date_extraced", "records": 0}]
    bad = runner.invoke(app, ["ingest", str(day_file), "--db", db, "--field", "date=date_extracted"])
    assert bad.exit_code == 2 and "SLOT=FIELD" in bad.stderr
