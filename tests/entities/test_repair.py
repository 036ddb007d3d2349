"""Repairs after the CRF (issue 11's cases): names ending on a particle, news outlets."""

from __future__ import annotations

import re
from pathlib import Path

from marsad.entities.conll import entity_spans
from marsad.entities.repair import join_particles, mark_outlets, repair
from marsad.entities.tagger import tag_tokens

_TOKEN = re.compile(r"[\w\u064B-\u065F\u0670]+|[^\w\s]")


def _names(text: str) -> set[tuple[str, str]]:
    tokens = _TOKEN.findall(text)
    return {(" ".join(tokens[a:b]), kind) for a, b, kind in entity_spans(tag_tokens(tokens))}


def _seed_sentence(seeds_dir: Path, name: str, needle: str) -> str:
    text = (seeds_dir / name).read_text(encoding="utf-8")
    for sentence in re.split(r"(?<=[.!؟])\s+", text):
        if needle in sentence:
            return sentence
    raise AssertionError(f"{needle!r} not in seed {name}")


def test_qasr_bin_ghashir_stays_one_place(seeds_dir: Path) -> None:
    names = _names(_seed_sentence(seeds_dir, "001_28f40a9148001f17.txt", "قصر بن غشير"))
    assert ("قصر بن غشير", "LOC") in names
    assert not {("قصر بن", "LOC"), ("غشير", "LOC")} & names


def test_outlet_al_bayan_in_guillemets_is_an_organisation(seeds_dir: Path) -> None:
    names = _names(_seed_sentence(seeds_dir, "004_b264c5653c34d88c.txt", "«البيان»"))
    assert ("البيان", "ORG") in names


def test_the_statement_is_no_outlet() -> None:
    tokens = ["وقال", "البيان", "إن", "الوفد", "وصل"]
    assert mark_outlets(tokens, ["O"] * 5) == ["O"] * 5


def test_sky_news_arabia_after_a_preposition_ends_the_speakers_name() -> None:
    tokens = ["وقال", "أحمد", "المسماري", "لسكاي", "نيوز", "عربية", "إن"]
    crf = ["O", "B-PERS", "I-PERS", "I-PERS", "O", "O", "O"]
    assert repair(tokens, crf) == ["O", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "I-ORG", "O"]


def test_particle_joins_the_next_name_and_its_tail() -> None:
    tokens = ["منطقة", "قصر", "بن", "غشير", "الشرقية"]
    tags = ["O", "B-LOC", "I-LOC", "B-LOC", "I-LOC"]
    assert join_particles(tokens, tags) == ["O", "B-LOC", "I-LOC", "I-LOC", "I-LOC"]
