"""The transformer layers in plain numpy: the specification the ONNX graph is checked against.

Nothing at run time calls this module; the tests compare the ONNX Runtime graph
(`graph.py`) and the training model (`entities/finetune.py`, torch) with it, and
`benchmarks/encoder_speed.py` times it as the former runtime. It is the
post-norm BERT layer of multilingual-e5-small, with the exact (erf) GELU.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import NDArray

from marsad.encoder.modelfile import Array, Layer, layer_norm


def normal_cdf(x: Array) -> Array:
    """Phi(x), with erf from Abramowitz & Stegun 7.1.26 (error < 1.5e-7): numpy has no erf."""
    z = np.abs(x) * np.float32(0.7071067811865476)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return cast(Array, 0.5 * (1.0 + erf))


def attention(layer: Layer, x: Array, mask: NDArray[np.bool_] | None, n_heads: int) -> Array:
    """Self-attention context of one layer on `x` (batch, time, hidden); `mask` (batch, time) marks real tokens."""
    batch, time, hidden = x.shape
    head = hidden // n_heads
    qkv = x @ layer.qkv + layer.qkv_b
    q, k, v = (
        qkv[..., i * hidden : (i + 1) * hidden].reshape(batch, time, n_heads, head).transpose(0, 2, 1, 3)
        for i in range(3)
    )
    scores = (q @ k.transpose(0, 1, 3, 2)) / np.float32(np.sqrt(head))
    if mask is not None:
        scores = scores + np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
    attn = np.exp(scores - scores.max(axis=-1, keepdims=True))
    attn /= attn.sum(axis=-1, keepdims=True)
    return cast(Array, (attn @ v).transpose(0, 2, 1, 3).reshape(batch, time, hidden))


def run_layer(layer: Layer, x: Array, mask: NDArray[np.bool_] | None, n_heads: int, eps: float) -> Array:
    """One post-norm BERT layer on a batch `x` of shape (batch, time, hidden)."""
    context = attention(layer, x, mask, n_heads)
    x = layer_norm(x + context @ layer.out + layer.out_b, layer.attn_ln_w, layer.attn_ln_b, eps)
    inner: Array = x @ layer.ff_in + layer.ff_in_b
    inner = inner * normal_cdf(inner)
    return layer_norm(x + inner @ layer.ff_out + layer.ff_out_b, layer.ln_w, layer.ln_b, eps)
