"""Issue 11, as a user meets it: the entities of the seeds' story with an English wire report of the call
(`marsad entities --db`), each regression named after what broke."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from marsad.cli.app import app


@pytest.fixture(scope="module")
def entities(call_db: Path) -> list[dict[str, Any]]:
    runner = CliRunner()
    [story] = json.loads(runner.invoke(app, ["stories", "--db", str(call_db), "--json"]).stdout)["stories"]
    result = runner.invoke(app, ["entities", "--db", str(call_db), "--story", story["id"], "--json"])
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def holding(entities: list[dict[str, Any]], alias: str) -> list[dict[str, Any]]:
    return [e for e in entities if alias in {a["text"] for a in e["aliases"]}]


def test_english_names_join_their_arabic_entities(entities: list[dict[str, Any]]) -> None:
    for english, arabic in (("Haftar", "حفتر"), ("Sky News Arabia", "سكاي نيوز عربية"), ("Moscow", "موسكو")):
        [entity] = holding(entities, english)
        assert any(arabic in a["text"] for a in entity["aliases"]), entity["aliases"]


def test_regression_harchaoui_in_three_spellings_was_three_people(entities: list[dict[str, Any]]) -> None:
    [person] = holding(entities, "جلال حرشاوي")
    assert {"Jalel Harchaoui", "جلال Harchaoui"} <= {a["text"] for a in person["aliases"]}
    assert person["type"] == "PERS"


def test_regression_britain_and_the_united_kingdom_were_two_places(entities: list[dict[str, Any]]) -> None:
    [place] = holding(entities, "بريطانيا")
    vias = {a["text"]: a["via"] for a in place["aliases"]}
    assert "المملكة المتحدة" in vias and "alias table" in vias.values()


def test_regression_florida_was_an_alias_of_west_palm_beach(entities: list[dict[str, Any]]) -> None:
    found = holding(entities, "وست بالم بيتش")
    assert found and all("فلوريدا" not in {a["text"] for a in e["aliases"]} for e in found)


def test_regression_qasr_bin_ghashir_split_in_two(entities: list[dict[str, Any]]) -> None:
    assert holding(entities, "قصر بن غشير")
    assert not holding(entities, "قصر بن") and not holding(entities, "غشير")


def test_regression_sky_news_kept_its_preposition(entities: list[dict[str, Any]]) -> None:
    assert not [a for e in entities for a in e["aliases"] if a["text"].startswith("لسكاي")]


def test_regression_the_outlet_al_bayan_was_not_recognised(entities: list[dict[str, Any]]) -> None:
    assert any(e["type"] == "ORG" for e in holding(entities, "البيان"))
