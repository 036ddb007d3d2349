"""`marsad stance FILE.csv`: one label per pair, in the ANS CSV format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from marsad.cli.app import app

CALL = "ترامب تحدث هاتفيا مع حفتر يوم الاثنين"


def test_labels_each_pair(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "s1,s2\n"
        f"{CALL},الرئيس الأمريكي أجرى اتصالا هاتفيا بحفتر الاثنين\n"
        f"{CALL},ترامب لم يتحدث مع حفتر\n"
        f"{CALL},كأس العرب 2025 في قطر\n",
        "utf-8",
    )
    result = CliRunner().invoke(app, ["stance", str(pairs)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["stance"] for r in rows] == ["agree", "contradict", "unrelated"]
    as_json = json.loads(CliRunner().invoke(app, ["stance", str(pairs), "--json"]).stdout)
    assert abs(sum(as_json[0]["probabilities"].values()) - 1.0) < 1e-6


def test_csv_without_columns_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\nx,y\n", "utf-8")
    result = CliRunner().invoke(app, ["stance", str(bad)])
    assert result.exit_code == 1
    assert "s1 and s2" in result.stderr
