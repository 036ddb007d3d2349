"""Entity mentions and their resolution across spellings, scripts and articles.

On the five seed articles (cleaned as a user would get them) and on the example
corpus, whose README and expected.json list the spellings of each person.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.entities.mentions import Mention, extract_mentions
from marsad.entities.names import match_form, name_key_tokens
from marsad.entities.resolve import Entity, entity_json, extract_entities, names_match
from marsad.entities.transliterate import same_name_token
from marsad.pipeline import clean_inputs
from marsad.records import Article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _articles(*paths: Path) -> list[Article]:
    articles = [a for a in clean_inputs([str(p) for p in paths]) if isinstance(a, Article)]
    assert articles, f"no article cleaned from {paths}"
    return articles


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    articles = _articles(seeds_dir)
    assert len(articles) == 5
    return articles


@pytest.fixture(scope="module")
def seed_entities(seeds: list[Article]) -> list[Entity]:
    return extract_entities(seeds)


def _holding(entities: list[Entity], spelling: str) -> list[Entity]:
    """The entities with a mention written `spelling` (compared on match forms)."""
    key = name_key_tokens(spelling.split())
    return [e for e in entities if any(name_key_tokens(a.text.split()) == key for a in e.aliases)]


def _one(entities: list[Entity], *spellings: str) -> Entity:
    """The single entity holding every one of `spellings`; fails if they are split or missing."""
    holders = {id(e): e for s in spellings for e in _holding(entities, s)}
    found = {s: [e.canonical for e in _holding(entities, s)] for s in spellings}
    assert len(holders) == 1, f"spellings spread over entities or missing: {found}"
    entity = next(iter(holders.values()))
    assert all(_holding([entity], s) for s in spellings), found
    return entity


def test_haftar_in_every_spelling_and_title_is_one_entity_in_all_five_seeds(
    seeds: list[Article], seed_entities: list[Entity]
) -> None:
    haftar = _one(seed_entities, "حفتر", "خليفة حفتر")
    assert haftar.type == "PERS"
    assert haftar.canonical == "خليفة حفتر"
    assert {m.article for m in haftar.mentions} == {a.id for a in seeds}
    titled = {(m.title, m.text) for m in haftar.mentions}
    assert {("المشير", "خليفة حفتر"), ("الجنرال", "حفتر"), ("المارشال", "حفتر")} <= titled


def test_diacritised_and_clitic_spellings_join_the_same_person(seeds_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.txt"
    extra.write_text(
        "قالت الأمم المتحدة إن السودان والأردن يزودان حِفتر بالأسلحة والقوات.\n\n"
        "وأضاف التقرير أن واشنطن اتصلت بحفتر وأشادت لحفتر بدوره، كما التقى وحفتر مسؤولين روسا.\n",
        encoding="utf-8",
    )
    articles = _articles(seeds_dir, extra)
    entities = extract_entities(articles)
    haftar = _one(entities, "حفتر", "خليفة حفتر", "حِفتر")
    extra_id = next(a.id for a in articles if a.origin.path == str(extra))
    in_extra = [m.text for m in haftar.mentions if m.article == extra_id]
    assert in_extra == ["حِفتر", "حفتر", "حفتر", "حفتر"]  # و ب ل stripped, offsets on the name alone


def test_serraj_across_scripts(seed_entities: list[Entity]) -> None:
    serraj = _one(seed_entities, "فايز السراج", "السراج", "Serraj", "فايز آل Serraj")
    assert serraj.type == "PERS"
    assert serraj.canonical == "فايز السراج"


def test_harchaoui_across_scripts_and_clingendael_across_spellings(seed_entities: list[Entity]) -> None:
    assert _one(seed_entities, "جلال حرشاوي", "جلال Harchaoui").type == "PERS"
    assert len({m.article for m in _one(seed_entities, "كلينجندايل", "كلينجيندايل").mentions}) == 2


def test_trump_is_one_entity_and_never_merged_with_haftar_or_putin(
    seeds: list[Article], seed_entities: list[Entity]
) -> None:
    trump = _one(seed_entities, "ترامب", "دونالد ترامب")
    assert {m.article for m in trump.mentions} == {a.id for a in seeds}
    putin = _one(seed_entities, "بوتين", "فلاديمير بوتين")
    haftar = _one(seed_entities, "حفتر")
    assert len({id(trump), id(putin), id(haftar)}) == 3
    assert not _holding([trump], "حفتر") and not _holding([trump], "بوتين")


def test_lna_aliases_from_parentheses_and_haftar_forces(seed_entities: list[Entity]) -> None:
    army = _one(seed_entities, "الجيش الوطني الليبي", "LNA", "قوات حفتر", "جيش حفتر")
    assert army.type == "ORG"
    assert army.canonical == "الجيش الوطني الليبي"


def test_every_mention_slices_its_article_to_its_text(seeds: list[Article], seed_entities: list[Entity]) -> None:
    texts = {a.id: a for a in seeds}
    mentions = [m for e in seed_entities for m in e.mentions]
    assert len(mentions) > 200
    for m in mentions:
        article = texts[m.article]
        assert article.text[m.start : m.end] == m.text, m
        span = article.sentences[m.sentence]
        assert span.start <= m.start and m.end <= span.end, m
        if m.title is not None:
            assert m.title_start is not None and m.title_start < m.start
            assert article.text[m.title_start : m.title_start + len(m.title)] == m.title, m


def test_titles_are_kept_apart_from_names(seed_entities: list[Entity]) -> None:
    mentions: list[Mention] = [m for e in seed_entities for m in e.mentions if m.type == "PERS"]
    titles = {match_form(w) for w in ("المشير", "الجنرال", "الرئيس", "السيد", "اللواء", "المارشال")}
    assert not [m.text for m in mentions if match_form(m.text.split()[0]) in titles]
    found = {m.title for m in mentions}
    assert {"المشير", "الجنرال", "الرئيس", "الرئيس الأمريكي", "السيد", "المارشال"} <= found
    assert "القائد العسكري الليبي" in found  # a role phrase with its nisba


def test_entity_json_shape(seed_entities: list[Entity]) -> None:
    data = entity_json(_one(seed_entities, "فايز السراج"))
    assert list(data) == ["id", "type", "canonical", "aliases", "mentions"]
    assert set(data["mentions"][0]) == {"article", "start", "end", "text", "title", "sentence"}
    assert sum(a["count"] for a in data["aliases"]) == len(data["mentions"])
    json.dumps(data, ensure_ascii=False)
    ids = [e.id for e in seed_entities]
    assert len(ids) == len(set(ids))


def test_name_matching_rules() -> None:
    assert same_name_token("Serraj", "السراج") and same_name_token("Haftar", "حفتر")
    assert same_name_token("Harchaoui", "حرشاوي") and same_name_token("Trump", "ترامب")
    assert not same_name_token("Trump", "حفتر") and not same_name_token("Putin", "ترامب")
    assert names_match(name_key_tokens(["عبدالرحمن", "القاسمي"]), name_key_tokens(["عبد", "الرحمن", "القاسمي"]))
    assert names_match(name_key_tokens(["Abdelrahman", "Qasimi"]), name_key_tokens(["عبد", "الرحمن", "القاسمي"]))
    assert not names_match(name_key_tokens(["سامي", "الخطيب"]), name_key_tokens(["سالم", "الخطيب"]))


@pytest.fixture(scope="module")
def example_entities() -> list[Entity]:
    return extract_entities(_articles(EXAMPLES / "corpus"))


def _gold_people() -> list[dict[str, object]]:
    gold = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))["entities"]
    return [g for g in gold if g["role"] not in ("place", "neighbouring country", "country of the event")]


@pytest.mark.parametrize("gold", _gold_people(), ids=lambda g: str(g["canonical"]))
def test_example_corpus_people_are_one_entity_each(gold: dict[str, object], example_entities: list[Entity]) -> None:
    variants = [str(v) for v in gold["variants"]]  # type: ignore[attr-defined]
    names = [v.removeprefix("المهندس ") for v in variants]  # the title is recorded apart
    entity = _one(example_entities, *names)
    assert entity.type == "PERS"
    if "المهندس سامي الخطيب" in variants:
        assert any(m.title == "المهندس" and m.text == "سامي الخطيب" for m in entity.mentions)


def test_official_mourning_is_not_the_governor(example_entities: list[Entity]) -> None:
    article = next(a for a in _articles(EXAMPLES / "corpus") if a.origin.path.endswith("06_alwatan_aljadeed.html"))
    mourning = article.text.index("الحداد الرسمي")
    mentions = extract_mentions([article])
    assert not [m for m in mentions if m.start <= mourning < m.end]
    governor = _one(example_entities, "كريم حداد")
    assert not [m for m in governor.mentions if m.article == article.id and m.start == mourning]


def test_cli_entities_json(seeds_dir: Path) -> None:
    from typer.testing import CliRunner

    from marsad.cli.app import app

    result = CliRunner().invoke(app, ["entities", str(seeds_dir), "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    haftar = next(r for r in rows if r["canonical"] == "خليفة حفتر")
    assert {"id", "type", "canonical", "aliases", "mentions"} <= set(haftar)
    assert haftar["type"] == "PERS"
    assert len({m["article"] for m in haftar["mentions"]}) == 5
