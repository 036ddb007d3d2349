"""Names in Latin-script (English) sentences: capitalised runs typed by lexicons and the labeller."""

from __future__ import annotations

import re
from pathlib import Path

from marsad.entities.conll import entity_spans
from marsad.entities.latin import is_latin_sentence, name_key
from marsad.entities.tagger import tag_tokens

CALL = Path(__file__).parent / "data" / "call-en.txt"  # an English report of the seeds' call, written for marsad
_TOKEN = re.compile(r"[\w\u064B-\u065F\u0670]+(?:['’][\w]+)?|[^\w\s]")


def _names(sentence: str) -> set[tuple[str, str]]:
    tokens = _TOKEN.findall(sentence)
    return {(" ".join(tokens[a:b]), kind) for a, b, kind in entity_spans(tag_tokens(tokens))}


def test_english_call_article_names_the_seeds_people_places_and_white_house() -> None:
    found: set[tuple[str, str]] = set()
    for paragraph in CALL.read_text(encoding="utf-8").split("\n\n"):
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", paragraph.strip()):
            found |= _names(sentence)
    for name in [("Donald Trump", "PERS"), ("Khalifa Haftar", "PERS"), ("Fayez al - Serraj", "PERS")]:
        assert name in found
    assert ("White House", "ORG") in found
    assert ("Libya", "LOC") in found
    assert ("Jalel Harchaoui", "PERS") in found


def test_title_inside_a_capitalised_run_splits_it() -> None:
    names = _names("Earlier, US President Donald Trump spoke with the commander.")
    assert ("Donald Trump", "PERS") in names
    assert not any("President" in text for text, _ in names)


def test_capitalised_sentence_opener_is_not_a_name() -> None:
    names = _names("Residents said two children died in Tripoli on Friday.")
    assert names == {("Tripoli", "LOC")}


def test_dotted_abbreviation_and_particle_stay_inside_the_name() -> None:
    names = _names("The strike near al-Tanf was confirmed by U.S. officials.")
    assert ("al - Tanf", "LOC") in {(text, kind) for text, kind in names} or any("Tanf" in t for t, _ in names)
    assert ("U . S .", "LOC") in names


def test_arabic_sentence_with_a_latin_name_stays_with_the_crf() -> None:
    assert not is_latin_sentence(["وقال", "الباحث", "جلال", "Harchaoui", "إن", "الهجوم", "فشل"])
    assert is_latin_sentence(["Jalel", "Harchaoui", "said", "the", "attack", "failed"])


def test_name_key_closes_dots_and_hyphens() -> None:
    assert name_key(["U", ".", "S", "."]) == "u.s."
    assert name_key(["al", "-", "Tanf’s"]) == "al-tanf"
