"""Block cross-validation of an NER recipe on ANERcorp.

    .venv/bin/python scripts/ner_cv.py RECIPE [--folds 0,1,2,3,4] [--labeller-folds 2] [--variants crf,crf-nomemory]

ANERcorp's training file is cut into 10 contiguous blocks at its article markers
(`marsad.entities.evaluate.cut_blocks`), so no marked article is split between
train and dev.

1. Labellers: for each of `--labeller-folds` contiguous groups of blocks (halves
   by default), the recipe's word labeller (e5 layers `frozen`..`depth`
   fine-tuned, `finetune.py`) is trained on the other blocks (with their Latin
   twins and, for a student, the teacher's label probabilities over unlabelled
   ANT sentences) and scores the held-out group. These out-of-fold probabilities
   are cached in `WORK` and serve every CRF below.
2. CRFs: CRF fold k holds out blocks 2k and 2k+1 (about 25k tokens). A CRF is
   trained on the other blocks with their out-of-fold probabilities and scored
   on the held-out blocks: the labeller alone (argmax), the CRF sentence by
   sentence, and with the document pass inside each article; a train figure
   (the fold's CRF with in-sample probabilities on a block its labeller and CRF
   trained on) goes beside them. Figures go to
   `benchmarks/data/ner/cv/RECIPE-VARIANT.json`, which `benchmarks/ner_quality.py` prints.

With halves, a labeller is trained on 5 blocks, about half of what the packaged
one saw, so the fold figures are below what a model trained on 9 blocks would
reach: they rank recipes and CRF variants, they do not predict the held-out test.
Teacher labels over ANT come from the packaged teacher labeller, which saw 90 % of
ANERcorp, so a student's fold figures may profit a little from its held-out blocks.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pycrfsuite
from sentencex import segment

from marsad.encoder import default_encoder
from marsad.encoder.modelfile import Array
from marsad.entities import finetune
from marsad.entities.conll import Sentence, score_entities
from marsad.entities.document import propagate
from marsad.entities.evaluate import Document, cut_blocks, read_anercorp_documents, sentences_of, standoff_ids
from marsad.entities.features import Memory, add_label_probabilities, build_memory, sentence_features
from marsad.entities.wordlabels import LABELS

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "scripts"))
from ant import records  # noqa: E402  (the benchmarks' one ANT reader)
from train_ner import ANERCORP, C1, C2, MAX_ITERATIONS, MEMORY_FOLDS, MIN_FEATURE_FREQ, with_latin_twins  # noqa: E402

WORK = Path(os.environ.get("MARSAD_NER_WORK", "/work/nerwork")) / "cv"
RESULTS = REPO / "benchmarks" / "data" / "ner" / "cv"
BLOCKS = 10
CRF_FOLDS = 5  # CRF fold k holds out blocks 2k and 2k+1
# Labellers are the costly part (10-30 min each on a shared 2-core machine): by default
# two, each trained on one half of the blocks and scoring the other half, give
# out-of-fold probabilities for every block, which every CRF fold then reads.
LABELLER_FOLDS = 2
ANT_DEV = REPO / "benchmarks" / "data" / "ner" / "ant-dev.tsv"
SKIP_DAYS = ("2018-04-07", "2018-04-16")  # around the probable held-out story window, as for the dev set
DISTIL_SEED = 7
_TOKEN = re.compile(r"[\w\u064B-\u065F\u0670]+|[^\w\s]")

log = logging.getLogger("ner_cv")


@dataclass(frozen=True)
class Recipe:
    """A word labeller (e5 layers `frozen`..`depth` fine-tuned) and the ANT sentences it distils."""

    frozen: int
    depth: int
    epochs: int
    distil_sentences: int = 0  # ANT sentences labelled by the packaged teacher, added to training


RECIPES = {
    "teacher8": Recipe(frozen=4, depth=12, epochs=3),
    "teacher12": Recipe(frozen=0, depth=12, epochs=3),
    "student4": Recipe(frozen=0, depth=4, epochs=4, distil_sentences=1500),
    "student3": Recipe(frozen=0, depth=3, epochs=4, distil_sentences=1500),
}
# CRF variants trained over the same out-of-fold probabilities: whether the entity
# memory of training names is among the CRF's features.
VARIANTS = {"crf": True, "crf-nomemory": False}
_NO_MEMORY: Memory = {}


def ant_sentences(count: int) -> list[list[str]]:
    """`count` sentences of whole ANT articles (seeded), none from the dev set or the skipped days."""
    dev = set(standoff_ids(ANT_DEV))
    pool = [
        r
        for r in records()
        if r["id"] not in dev
        and r["published"][:4] == "2018"
        and not SKIP_DAYS[0] <= r["published"][:10] <= SKIP_DAYS[1]
    ]
    random.Random(DISTIL_SEED).shuffle(pool)
    out: list[list[str]] = []
    for record in pool:
        for piece in segment("ar", f"{record['title']}\n{record['text']}"):
            for text_line in piece.splitlines():
                tokens = _TOKEN.findall(text_line)
                if 3 <= len(tokens) <= 120:
                    out.append(tokens)
        if len(out) >= count:
            return out[:count]
    return out


def _skipped(day: str) -> bool:
    return SKIP_DAYS[0] <= day <= SKIP_DAYS[1]


def teacher_windows(sentences: list[list[str]], frozen: int) -> list[finetune.Window]:
    """Windows of `sentences` whose targets are the packaged teacher labeller's probabilities."""
    from marsad.entities.wordlabels import default_labeller

    teacher = finetune.from_labeller(default_labeller())
    encoder = default_encoder()
    untagged: list[tuple[list[str], list[str] | None]] = [(tokens, None) for tokens in sentences]
    teacher_input = [w for s in finetune.frozen_windows(encoder, teacher.frozen, untagged) for w in s]
    probabilities = finetune.predict(teacher, teacher_input)
    student_input = [w for s in finetune.frozen_windows(encoder, frozen, untagged) for w in s]
    for window, soft in zip(student_input, probabilities, strict=True):
        window.soft = soft
    return student_input


def labeller_windows(recipe: Recipe, sentences: list[Sentence]) -> list[list[finetune.Window]]:
    """The recipe's frozen windows of gold sentences, one list per sentence."""
    pairs: list[tuple[list[str], list[str] | None]] = [(tokens, tags) for tokens, tags in sentences]
    return finetune.frozen_windows(default_encoder(), recipe.frozen, pairs)


def probabilities_of(model: finetune.Labeller, windows: list[list[finetune.Window]]) -> list[Array]:
    """One array of label probabilities per sentence."""
    scores = finetune.predict(model, [w for sentence in windows for w in sentence])
    out, k = [], 0
    for sentence in windows:
        out.append(np.concatenate(scores[k : k + len(sentence)]))
        k += len(sentence)
    return out


def train_labeller(recipe: Recipe, train: list[Sentence], distilled: list[finetune.Window]) -> finetune.Labeller:
    """Fine-tune the recipe's labeller on gold sentences plus distilled windows."""
    model = finetune.Labeller(default_encoder(), recipe.frozen, depth=recipe.depth)
    windows = [w for s in labeller_windows(recipe, train) for w in s] + distilled
    finetune.train(model, windows, recipe.epochs)
    return model


def held_out(fold: int, folds: int = CRF_FOLDS) -> set[int]:
    """The blocks that fold `fold` of `folds` holds out: a contiguous run of BLOCKS / folds blocks."""
    return {b for b in range(BLOCKS) if b * folds // BLOCKS == fold}


def with_twins(blocks: list[list[Document]]) -> list[list[Sentence]]:
    """Each block's sentences with their Latin twins (the training form of a block)."""
    return [with_latin_twins(sentences_of(block)) for block in blocks]


def run_labellers(name: str, recipe: Recipe, blocks: list[list[Document]], folds: int) -> None:
    """Train each labeller fold; cache its probabilities on its held-out blocks and on one training block."""
    work = WORK / name
    work.mkdir(parents=True, exist_ok=True)
    trained = with_twins(blocks)
    distilled = (
        teacher_windows(ant_sentences(recipe.distil_sentences), recipe.frozen) if recipe.distil_sentences else []
    )
    for fold in range(folds):
        path = work / f"labeller{folds}-{fold}.npz"
        if path.exists():
            continue
        started = time.perf_counter()
        out = held_out(fold, folds)
        train = [s for b, sentences in enumerate(trained) if b not in out for s in sentences]
        model = train_labeller(recipe, train, distilled)
        arrays: dict[str, Array] = {}
        train_block = min(b for b in range(len(blocks)) if b not in out)
        for b in [*sorted(out), train_block]:
            for i, p in enumerate(probabilities_of(model, labeller_windows(recipe, trained[b]))):
                arrays[f"b{b}.s{i}"] = p
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy's stub types the first keyword as allow_pickle
        log.info("%s labeller fold %d of %d: %.0f s", name, fold, folds, time.perf_counter() - started)


def load_probabilities(name: str, folds: int) -> tuple[dict[tuple[int, int], Array], dict[int, list[Array]]]:
    """Cached probabilities: out of fold by (block, sentence index in its training form), and in-sample by block."""
    out: dict[tuple[int, int], Array] = {}
    seen: dict[int, list[Array]] = {}
    for fold in range(folds):
        with np.load(WORK / name / f"labeller{folds}-{fold}.npz") as data:
            for key in data.files:
                block, sentence = (int(part[1:]) for part in key.split("."))
                if block in held_out(fold, folds):
                    out[(block, sentence)] = data[key]
                else:
                    seen.setdefault(block, []).append(data[key])
    return out, seen


def train_crf(sentences: list[Sentence], probabilities: list[Array], memory: bool, path: Path) -> None:
    """A CRF over the lexical features (with jackknifed memory, or none) and the labeller probabilities."""
    trainer = pycrfsuite.Trainer(verbose=False)
    size = -(-len(sentences) // MEMORY_FOLDS)
    for start in range(0, len(sentences), size):
        part = sentences[start : start + size]
        rest = sentences[:start] + sentences[start + size :]
        known = build_memory(rest) if memory else _NO_MEMORY
        for (tokens, tags), p in zip(part, probabilities[start : start + size], strict=True):
            trainer.append(add_label_probabilities(sentence_features(tokens, known), p.tolist(), LABELS), tags)
    trainer.set_params(
        {
            "c1": C1,
            "c2": C2,
            "max_iterations": MAX_ITERATIONS,
            "feature.minfreq": MIN_FEATURE_FREQ,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(path))


def tag_block(
    crf: Path, documents: list[Document], probabilities: list[Array], memory: Memory
) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """(labeller argmax, CRF per sentence, CRF with the document pass) tags of a block's sentences."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(crf))
    argmax, sentence_tags, document_tags = [], [], []
    k = 0
    for document in documents:
        doc_tags = []
        for tokens, _ in document.sentences:
            p = probabilities[k]
            k += 1
            argmax.append([LABELS[int(i)] for i in p.argmax(axis=1)])
            items = add_label_probabilities(sentence_features(tokens, memory), p.tolist(), LABELS)
            doc_tags.append([str(t) for t in tagger.tag(items)])
        sentence_tags.extend(doc_tags)
        document_tags.extend(propagate([t for t, _ in document.sentences], doc_tags))
    return argmax, sentence_tags, document_tags


def originals(block: list[Document], probabilities: list[Array]) -> list[Array]:
    """The probabilities of a block's own sentences (its training form interleaves Latin twins)."""
    twinned = with_latin_twins(sentences_of(block))
    keep = []
    k = 0
    for tokens, _ in sentences_of(block):
        while twinned[k][0] != tokens:
            k += 1
        keep.append(probabilities[k])
        k += 1
    return keep


def run_crfs(
    name: str, blocks: list[list[Document]], labeller_folds: int, folds: list[int], variant: str
) -> dict[str, object]:
    """Train and score the CRF variant of every fold; write the figures after each fold and return them."""
    cached, in_sample = load_probabilities(name, labeller_folds)
    trained = with_twins(blocks)
    results: list[dict[str, object]] = []
    for fold in folds:
        started = time.perf_counter()
        out = held_out(fold)
        train_ids = [(b, i) for b in range(len(blocks)) if b not in out for i in range(len(trained[b]))]
        if any(key not in cached for key in train_ids):
            log.warning("%s fold %d: out-of-fold probabilities missing for its training blocks, skipped", name, fold)
            continue
        train = [trained[b][i] for b, i in train_ids]
        path = WORK / name / f"{variant}-fold{fold}.crfsuite"
        train_crf(train, [cached[key] for key in train_ids], VARIANTS[variant], path)
        memory = build_memory(train) if VARIANTS[variant] else _NO_MEMORY
        dev_docs = [d for b in sorted(out) for d in blocks[b]]
        dev_probs = [
            p for b in sorted(out) for p in originals(blocks[b], [cached[(b, i)] for i in range(len(trained[b]))])
        ]
        gold = [tags for _, tags in sentences_of(dev_docs)]
        argmax, sentence_tags, document_tags = tag_block(path, dev_docs, dev_probs, memory)
        block = min(b for b in in_sample if b not in out)
        train_tags = tag_block(path, blocks[block], originals(blocks[block], in_sample[block]), memory)[2]
        figures: dict[str, object] = {
            "fold": fold,
            "held_out_blocks": sorted(out),
            "dev_labeller": score_entities(gold, argmax),
            "dev_sentence": score_entities(gold, sentence_tags),
            "dev": score_entities(gold, document_tags),
            "train": score_entities([tags for _, tags in sentences_of(blocks[block])], train_tags),
        }
        results.append(figures)
        _write(name, variant, len(blocks), labeller_folds, results)
        log.info(
            "%s %s fold %d: dev F1 %.4f (%.0f s)",
            name,
            variant,
            fold,
            _f1(figures["dev"]),
            time.perf_counter() - started,
        )
    return _write(name, variant, len(blocks), labeller_folds, results)


def _write(
    name: str, variant: str, blocks: int, labeller_folds: int, folds: list[dict[str, object]]
) -> dict[str, object]:
    """Store the figures of the folds run so far in `RESULTS` (a fold run again replaces its old figures)."""
    path = RESULTS / f"{name}-{variant}.json"
    done = [f for f in json.loads(path.read_text())["folds"]] if path.exists() else []
    mine = {f["fold"] for f in folds}
    merged = sorted([f for f in done if f["fold"] not in mine] + folds, key=lambda f: int(str(f["fold"])))
    result: dict[str, object] = {
        "recipe": name,
        "variant": variant,
        "blocks": blocks,
        "labeller_folds": labeller_folds,
        "folds": merged,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n")
    return result


def _f1(scores: object) -> float:
    return float(scores["f1"]) if isinstance(scores, dict) else 0.0


def main() -> None:
    """Cross-validate a recipe; with --final, also rebuild the packaged models."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("recipe", choices=sorted(RECIPES))
    parser.add_argument("--folds", default=",".join(map(str, range(CRF_FOLDS))), help="CRF folds to run (0-4)")
    parser.add_argument("--labeller-folds", type=int, default=LABELLER_FOLDS, help="2 (halves), 5 or 10")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="CRF variants to score")
    args = parser.parse_args()
    recipe = RECIPES[args.recipe]
    folds = [int(f) for f in args.folds.split(",")]
    blocks = cut_blocks(read_anercorp_documents(ANERCORP), BLOCKS)
    run_labellers(args.recipe, recipe, blocks, args.labeller_folds)
    for fold in folds:  # fold by fold, so that every variant has figures early
        for variant in args.variants.split(","):
            run_crfs(args.recipe, blocks, args.labeller_folds, [fold], variant)


if __name__ == "__main__":
    main()
