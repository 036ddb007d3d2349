"""Calibrate the thresholds of claim alignment on public labelled pairs and print the figures.

Grouping ("same claim"): two claims of different articles join when their
multilingual-e5 cosine is at least `GROUP_MIN_COSINE` and their folded word /
stem overlap at least `GROUP_MIN_OVERLAP` (`marsad.claims.align`). This script
measures that rule on pairs nobody on the team wrote:

- positives (same claim): ANS (Arabic News Stance, Khouja 2020) "agree" pairs,
  train and dev: a news claim and a human paraphrase of it;
- negatives (other claims): ANS "other" pairs, and hard negatives: each ANS
  claim paired with its nearest *other* ANS claim by cosine (same topic, often
  the same story, different statement; a few may be true paraphrases, so the
  precision printed is a lower bound), the same for ArbTEDS leads;
- reported apart: ArbTEDS (Alabbas 2013) headline / lead pairs, entailed (1)
  or not (0), and ANS "disagree" pairs (contradictions about one event: a group
  may hold them, contradiction detection then flags them).

Contradiction by the stance model (`marsad.claims.contradict`): the share of
ANS dev "disagree" pairs (true contradictions; the model was trained on ANS
train only), ANS dev "agree" pairs and the nearest-other-claim pairs that the
model flags, for several lexical-overlap filters and P(contradict) floors.

Run from the repository root (1-3 minutes on 2 cores, most of it embedding;
`--embedding-cache /tmp/FILE.npz` keeps vectors between runs, never in the repo):

    .venv/bin/python -m scripts.calibrate_claims [--embedding-cache /tmp/claims-cal.npz]
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsad.claims.align import GROUP_MIN_COSINE, GROUP_MIN_OVERLAP, lexical_keys, overlap
from marsad.claims.contradict import STANCE_MIN_CONTRADICT, STANCE_MIN_COSINE, STANCE_MIN_OVERLAP, double_negation
from marsad.claims.pair_features import cue_stems, dense_matrix
from marsad.claims.stance import LABELS, shipped_model
from scripts.train_stance import embed_texts

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
COSINES = [round(0.88 + 0.01 * i, 2) for i in range(10)]
OVERLAPS = [round(0.05 * i, 2) for i in range(17)]
BETA = 0.5  # F0.5: a false join chains two stories together (single link), a missed one only splits a group


@dataclass(frozen=True)
class Pairs:
    """Pairs of statements with a name, scored by cosine and lexical overlap."""

    name: str
    pairs: list[tuple[str, str]]
    cosine: NDArray[np.float64]
    overlap: NDArray[np.float64]

    def joined(self, min_cosine: float, min_overlap: float) -> NDArray[np.bool_]:
        """Which pairs the grouping rule joins at these thresholds."""
        return np.asarray((self.cosine >= min_cosine) & (self.overlap >= min_overlap))


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file with a header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def score(name: str, pairs: list[tuple[str, str]], vectors: dict[str, NDArray[np.float32]]) -> Pairs:
    """Cosine and overlap of each pair."""
    cosine = np.array([float(vectors[a] @ vectors[b]) for a, b in pairs])
    lexical = np.array([overlap(lexical_keys(a), lexical_keys(b)) for a, b in pairs])
    return Pairs(name, pairs, cosine, lexical)


def components(pairs: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Text -> number of its connected component in the graph of labelled pairs."""
    parent: dict[str, str] = {}

    def find(text: str) -> str:
        parent.setdefault(text, text)
        while parent[text] != text:
            parent[text] = parent[parent[text]]
            text = parent[text]
        return text

    for a, b in pairs:
        parent[find(a)] = find(b)
    roots: dict[str, int] = {}
    return {text: roots.setdefault(find(text), len(roots)) for text in list(parent)}


def nearest_other(
    texts: Sequence[str], vectors: dict[str, NDArray[np.float32]], component: dict[str, int]
) -> list[tuple[str, str]]:
    """Each text with its most similar text of another component (ANS pairs one title with several
    rewrites, which come back as titles of other pairs: the same claim, so never a negative)."""
    unique = list(dict.fromkeys(texts))
    matrix = np.stack([vectors[t] for t in unique])
    similarity = matrix @ matrix.T
    groups = np.array([component.get(t, -1 - i) for i, t in enumerate(unique)])
    similarity[groups[:, None] == groups[None, :]] = -1.0
    return [(unique[i], unique[int(similarity[i].argmax())]) for i in range(len(unique))]


def prf(positives: Pairs, negatives: Sequence[Pairs], min_cosine: float, min_overlap: float) -> tuple[float, ...]:
    """Precision, recall and F-beta of the rule, with positives against all negatives."""
    true_pos = int(positives.joined(min_cosine, min_overlap).sum())
    false_pos = sum(int(n.joined(min_cosine, min_overlap).sum()) for n in negatives)
    precision = true_pos / max(1, true_pos + false_pos)
    recall = true_pos / max(1, len(positives.pairs))
    beta2 = BETA * BETA
    f_beta = (1 + beta2) * precision * recall / max(1e-9, beta2 * precision + recall)
    return precision, recall, f_beta


def grouping_report(positives: Pairs, negatives: list[Pairs], others: list[Pairs]) -> None:
    """Print, for each cosine floor, the overlap floor with the best F0.5, then the shipped point."""
    print(f"positives: {positives.name} ({len(positives.pairs)}); negatives: "
          + ", ".join(f"{n.name} ({len(n.pairs)})" for n in negatives))
    print("cosine  best overlap  precision  recall  F0.5   F1")
    for c in COSINES:
        o, p, r, f = max(((o, *prf(positives, negatives, c, o)) for o in OVERLAPS), key=lambda row: row[3])
        print(f"{c:.2f}    {o:.2f}          {p:.3f}      {r:.3f}   {f:.3f}  {f1(p, r):.3f}")
    p, r, f = prf(positives, negatives, GROUP_MIN_COSINE, GROUP_MIN_OVERLAP)
    print(f"shipped GROUP_MIN_COSINE={GROUP_MIN_COSINE} GROUP_MIN_OVERLAP={GROUP_MIN_OVERLAP}: "
          f"precision {p:.3f} recall {r:.3f} F0.5 {f:.3f} F1 {f1(p, r):.3f}")
    for n in [positives, *negatives, *others]:
        rate = float(n.joined(GROUP_MIN_COSINE, GROUP_MIN_OVERLAP).mean())
        print(f"  {n.name}: joined {rate:.3f} of {len(n.pairs)}; median cosine {np.median(n.cosine):.3f}, "
              f"median overlap {np.median(n.overlap):.3f}")


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall."""
    return 2 * precision * recall / max(1e-9, precision + recall)


def stance_report(sets: dict[str, Pairs], vectors: dict[str, NDArray[np.float32]]) -> None:
    """Share of each set the stance model flags as contradicting, for candidate filters and floors."""
    column = LABELS.index("contradict")
    proba = {}
    guarded = {n: np.array([double_negation(a, b) for a, b in scored.pairs]) for n, scored in sets.items()}
    print("pairs the double-negation guard keeps from the model: "
          + ", ".join(f"{n} {int(g.sum())} of {len(g)}" for n, g in guarded.items()))
    for name, scored in sets.items():
        first = np.stack([vectors[a] for a, _ in scored.pairs])
        second = np.stack([vectors[b] for _, b in scored.pairs])
        dense = dense_matrix(scored.pairs, first, second)
        p_contradict = shipped_model().predict_proba(dense, [cue_stems(a, b) for a, b in scored.pairs])[:, column]
        proba[name] = np.where(guarded[name], 0.0, p_contradict)
    print(f"stance contradictions at cosine >= STANCE_MIN_COSINE={STANCE_MIN_COSINE}: share of each set flagged")
    print("overlap  P(contradict)  " + "  ".join(sets))
    for min_overlap in (0.0, 0.3, 0.4, 0.5, 0.6):
        for floor in (0.8, 0.9, 0.95):
            shares = [
                float(((s.cosine >= STANCE_MIN_COSINE) & (s.overlap >= min_overlap) & (proba[n] >= floor)).mean())
                for n, s in sets.items()
            ]
            shipped = min_overlap == STANCE_MIN_OVERLAP and floor == STANCE_MIN_CONTRADICT
            print(f">= {min_overlap:.2f}  >= {floor:.2f}        " + "  ".join(f"{x:.3f}" for x in shares)
                  + ("   <- shipped" if shipped else ""))


def main(argv: Sequence[str] | None = None) -> None:
    """Read the data, embed every statement once, print both reports."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--embedding-cache", type=Path, default=None)
    args = parser.parse_args(argv)
    ans = read_csv(args.data / "stance/ans/train.csv") + read_csv(args.data / "stance/ans/dev.csv")
    teds = read_csv(args.data / "nli/arbteds/train_ArbTEDS.csv") + read_csv(args.data / "nli/arbteds/valid_ArbTEDS.csv")
    texts = [r[k] for r in ans for k in ("s1", "s2")] + [r[k].strip() for r in teds for k in ("t", "h")]
    vectors = embed_texts(list(dict.fromkeys(texts)), args.embedding_cache)

    def ans_pairs(label: str) -> list[tuple[str, str]]:
        return [(r["s1"], r["s2"]) for r in ans if r["stance"] == label]

    def teds_pairs(label: str) -> list[tuple[str, str]]:
        return [(r["t"].strip(), r["h"].strip()) for r in teds if r["label"] == label]

    linked = components([(r["s1"], r["s2"]) for r in ans])
    positives = score("ANS agree", ans_pairs("agree"), vectors)
    negatives = [
        score("ANS other", ans_pairs("other"), vectors),
        score("ANS nearest other claim", nearest_other([r["s1"] for r in ans], vectors, linked), vectors),
        score("ArbTEDS nearest other lead", nearest_other([r["t"].strip() for r in teds], vectors, {}), vectors),
    ]
    others = [
        score("ANS disagree", ans_pairs("disagree"), vectors),
        score("ArbTEDS entailed", teds_pairs("1"), vectors),
        score("ArbTEDS not entailed", teds_pairs("0"), vectors),
    ]
    grouping_report(positives, negatives, others)
    dev = read_csv(args.data / "stance/ans/dev.csv")
    stance_report({
        "ANS-dev-disagree": score("ANS dev disagree", [(r["s1"], r["s2"]) for r in dev if r["stance"] == "disagree"],
                                  vectors),
        "ANS-dev-agree": score("ANS dev agree", [(r["s1"], r["s2"]) for r in dev if r["stance"] == "agree"], vectors),
        "ANS-nearest-other": negatives[1],
        "ArbTEDS-nearest-other": negatives[2],
    }, vectors)


if __name__ == "__main__":
    main()
