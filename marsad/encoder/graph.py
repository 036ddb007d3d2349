"""An ONNX graph of a stack of post-norm BERT layers, built from weights with the `onnx` helper API.

Input `x` (batch, time, hidden): embedded, layer-normalised subwords; input
`mask` (batch, time), int32: 1 for a real subword, 0 for padding, which is never
attended to. Output `y`: the states after the last layer, same shape as `x`.

Attention is ONNX Runtime's `MultiHeadAttention` (com.microsoft), fed the packed
query/key/value projection. With `int8`, each weight matmul is a
`DynamicQuantizeMatMul` (com.microsoft): its weights are int8 with one scale per
output channel (symmetric), its input is quantised to uint8 on the fly;
everything else (attention, layer norms, GELU, biases) stays float32. Per-channel
scales matter: one scale per matrix cost 0.025 NER F1 in a first experiment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper

from marsad.encoder.modelfile import Array, Layer, quantise_columns
from marsad.encoder.runtime import Precision

OPSET = 20  # Gelu is an ONNX operator from opset 20
_MS = "com.microsoft"
_MATRICES = ("qkv", "out", "ff_in", "ff_out")


def build_graph(layers: Sequence[Layer], n_heads: int, eps: float, precision: Precision) -> onnx.ModelProto:
    """The layers as one ONNX model (see the module docstring for inputs and outputs)."""
    hidden = layers[0].out.shape[0]
    builder = _Builder(precision)
    x = "x"
    for i, layer in enumerate(layers):
        x = builder.layer(f"l{i}", layer, x, n_heads, eps)
    builder.nodes.append(helper.make_node("Identity", [x], ["y"]))
    graph = helper.make_graph(
        builder.nodes,
        "e5_layers",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "time", hidden]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "time"]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "time", hidden])],
        builder.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(_MS, 1)])
    model.ir_version = 9  # read by every ONNX Runtime from 1.16 on
    return model


class _Builder:
    """Collects the nodes and initialisers of the graph."""

    def __init__(self, precision: Precision) -> None:
        self.precision = precision
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[TensorProto] = []

    def const(self, name: str, value: NDArray[np.generic]) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, domain: str = "", **attrs: Any) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    def dense(self, name: str, x: str, weight: Array, bias: Array) -> str:
        """x @ weight + bias, as int8 or float32."""
        if self.precision == "int8":
            quantised, scale = quantise_columns(weight)
            inputs = [
                x,
                self.const(f"{name}.w", quantised),
                self.const(f"{name}.scale", scale),
                self.const(f"{name}.zero", np.zeros(len(scale), dtype=np.int8)),
                self.const(f"{name}.b", bias),
            ]
            return self.node("DynamicQuantizeMatMul", inputs, f"{name}.y", domain=_MS)
        product = self.node("MatMul", [x, self.const(f"{name}.w", weight)], f"{name}.xw")
        return self.node("Add", [product, self.const(f"{name}.b", bias)], f"{name}.y")

    def norm(self, name: str, x: str, residual: str, weight: Array, bias: Array, eps: float) -> str:
        """LayerNorm(x + residual)."""
        total = self.node("Add", [x, residual], f"{name}.sum")
        inputs = [total, self.const(f"{name}.w", weight), self.const(f"{name}.b", bias)]
        return self.node("LayerNormalization", inputs, f"{name}.y", axis=-1, epsilon=eps)

    def layer(self, name: str, layer: Layer, x: str, n_heads: int, eps: float) -> str:
        """One post-norm BERT layer; returns the name of its output."""
        qkv = self.dense(f"{name}.qkv", x, layer.qkv, layer.qkv_b)
        parts = [f"{name}.{p}" for p in "qkv"]
        self.nodes.append(helper.make_node("Split", [qkv], parts, name=f"{name}.split", axis=-1, num_outputs=3))
        context = self.node("MultiHeadAttention", [*parts, "", "mask"], f"{name}.context", _MS, num_heads=n_heads)
        attended = self.dense(f"{name}.out", context, layer.out, layer.out_b)
        x = self.norm(f"{name}.attn_ln", attended, x, layer.attn_ln_w, layer.attn_ln_b, eps)
        inner = self.node("Gelu", [self.dense(f"{name}.ff_in", x, layer.ff_in, layer.ff_in_b)], f"{name}.gelu")
        out = self.dense(f"{name}.ff_out", inner, layer.ff_out, layer.ff_out_b)
        return self.norm(f"{name}.ln", out, x, layer.ln_w, layer.ln_b, eps)
