"""Speed of the NER teacher and student, one thread, on the sentences of N ANT articles.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ner_speed.py [--articles 40]

Prints words per second (and e5 subwords per second, and milliseconds per
article) for each part of tagging, in the same run: the lexical features and
the CRF alone (`features.py`, python-crfsuite), the word labeller of the
teacher (e5's 12 layers, numpy) and of the student (its first layers), and the
whole tagger with each. The encoder runtime is today's numpy one
(`context.py`); the ONNX Runtime encoder of issue 10 will replace it.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable

import pycrfsuite
from ant import records

from marsad.entities.features import add_label_probabilities, sentence_features
from marsad.entities.tagger import MODEL_PATH, default_tagger, student_tagger
from marsad.entities.wordlabels import LABELS, WordLabeller

_TOKEN = re.compile(r"[\w\u064B-\u065F\u0670]+|[^\w\s]")


def sentences(articles: int) -> tuple[list[list[str]], int]:
    """Token lists of the lines of the first `articles` ANT articles (title and text), and the article count."""
    out: list[list[str]] = []
    for n, record in enumerate(records()):
        if n >= articles:
            break
        for line in f"{record['title']}\n{record['text']}".splitlines():
            tokens = _TOKEN.findall(line)
            if tokens:
                out.append(tokens)
    return out, articles


def timed(run: Callable[[], object]) -> float:
    """Seconds taken by `run`."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def subwords(labeller: WordLabeller, batch: list[list[str]]) -> int:
    """e5 subwords the labeller reads for `batch` (prefix and special tokens included)."""
    return sum(len(ids) for tokens in batch for ids, _ in labeller.encoder.windows(tokens))


def main() -> None:
    """Time each part on the same sentences."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    args = parser.parse_args()
    batch, articles = sentences(args.articles)
    words = sum(len(tokens) for tokens in batch)
    teacher, student = default_tagger(), student_tagger()
    teacher.tag(["تحميل"])  # open the models outside the timings
    student.tag(["تحميل"])
    crf = pycrfsuite.Tagger()
    crf.open(str(MODEL_PATH))
    uniform = [[1.0 / len(LABELS)] * len(LABELS)]
    rows = {
        "features + CRF (fixed probabilities)": timed(
            lambda: [crf.tag(add_label_probabilities(sentence_features(t), uniform * len(t), LABELS)) for t in batch]
        ),
        "teacher labeller (e5, 12 layers)": timed(lambda: [teacher.labeller.probabilities(t) for t in batch]),
        "student labeller": timed(lambda: [student.labeller.probabilities(t) for t in batch]),
        "teacher tagger (marsad ner)": timed(lambda: [teacher.tag(t) for t in batch]),
        "student tagger (ingest)": timed(lambda: [student.tag(t) for t in batch]),
    }
    pieces = subwords(teacher.labeller, batch)
    print(f"{articles} ANT articles, {len(batch)} lines, {words} words, {pieces} e5 subwords; one thread")
    for name, seconds in rows.items():
        rate = f"{words / seconds:8.0f} words/s  {pieces / seconds:8.0f} subwords/s"
        print(f"{name:38s} {rate}  {1000 * seconds / articles:7.1f} ms/article")


if __name__ == "__main__":
    main()
