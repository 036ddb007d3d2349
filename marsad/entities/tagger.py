"""Arabic named-entity tagging with the CRF model trained on ANERcorp.

The model (`models/ner.crfsuite`, made by `scripts/train_ner.py`) is opened on
first use, never at import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import pycrfsuite

from marsad.entities.conll import read_conll, write_conll
from marsad.entities.features import sentence_features

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner.crfsuite"


class NerTagger:
    """A CRF model file opened for tagging."""

    def __init__(self, model_path: Path) -> None:
        if not model_path.is_file():
            raise FileNotFoundError(
                f"NER model not found at {model_path}: run scripts/train_ner.py to build it"
            )
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))

    def tag(self, tokens: list[str]) -> list[str]:
        """Return one IOB2 tag (PERS, LOC, ORG, MISC) per token."""
        if not tokens:
            return []
        return [str(tag) for tag in self._tagger.tag(sentence_features(tokens))]


@lru_cache(maxsize=1)
def default_tagger() -> NerTagger:
    """The packaged model, opened once."""
    return NerTagger(MODEL_PATH)


def tag_tokens(tokens: list[str]) -> list[str]:
    """Tag the tokens of one sentence with IOB2 tags (PERS, LOC, ORG, MISC)."""
    return default_tagger().tag(tokens)


def tag_conll(lines: Iterable[str]) -> Iterator[str]:
    """Tag CoNLL input (token first on each line; other columns ignored).

    Yields "token<TAB>TAG" lines with an empty line after every sentence.
    """
    for rows in read_conll(lines):
        tokens = [fields[0] for fields in rows]
        yield from write_conll([(tokens, tag_tokens(tokens))])
