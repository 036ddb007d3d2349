"""The ANERcorp-trained tagger: quality gate on the dev split, real text, CoNLL I/O, scorer,
the training model and the document pass."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from marsad.encoder import default_encoder
from marsad.encoder.reference import run_layer
from marsad.entities.conll import dev_split, entity_spans, read_gold, score_entities
from marsad.entities.document import propagate
from marsad.entities.tagger import tag_conll, tag_tokens

# Entity-level micro F1 of the committed models on the dev split (the last 10 % of
# ANERcorp's training file, never trained on), as printed by scripts/train_ner.py.
# Whole split, sentence by sentence (tag_tokens): 0.7810 (LOC 0.859, PERS 0.844,
# ORG 0.679, MISC 0.676); with the document pass of tag_conll: 0.8052 (LOC 0.861,
# PERS 0.854, ORG 0.745, MISC 0.667). Tagging all 367 dev sentences takes 10-20 s,
# so the gate tags the first GATE_SENTENCES of them, whose figures (0.7431, and
# 0.7658 with the document pass) are pinned here; the floors allow 0.01. The models
# before e5's upper 8 layers were fine-tuned with torch scored 0.7190 and 0.7333 there.
# Those figures are with full-precision layers (numpy, or MARSAD_ENCODER_PRECISION=fp32);
# the default int8 encoder scores 0.7806 and 0.8054 on the whole split, 0.7467 and
# 0.7665 on the gate.
GATE_SENTENCES = 150
DEV_F1_FLOOR = 0.733
DEV_DOCUMENT_F1_FLOOR = 0.755

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _tagged(text: str) -> dict[str, str]:
    """Tag the tokens of `text`; map each token to its entity type (or O)."""
    tokens = _TOKEN.findall(text)
    tags = tag_tokens(tokens)
    return {t: tag.partition("-")[2] or "O" for t, tag in zip(tokens, tags, strict=True)}


def _seed_line(seeds_dir: Path, name: str, needle: str) -> str:
    for line in (seeds_dir / name).read_text(encoding="utf-8").splitlines():
        if needle in line:
            return line
    raise AssertionError(f"{needle!r} not found in seed {name}")


def test_dev_split_f1_stays_above_floor(shared_data: Path) -> None:
    _, dev = dev_split(read_gold(shared_data / "ner" / "anercorp" / "train.conll"))
    dev = dev[:GATE_SENTENCES]
    gold = [tags for _, tags in dev]
    pred = [tag_tokens(tokens) for tokens, _ in dev]
    scores = score_entities(gold, pred)
    assert scores["f1"] >= DEV_F1_FLOOR, scores
    scores = score_entities(gold, propagate([tokens for tokens, _ in dev], pred))
    assert scores["f1"] >= DEV_DOCUMENT_F1_FLOOR, scores


def test_seed_people_and_places(seeds_dir: Path) -> None:
    seed = "001_28f40a9148001f17.txt"
    shanahan = _seed_line(seeds_dir, seed, "باتريك شاناهان").split(" . ")[0]
    tags = _tagged(shanahan)
    assert (tags["باتريك"], tags["شاناهان"], tags["ليبيا"]) == ("PERS", "PERS", "LOC")
    tags = _tagged(_seed_line(seeds_dir, seed, "القائد العسكري الليبي خليفة حفتر -"))
    assert (tags["خليفة"], tags["حفتر"]) == ("PERS", "PERS")
    tags = _tagged(_seed_line(seeds_dir, seed, "جنوب طرابلس"))
    assert tags["طرابلس"] == "LOC"


def test_latin_script_names_inside_arabic_text(seeds_dir: Path) -> None:
    seed = "000_b928a6f3f77b69de.txt"
    tags = _tagged(_seed_line(seeds_dir, seed, "فايز آل Serraj"))
    assert (tags["فايز"], tags["Serraj"]) == ("PERS", "PERS")
    tags = _tagged(_seed_line(seeds_dir, seed, "جلال Harchaoui"))
    assert (tags["جلال"], tags["Harchaoui"]) == ("PERS", "PERS")


def test_tag_conll_round_trip_ignores_gold_column() -> None:
    with_gold = [
        "وقال B-ORG\n",
        "الرئيس O\n",
        "الفرنسي O\n",
        "جاك B-PERS\n",
        "شيراك I-PERS\n",
        "\n",
        "في O\n",
        "باريس B-LOC\n",
        ". O\n",
    ]
    without_gold = [line.split(" ")[0].strip() for line in with_gold]
    out = list(tag_conll(with_gold))
    assert out == list(tag_conll(without_gold))
    assert out[5] == "" and out[-1] == ""
    rows = [line.split("\t") for line in out if line]
    assert [token for token, _ in rows] == [t for t in without_gold if t]
    assert [tag for token, tag in rows if token in ("جاك", "شيراك", "باريس")] == [
        "B-PERS",
        "I-PERS",
        "B-LOC",
    ]


def test_empty_sentence_gets_no_tags() -> None:
    assert tag_tokens([]) == []


def test_scorer_counts_exact_spans_only() -> None:
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"], ["B-ORG", "I-ORG", "O"]]
    pred = [["B-PERS", "I-PERS", "O", "B-ORG"], ["B-ORG", "O", "O"]]
    scores = score_entities(gold, pred)
    assert scores["precision"] == pytest.approx(1 / 3)
    assert scores["recall"] == pytest.approx(1 / 3)
    assert scores["per_type"]["PERS"]["f1"] == 1.0
    assert scores["per_type"]["LOC"]["support"] == 1
    assert scores["per_type"]["LOC"]["recall"] == 0.0


def test_stray_inside_tag_opens_an_entity() -> None:
    assert entity_spans(["O", "I-LOC", "I-LOC", "I-PERS"]) == {(1, 3, "LOC"), (3, 4, "PERS")}


def test_gold_reader_repairs_anercorp_defects(tmp_path: Path) -> None:
    path = tmp_path / "gold.conll"
    path.write_text(
        "لصندوق B-ORG\nالأمم O-ORG\nالمتحدة I-ORG FIX\nARTICLE\nالكويتي\nمرحبا ID\n",
        encoding="utf-8",
    )
    assert read_gold(path) == [
        (["لصندوق", "الأمم", "المتحدة"], ["B-ORG", "I-ORG", "I-ORG"]),
        (["الكويتي", "مرحبا"], ["O", "O"]),
    ]


def test_model_is_not_loaded_at_import() -> None:
    code = (
        "import marsad.entities.tagger as t, marsad.entities.features as f, marsad.encoder as c, "
        "marsad.entities.wordlabels as w, marsad.entities.latin as la, marsad.entities.repair as r; "
        "assert t.default_tagger.cache_info().currsize == 0; "
        "assert t.student_tagger.cache_info().currsize == 0; "
        "assert la.lexicons.cache_info().currsize == 0; "
        "assert r.outlets.cache_info().currsize == 0; "
        "assert f.load_lexicons.cache_info().currsize == 0; "
        "assert c.default_encoder.cache_info().currsize == 0; "
        "assert w.default_labeller.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_document_pass_tags_a_lone_surname_after_the_full_name() -> None:
    sentences = [["قال", "خليفة", "حفتر", "إن"], ["وأضاف", "لحفتر", "أن"], ["وقال", "مسؤول", "آخر"]]
    tags = [["O", "B-PERS", "I-PERS", "O"], ["O", "O", "O"], ["O", "O", "O"]]
    assert propagate(sentences, tags)[1] == ["O", "B-PERS", "O"]
    assert propagate(sentences, tags)[2] == ["O", "O", "O"]
    assert propagate(sentences, tags, window=0)[1] == ["O", "O", "O"]


def test_tag_conll_makes_names_consistent_across_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    import marsad.entities.tagger as tagger

    def fake_tag_tokens(tokens: list[str]) -> list[str]:  # only the first sentence names Wenger
        return ["O", "B-PERS"] if tokens == ["وقال", "فينغر"] else ["O"] * len(tokens)

    monkeypatch.setattr(tagger, "tag_sentences", lambda sentences: [fake_tag_tokens(s) for s in sentences])
    lines = ["وقال\n", "فينغر\n", "\n", "فينغر\n", "غاضب\n", "\n"] + ["كلمة\n", "\n"] * 12
    out = list(tag_conll(lines))
    assert out[:6] == ["وقال\tO", "فينغر\tB-PERS", "", "فينغر\tB-PERS", "غاضب\tO", ""]
    assert len([line for line in out if not line]) == 14


def test_torch_layer_matches_the_numpy_layer() -> None:
    """The training model (torch, scripts only) computes what the numpy runtime computes."""
    torch = pytest.importorskip("torch")  # a training dependency: absent from a runtime install
    from marsad.entities.finetune import TorchLayer

    encoder = default_encoder()
    tokenizer, shape = encoder.tokenizer, encoder.shape
    ids = [tokenizer.bos, *tokenizer.ids("passage: قال جاك شيراك في باريس"), tokenizer.eos]
    x = encoder.model.embed(np.array([ids]))
    layer = encoder.model.layers[0]
    expected = run_layer(layer, x, None, shape.n_heads, shape.eps)
    block = TorchLayer(layer, shape.n_heads, shape.eps).eval()
    with torch.no_grad():
        got = block(torch.from_numpy(x), torch.ones(x.shape[:2], dtype=torch.bool)).numpy()
    assert np.abs(got - expected).max() < 1e-4


def test_document_pass_does_not_depend_on_the_hash_seed() -> None:
    """Regression: spans were voted in set order, so a tie went another way in another process
    (dev F1 0.8052 or 0.8072 from one run to the next)."""
    code = (
        "from marsad.entities.document import propagate; "
        "print(propagate([['نيسان', 'و', 'نيسان'], ['قال', 'نيسان']], "
        "[['B-ORG', 'O', 'B-MISC'], ['O', 'O']])[1])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            cwd=Path(__file__).parents[2],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(8)
    }
    assert outputs == {"['O', 'B-ORG']\n"}
