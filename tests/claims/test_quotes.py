"""Attributed statements on the seeds: speakers, chains of attribution, denials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.claims.quotes import Statement, find_statements
from marsad.cli.app import app
from marsad.pipeline import clean_inputs
from marsad.records import Article


@pytest.fixture(scope="module")
def statements(seeds_dir: Path) -> dict[str, list[Statement]]:
    articles = [a for a in clean_inputs([str(seeds_dir)]) if isinstance(a, Article)]
    return {Path(a.origin.path).name[:3]: find_statements(a) for a in articles}


def _speakers(found: list[Statement]) -> list[str]:
    return [s.speaker.text for s in found if s.speaker]


@pytest.mark.parametrize(("seed", "speaker"), [
    ("001", "البيت الأبيض"),
    ("001", "باتريك شاناهان القائم بأعمال وزير الدفاع الأمريكي"),
    ("001", "المسماري"),
    ("001", "جلال حرشاوي"),
    ("001", "المتظاهر عبد الرزاق مشيريب"),
    ("001", "كل من الولايات المتحدة وروسيا"),
    ("000", "جلال Harchaoui"),
    ("000", "وزارة الخارجية"),
    ("002", "بيان لوزارة الخارجية الأمريكية"),
    ("002", "صحيفة نيويورك تايمز"),
    ("003", "البيت الأبيض"),
])
def test_speakers_are_found(statements: dict[str, list[Statement]], seed: str, speaker: str) -> None:
    assert speaker in _speakers(statements[seed])


def test_chains_of_attribution(statements: dict[str, list[Statement]]) -> None:
    harchaoui = next(s for s in statements["000"] if s.speaker and "Harchaoui" in s.speaker.text)
    assert harchaoui.chain[1:] == ["رويترز", "جلال Harchaoui"]  # BBC <- Reuters <- Harchaoui
    white_house = statements["001"][0]
    assert white_house.chain[-2:] == ["Reuters", "البيت الأبيض"]


def test_continued_speaker_and_direct_quotes(statements: dict[str, list[Statement]]) -> None:
    added = [s for s in statements["001"] if s.continued]
    assert {s.speaker.text for s in added if s.speaker} == {
        "باتريك شاناهان القائم بأعمال وزير الدفاع الأمريكي", "جلال حرشاوي"}
    protester = next(s for s in statements["001"] if s.speaker and "مشيريب" in s.speaker.text)
    assert protester.kind == "direct"
    assert protester.content.text.startswith("الاتصال لا معنى له")


def test_denial(statements: dict[str, list[Statement]]) -> None:
    denial = [s for s in statements["000"] if s.polarity == "deny"]
    assert [s.speaker.text for s in denial if s.speaker] == ["فرنسا"]


def test_offsets_point_into_the_article(seeds_dir: Path) -> None:
    for article in clean_inputs([str(seeds_dir)]):
        assert isinstance(article, Article)
        for st in find_statements(article):
            for span in (st.speaker, st.content, st.sentence):
                if span is not None:
                    assert article.text[span.start : span.end] == span.text
            assert st.sentence.start <= st.content.start <= st.sentence.end


def test_cli_quotes_json_links_speakers_to_entities(seeds_dir: Path) -> None:
    seed = next(seeds_dir.glob("001_*.txt"))
    result = CliRunner().invoke(app, ["quotes", str(seed), "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {"speaker", "content", "sentence", "chain", "kind", "polarity", "verb", "article",
            "speaker_entity"} <= set(rows[0])
    linked = {r["speaker"]["text"]: r["speaker_entity"]["canonical"] for r in rows if r["speaker_entity"]}
    assert "حرشاوي" in linked["جلال حرشاوي"]
    assert "المسماري" in linked["المسماري"]


def test_regression_speaker_after_present_verb_was_the_clause_that_follows_it(
    statements: dict[str, list[Statement]],
) -> None:
    # seed 000 (machine translation): "... آلان جونستون يقول المكالمة يبدو للإشارة إلى أن ..." came out
    # with the speaker "المكالمة يبدو للإشارة إلى"; the editor before the verb is the speaker
    speakers = _speakers(statements["000"])
    assert "المكالمة يبدو للإشارة إلى" not in speakers
    assert "بي بي سي المحرر الإقليمي في الشرق الأوسط آلان جونستون" in speakers


def test_regression_haftars_opponents_came_out_as_haftar(statements: dict[str, list[Statement]]) -> None:
    # seed 000: "ولكن الجنرال حفتر المعارضين يقولون انه سيحكم البلاد" ("Haftar's opponents say"):
    # the speaker was "الجنرال حفتر المعارضين", which links to Haftar himself
    opponents = next(s for s in statements["000"] if s.content.text.startswith("سيحكم البلاد"))
    assert opponents.speaker is not None and opponents.speaker.text == "المعارضين"


def test_regression_speaker_lost_its_closing_bracket(statements: dict[str, list[Statement]]) -> None:
    # seed 001: "أحمد المسماري المتحدث باسم قوات شرق ليبيا (الجيش الوطني الليبي) لسكاي نيوز عربية"
    speakers = _speakers(statements["001"])
    assert "أحمد المسماري المتحدث باسم قوات شرق ليبيا (الجيش الوطني الليبي)" in speakers
    assert not any(s.count("(") != s.count(")") for s in speakers)
    assert "مصادر «البيان»" in _speakers(statements["004"])
