"""`marsad ner FILE`: CoNLL in, `token<TAB>tag` out, gold column ignored."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from marsad.cli.app import app


def test_tags_conll_with_or_without_gold_column(tmp_path: Path) -> None:
    with_gold = tmp_path / "gold.conll"
    with_gold.write_text("قال\tO\nباتريك\tB-PERS\nشاناهان\tI-PERS\nإن\tO\nليبيا\tB-LOC\n\n", "utf-8")
    bare = tmp_path / "bare.conll"
    bare.write_text("قال\nباتريك\nشاناهان\nإن\nليبيا\n\n", "utf-8")
    first = CliRunner().invoke(app, ["ner", str(with_gold)])
    second = CliRunner().invoke(app, ["ner", str(bare)])
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    rows = [line.split("\t") for line in first.stdout.splitlines() if line]
    assert rows == [["قال", "O"], ["باتريك", "B-PERS"], ["شاناهان", "I-PERS"], ["إن", "O"], ["ليبيا", "B-LOC"]]


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["ner", str(tmp_path / "missing.conll")])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr
