"""Claim alignment on the seeds: the groups a careful reader finds, with their sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from marsad.claims.contradict import STANCE_MIN_CONTRADICT
from marsad.cli.app import app

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"  # an English wire and Arabic coverage written for these tests


@pytest.fixture(scope="module")
def seeds_claims(seeds_dir: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["claims", str(seeds_dir), "--json"])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _seed_names(seeds_dir: Path) -> dict[str, str]:
    listing = CliRunner().invoke(app, ["clean", str(seeds_dir), "--json"])
    return {a["id"]: Path(a["origin"]["path"]).name[:3] for a in json.loads(listing.stdout)}


def _group_with(data: dict[str, Any], *needles: str) -> dict[str, Any]:
    return next(g for g in data["groups"]
                if any(all(n in s["text"] for n in needles) for s in g["supported_by"]))


def _seeds_of(group: dict[str, Any], names: dict[str, str]) -> set[str]:
    return {names[s["article"]] for s in group["supported_by"]}


def test_recognition_of_haftar_is_supported_by_all_five(seeds_claims: dict[str, Any], seeds_dir: Path) -> None:
    group = _group_with(seeds_claims, "مكافحة الإرهاب", "النفط")
    assert _seeds_of(group, _seed_names(seeds_dir)) == {"000", "001", "002", "003", "004"}
    assert not group["single_source"]


def test_the_call_date_is_contradicted_by_seed_004(seeds_claims: dict[str, Any], seeds_dir: Path) -> None:
    names = _seed_names(seeds_dir)
    conflicts = [
        (names[c["against"]], names[c["article"]], c["reason"])
        for g in seeds_claims["groups"] for c in g["contradicted_by"]
    ]
    assert any("004" in pair[:2] and "2019-04-16" in pair[2] and "2019-04-15" in pair[2] for pair in conflicts)


def test_ceasefire_refusal_and_harchaoui(seeds_claims: dict[str, Any], seeds_dir: Path) -> None:
    names = _seed_names(seeds_dir)
    ceasefire = _group_with(seeds_claims, "مجلس الأمن", "وقف إطلاق النار")
    assert {"000", "001", "004"} <= _seeds_of(ceasefire, names)
    harchaoui = _group_with(seeds_claims, "كلينجيندايل")
    assert _seeds_of(harchaoui, names) == {"000", "001"}


def test_white_house_meeting_rests_on_seed_004_alone(seeds_claims: dict[str, Any], seeds_dir: Path) -> None:
    names = _seed_names(seeds_dir)
    meeting = _group_with(seeds_claims, "لقاء", "منتصف يونيو")
    assert meeting["single_source"]
    assert _seeds_of(meeting, names) == {"004"}


def test_death_tolls_are_a_dated_series(seeds_claims: dict[str, Any]) -> None:
    killed = [(p["day"], p["value"]) for p in seeds_claims["series"]["killed"]]
    tolls = [point for point in killed if point[1] in (7, 200, 1000)]
    assert tolls == [("2019-04-16", 7), ("2019-04-20", 200), ("2019-11-15", 1000)]
    assert [d for d, _ in killed] == sorted(d for d, _ in killed)


def test_every_source_points_at_a_real_sentence(seeds_claims: dict[str, Any], seeds_dir: Path) -> None:
    texts = {a["id"]: a["text"] for a in json.loads(
        CliRunner().invoke(app, ["clean", str(seeds_dir), "--json"]).stdout)}
    for group in seeds_claims["groups"]:
        for source in group["supported_by"] + group["contradicted_by"]:
            text = texts[source["article"]]
            assert text[source["start"] : source["end"]] == source["text"]
            assert text[source["sentence_start"] : source["sentence_end"]] == source["sentence"]
        for conflict in group["contradicted_by"]:
            assert texts[conflict["against"]][conflict["against_start"] : conflict["against_end"]] == conflict[
                "against_text"]


def test_groups_and_claims_list_their_subject_entities(seeds_claims: dict[str, Any]) -> None:
    group = _group_with(seeds_claims, "مكافحة الإرهاب", "النفط")
    names = [e["canonical"] for e in group["entities"]]
    assert any("حفتر" in n for n in names) and any("ترامب" in n for n in names)
    assert all(set(e) == {"id", "type", "canonical"} for e in group["entities"])
    assert all(isinstance(s["entities"], list) for s in group["supported_by"])


def test_speakers_of_claims_are_entities(seeds_claims: dict[str, Any]) -> None:
    sources = [s for g in seeds_claims["groups"] for s in g["supported_by"]]
    shanahan = next(s for s in sources if s["speaker"] and "شاناهان" in s["speaker"])
    assert "شاناهان" in shanahan["speaker_entity"]["canonical"]
    # a speaker is not a subject of what it says
    assert shanahan["speaker_entity"]["id"] not in {e["id"] for e in shanahan["entities"]}


def test_contradictions_say_how_they_were_found(seeds_claims: dict[str, Any]) -> None:
    conflicts = [c for g in seeds_claims["groups"] for c in g["contradicted_by"]]
    assert {c["method"] for c in conflicts} <= {"rule", "stance"}
    assert all(c["probability"] >= STANCE_MIN_CONTRADICT for c in conflicts if c["method"] == "stance")
    assert all(c["probability"] is None for c in conflicts if c["method"] == "rule")


def test_english_wire_and_arabic_coverage_group_across_scripts() -> None:
    result = CliRunner().invoke(app, ["claims", str(DATA / "wire_en.txt"), str(DATA / "coverage_ar.txt"), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    floods = _group_with(data, "Flash floods killed 12")
    assert any("أودت السيول" in s["text"] for s in floods["supported_by"])
    assert not floods["single_source"]
    mourning = _group_with(data, "national mourning")
    assert any("الحداد الوطني" in s["text"] for s in mourning["supported_by"])
    assert _group_with(data, "معرضا للكتاب")["single_source"]  # only the Arabic outlet reports the book fair
    assert _group_with(data, "Meteorologists expect")["single_source"]


def test_example_corpus_single_source_arrest_counts_copies_once() -> None:
    corpus = REPO / "examples" / "corpus"
    paths = [str(corpus / name) for name in ("03_alshahed.txt", "05_blog_copy.txt")]
    result = CliRunner().invoke(app, ["claims", *paths, "--json"])
    data = json.loads(result.stdout)
    arrest = _group_with(data, "بتوقيف مدير عام ميناء")
    assert arrest["single_source"]
    assert len(arrest["supported_by"]) == 2  # Al-Shahed and the blog that copied it
    assert arrest["copies"]
