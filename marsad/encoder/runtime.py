"""ONNX Runtime sessions over stacks of layers, and the thread settings they run with.

Threads are always set explicitly: on a shared 2-core machine, default thread
pools (ONNX Runtime's, OpenBLAS's) ran 9 times slower than one thread when other
processes were busy. `EncoderSettings.threads` (environment `MARSAD_THREADS`,
default 1) sets ONNX Runtime's intra-op pool, with one inter-op thread,
sequential execution and no spin-waiting. The BLAS and OpenMP pools of the
libraries already loaded (numpy's OpenBLAS, and any other) are limited to as
many threads with threadpoolctl when the first session is made: environment
variables would act only if set before numpy loads, which a library imported
by someone else's program cannot ensure.

Graphs are built in memory from the weights (`graph.py`) when a stack is first
run: building and opening the int8 graph of 12 layers takes about 0.1 s once
the weights are dequantised (0.6 s), less than hashing the inputs and reading a
cached file would save, so nothing is written to disk.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal, get_args

from marsad.encoder.modelfile import Layer
from marsad.errors import MarsadError

if TYPE_CHECKING:
    import onnxruntime

Precision = Literal["int8", "fp32"]
THREADS_ENV = "MARSAD_THREADS"
PRECISION_ENV = "MARSAD_ENCODER_PRECISION"


class EncoderSettingsError(MarsadError, ValueError):
    """A setting of the encoder has a value it cannot run with."""


@dataclass(frozen=True)
class EncoderSettings:
    """How the encoder runs: threads per session and the precision of the weight matmuls."""

    threads: int = 1
    precision: Precision = "int8"

    def __post_init__(self) -> None:
        if self.threads < 1:
            raise EncoderSettingsError(f"encoder threads must be at least 1, got {self.threads}")
        if self.precision not in get_args(Precision):
            raise EncoderSettingsError(f"encoder precision must be int8 or fp32, got {self.precision!r}")

    @classmethod
    def from_environment(cls, default_precision: Precision = "int8") -> EncoderSettings:
        """Settings from `MARSAD_THREADS` and `MARSAD_ENCODER_PRECISION`, defaults where unset."""
        threads = os.environ.get(THREADS_ENV, "1")
        if not threads.strip().isdigit():
            raise EncoderSettingsError(f"{THREADS_ENV} must be a whole number of threads, got {threads!r}")
        precision = os.environ.get(PRECISION_ENV, default_precision)
        return cls(threads=int(threads), precision=precision)  # type: ignore[arg-type]  # checked in __post_init__


@dataclass(eq=False)
class WeightSet:
    """A named stack of transformer layers; its sessions are made on first use and kept with it.

    A changed set of weights is a new `WeightSet`, so its graphs are built anew.
    """

    name: str
    layers: tuple[Layer, ...]
    n_heads: int
    eps: float
    _sessions: dict[tuple[int, int, EncoderSettings], onnxruntime.InferenceSession] = field(
        default_factory=dict, repr=False
    )

    def session(self, start: int, stop: int, settings: EncoderSettings) -> onnxruntime.InferenceSession:
        """The session running layers `start` (0-based) up to, not including, `stop`."""
        if not 0 <= start < stop <= len(self.layers):
            raise ValueError(f"{self.name} has layers 0..{len(self.layers)}: cannot run {start}..{stop}")
        key = (start, stop, settings)
        if key not in self._sessions:
            self._sessions[key] = open_session(self.layers[start:stop], self.n_heads, self.eps, settings)
        return self._sessions[key]


def open_session(
    layers: Sequence[Layer], n_heads: int, eps: float, settings: EncoderSettings
) -> onnxruntime.InferenceSession:
    """Build the graph of `layers` and open it with the thread settings."""
    import onnxruntime  # deferred: importing the runtime costs time every command would pay

    from marsad.encoder.graph import build_graph

    limit_thread_pools(settings.threads)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = settings.threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    model = build_graph(layers, n_heads, eps, settings.precision)
    return onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


@cache
def limit_thread_pools(threads: int) -> None:
    """Limit the BLAS and OpenMP pools of loaded libraries to `threads` (once per value, for the process)."""
    from threadpoolctl import threadpool_limits  # deferred: it inspects every loaded library

    threadpool_limits(limits=threads)
