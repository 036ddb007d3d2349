"""NER dev protocol: every dev figure of the tagger side by side, train figures beside dev figures.

    .venv/bin/python benchmarks/ner_quality.py [--model teacher|student|both] [--json]

Prints, for the packaged models (entity micro F1, exact span and type):
- ANERcorp block cross-validation: the file is cut into 10 contiguous blocks of
  about 12.5k tokens at its article markers (`marsad.entities.evaluate.cut_blocks`),
  and each recipe is trained on the other blocks and scored on the held-out ones
  by `scripts/ner_cv.py`, which stores its figures in `benchmarks/data/ner/cv/`;
  they are printed here, dev beside train, since retraining takes an hour;
- the ANT blind dev set (47 whole documents, annotator A), sentence by sentence
  and with the document pass, and annotator B against A on B's 16 documents (the
  ceiling); look at it rarely: it stands for the held-out test sets;
- the English dev set (AEB pages, CoNLL-2003 style), when present;
- the old dev split (the last 10 % of ANERcorp's sentences, which the packaged
  models did not train on; articles straddle its edge, so it overestimates);
- a train figure: block 1 of ANERcorp, which the packaged models trained on.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ant import ANT, records

from marsad.entities.conll import EntityScores, dev_split, read_gold, score_entities
from marsad.entities.document import propagate
from marsad.entities.evaluate import (
    Document,
    agreement,
    cut_blocks,
    read_anercorp_documents,
    read_standoff,
    score_documents,
    standoff_ids,
    tag_documents,
    with_document_pass,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
ANERCORP = DATA / "ner" / "anercorp" / "train.conll"
DEV = REPO / "benchmarks" / "data" / "ner"
CV_RESULTS = DEV / "cv"

Tagger = Callable[[list[str]], list[str]]


def ant_dev() -> tuple[list[Document], list[Document]]:
    """The ANT dev set as labelled by annotator A (47 documents) and by B (16 of them)."""
    ids = set(standoff_ids(DEV / "ant-dev.tsv"))
    texts = {r["id"]: f"{r['title']}\n{r['text']}" for r in records(ANT) if r["id"] in ids}
    return read_standoff(DEV / "ant-dev.tsv", texts), read_standoff(DEV / "ant-dev.second.tsv", texts)


def english_dev() -> list[Document] | None:
    """The English dev set (AEB pages), if its file is there."""
    path = DEV / "aeb-en.tsv"
    if not path.is_file():
        return None
    ground_truth = json.loads((DATA / "extraction" / "scrapinghub-aeb" / "ground-truth.json").read_text())
    texts = {key: str(value.get("articleBody") or "") for key, value in ground_truth.items()}
    return read_standoff(path, texts)


def line(label: str, scores: EntityScores) -> str:
    """One row: P, R, F1, entities, and F1 per type."""
    types = " ".join(f"{k} {v['f1']:.3f}" for k, v in scores["per_type"].items())
    return (
        f"{label:<52} P {scores['precision']:.4f}  R {scores['recall']:.4f}  F1 {scores['f1']:.4f}"
        f"  n {scores['support']:5d}  ({types})"
    )


def cv_rows() -> list[tuple[str, dict[str, Any]]]:
    """Stored block cross-validation results, one per recipe file."""
    return [(path.stem, json.loads(path.read_text())) for path in sorted(CV_RESULTS.glob("*.json"))]


def cv_line(name: str, result: dict[str, Any], key: str) -> str:
    """Mean, min and max F1 over folds of one recipe and one figure (`key` in each fold)."""
    f1s = [fold[key]["f1"] for fold in result["folds"] if key in fold]
    if not f1s:
        return ""
    mean = sum(f1s) / len(f1s)
    return f"{name + ' / ' + key:<52} F1 {mean:.4f}  (min {min(f1s):.4f}, max {max(f1s):.4f}, {len(f1s)} folds)"


def packaged_tagger(model: str) -> Tagger:
    """The tagger to measure: the packaged teacher (CRF + fine-tuned e5) or the student."""
    from marsad.entities import tagger

    if model == "student":
        return tagger.student_tagger().tag
    return tagger.default_tagger().tag


def measure(model: str) -> dict[str, EntityScores]:
    """Score the packaged models on every dev set that needs no retraining."""
    tag = packaged_tagger(model)
    results: dict[str, EntityScores] = {}
    first, second = ant_dev()
    tags = tag_documents(first, tag, document_pass=False)
    results["ANT dev A, sentence by sentence"] = score_documents(first, tags)
    results["ANT dev A, with the document pass"] = score_documents(first, with_document_pass(first, tags))
    results["ANT dev: annotator B against A (ceiling)"] = agreement(first, second)
    english = english_dev()
    if english is not None:
        results["English dev (AEB), with the document pass"] = score_documents(english, tag_documents(english, tag))
    _, old_dev = dev_split(read_gold(ANERCORP))
    pred = [tag(tokens) for tokens, _ in old_dev]
    gold = [tags for _, tags in old_dev]
    results["old dev split (last 10 %, leaky), sentence by sentence"] = score_entities(gold, pred)
    results["old dev split, with the document pass"] = score_entities(gold, propagate([t for t, _ in old_dev], pred))
    block = cut_blocks(read_anercorp_documents(ANERCORP))[0]
    results["train: ANERcorp block 1, with the document pass"] = score_documents(block, tag_documents(block, tag))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Print every figure of the protocol."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", choices=["teacher", "student", "both"], default="both")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    models = ["teacher", "student"] if args.model == "both" else [args.model]
    results = {model: measure(model) for model in models}
    cv = cv_rows()
    if args.json:
        print(json.dumps({"packaged": results, "cv": dict(cv)}, ensure_ascii=False, indent=1))
        return
    print(f"ANERcorp block cross-validation (recipes retrained per fold by scripts/ner_cv.py; {CV_RESULTS}):")
    for name, result in cv:
        for key in ("dev", "dev_sentence", "dev_labeller", "train"):
            text = cv_line(name, result, key)
            if text:
                print("  " + text)
    for model, figures in results.items():
        print(f"packaged {model}:")
        for label, scores in figures.items():
            print("  " + line(label, scores))


if __name__ == "__main__":
    main()
