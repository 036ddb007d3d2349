"""Does one news statement agree with, contradict, or have nothing to do with another?

The model has two logistic regressions over the features of
`marsad.claims.pair_features`:

1. *related*: P(unrelated) from the lexical features and the cosine;
2. *side*: P(contradict | related) from every dense feature plus a learned
   weight for each cue stem (a word with no match on the other side).

The three probabilities are P(unrelated), (1 - P(unrelated)) * P(agree | related)
and (1 - P(unrelated)) * P(contradict | related); the label is the most
probable one. Both statements are embedded with `marsad.claims.embed`, which
loads the encoder on first use. The weights (`models/stance.npz`, under 0.2 MB) are
trained by `scripts/train_stance.py` on ANS (Arabic News Stance, Khouja 2020,
Apache-2.0); `models/stance.json` records the data, settings and dev scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsad.claims.embed import embed
from marsad.claims.pair_features import cue_stems, dense_matrix

LABELS: tuple[str, str, str] = ("agree", "contradict", "unrelated")
"""The labels, in the order of the columns of `classify_pairs_proba`."""

MODEL_NAME = "stance.npz"
"""File name of the shipped weights in `marsad/claims/models/`."""


@dataclass(frozen=True)
class Logistic:
    """A binary logistic regression over standardised columns."""

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    coef: NDArray[np.float64]
    intercept: float

    def logit(self, columns: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return the log-odds for each row of `columns`."""
        standardised = (columns - self.mean) / self.scale
        return np.asarray(standardised @ self.coef + self.intercept, dtype=np.float64)


@dataclass(frozen=True)
class StanceModel:
    """The two regressions and the cue-stem weights of the stance classifier."""

    related: Logistic
    related_columns: int
    side: Logistic
    cue_weights: Mapping[str, float]

    def predict_proba(
        self, dense: NDArray[np.float64], cues: Sequence[frozenset[str]]
    ) -> NDArray[np.float64]:
        """Return P(label) with columns in `LABELS` order, for features of `dense_matrix`."""
        unrelated = _sigmoid(self.related.logit(dense[:, : self.related_columns]))
        cue_logit = np.array([sum(self.cue_weights.get(s, 0.0) for s in c) for c in cues])
        contradict = _sigmoid(self.side.logit(dense) + cue_logit)
        related = 1.0 - unrelated
        return np.column_stack([related * (1.0 - contradict), related * contradict, unrelated])

    def save(self, path: Path) -> None:
        """Write the model as an uncompressed .npz archive of plain arrays."""
        stems = sorted(self.cue_weights)
        np.savez(
            path,
            related_mean=self.related.mean,
            related_scale=self.related.scale,
            related_coef=self.related.coef,
            related_intercept=np.array(self.related.intercept),
            related_columns=np.array(self.related_columns),
            side_mean=self.side.mean,
            side_scale=self.side.scale,
            side_coef=self.side.coef,
            side_intercept=np.array(self.side.intercept),
            cue_stems=np.array(stems, dtype=str),
            cue_coef=np.array([self.cue_weights[s] for s in stems], dtype=np.float64),
        )

    @classmethod
    def load(cls, path: Path) -> StanceModel:
        """Read a model written by `save`."""
        with np.load(path, allow_pickle=False) as arrays:
            return cls(
                related=_logistic(arrays, "related"),
                related_columns=int(arrays["related_columns"]),
                side=_logistic(arrays, "side"),
                cue_weights=dict(
                    zip(arrays["cue_stems"].tolist(), arrays["cue_coef"].tolist(), strict=True)
                ),
            )


def _logistic(arrays: Mapping[str, NDArray[np.generic]], prefix: str) -> Logistic:
    """Rebuild one regression from its arrays in a model archive."""
    return Logistic(
        mean=arrays[f"{prefix}_mean"].astype(np.float64),
        scale=arrays[f"{prefix}_scale"].astype(np.float64),
        coef=arrays[f"{prefix}_coef"].astype(np.float64),
        intercept=float(arrays[f"{prefix}_intercept"]),
    )


def _sigmoid(logit: NDArray[np.float64]) -> NDArray[np.float64]:
    """The logistic function."""
    return np.asarray(1.0 / (1.0 + np.exp(-logit)), dtype=np.float64)


@lru_cache(maxsize=1)
def shipped_model() -> StanceModel:
    """Load the model shipped in `marsad/claims/models/` (once per process)."""
    with resources.as_file(resources.files("marsad.claims").joinpath("models", MODEL_NAME)) as path:
        return StanceModel.load(path)


def pair_embeddings(
    pairs: Sequence[tuple[str, str]],
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Embed both sides of `pairs`, each distinct text once, in batches."""
    texts = list(dict.fromkeys(text for pair in pairs for text in pair))
    vectors = embed(texts)
    row = {text: i for i, text in enumerate(texts)}
    first = vectors[[row[a] for a, _ in pairs]]
    second = vectors[[row[b] for _, b in pairs]]
    return first, second


def classify_pairs_proba(pairs: Sequence[tuple[str, str]]) -> NDArray[np.float64]:
    """Return, for each pair of statements, P(agree), P(contradict), P(unrelated).

    The result has one row per pair and its columns in `LABELS` order. The
    order of the two statements in a pair does not matter.
    """
    _check_pairs(pairs)
    if not pairs:
        return np.zeros((0, len(LABELS)), dtype=np.float64)
    first, second = pair_embeddings(pairs)
    dense = dense_matrix(pairs, first, second)
    cues = [cue_stems(a, b) for a, b in pairs]
    return shipped_model().predict_proba(dense, cues)


def classify_pairs(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Label each pair of statements "agree", "contradict" or "unrelated".

    "contradict" covers statements about the same event that cannot both be
    true as worded (a negation, an opposite, another place or figure);
    "unrelated" covers statements about different events.
    """
    probabilities = classify_pairs_proba(pairs)
    return [LABELS[i] for i in probabilities.argmax(axis=1)]


def _check_pairs(pairs: Sequence[tuple[str, str]]) -> None:
    """Fail early, naming the offending pair, if `pairs` is not a sequence of two strings each."""
    if isinstance(pairs, str | tuple) and len(pairs) == 2 and all(isinstance(p, str) for p in pairs):
        raise TypeError("classify_pairs takes a sequence of pairs; wrap a single pair in a list")
    for number, pair in enumerate(pairs):
        if len(pair) != 2 or not all(isinstance(text, str) for text in pair):
            raise TypeError(f"pair {number} must be two strings (statement, statement), got {pair!r}")
