"""Distil the fast student word labeller: e5's first layers, all fine-tuned, in place of the teacher's twelve.

    .venv/bin/python scripts/train_student.py [--depth 4] [--epochs 4] [--distil 1500]

The student replaces the teacher labeller (`models/context.npz`, 12 e5 layers)
under the same CRF (`models/ner.crfsuite`): it is trained on the teacher's train
split of ANERcorp (gold labels, with the Latin twins of `train_ner.py`) and on
the teacher's label probabilities over `--distil` unlabelled ANT sentences (whole
articles, none from the dev set or the skipped days; `ner_cv.ant_sentences`), so
that its probabilities look like those the CRF learnt to read. It runs `depth`
of e5's 12 layers, so it costs about depth/12 of the teacher's encoder time.
Writes `models/student.npz` and prints the dev figures of the labeller alone and
under the CRF (the old dev split, which neither model trained on).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from marsad.encoder import default_encoder
from marsad.entities import finetune
from marsad.entities.conll import dev_split, read_gold, score_entities
from marsad.entities.document import propagate
from marsad.entities.tagger import MODEL_PATH, STUDENT_PATH, NerTagger
from marsad.entities.wordlabels import LABELS, WordLabeller

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ner_cv import Recipe, ant_sentences, labeller_windows, probabilities_of, teacher_windows
from train_ner import ANERCORP, report, with_latin_twins

DEPTH = 4  # e5 layers the student runs: 4 of 12 fit the ingest budget of issue 10 (about 60-80 ms an article)
EPOCHS = 4
DISTIL_SENTENCES = 1500


def main() -> None:
    """Train the student, save it, print its dev figures."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--depth", type=int, default=DEPTH)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--distil", type=int, default=DISTIL_SENTENCES, help="ANT sentences labelled by the teacher")
    parser.add_argument("--out", type=Path, default=STUDENT_PATH)
    args = parser.parse_args()
    recipe = Recipe(frozen=0, depth=args.depth, epochs=args.epochs, distil_sentences=args.distil)
    train_set, dev_set = dev_split(read_gold(ANERCORP))
    started = time.perf_counter()
    distilled = teacher_windows(ant_sentences(recipe.distil_sentences), 0) if recipe.distil_sentences else []
    print(f"teacher labels over {len(distilled)} ANT windows in {time.perf_counter() - started:.0f} s")
    model = finetune.Labeller(default_encoder(), 0, depth=recipe.depth)
    windows = [w for s in labeller_windows(recipe, with_latin_twins(train_set)) for w in s] + distilled
    finetune.train(model, windows, recipe.epochs)
    print(f"student trained in {time.perf_counter() - started:.0f} s")
    finetune.to_labeller(model, default_encoder()).save(args.out)
    print(f"{args.out.name}: {args.out.stat().st_size / 1e6:.2f} MB")
    probabilities = probabilities_of(model, labeller_windows(recipe, dev_set))
    gold = [tags for _, tags in dev_set]
    report(
        "old dev split, student alone (argmax)",
        score_entities(gold, [[LABELS[int(i)] for i in p.argmax(1)] for p in probabilities]),
    )
    tagger = NerTagger(MODEL_PATH, WordLabeller.load(args.out, default_encoder()))
    pred = [tagger.tag(tokens) for tokens, _ in dev_set]
    report("old dev split, student under the CRF", score_entities(gold, pred))
    report("old dev split, with the document pass", score_entities(gold, propagate([t for t, _ in dev_set], pred)))


if __name__ == "__main__":
    main()
