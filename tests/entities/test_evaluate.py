"""The NER dev protocol: ANERcorp cut into blocks at article boundaries, standoff dev sets, agreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.entities.evaluate import (
    Document,
    agreement,
    cut_blocks,
    read_anercorp_documents,
    read_standoff,
    standoff_ids,
)

DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "ner"


def test_anercorp_blocks_hold_whole_articles_of_similar_size(shared_data: Path) -> None:
    documents = read_anercorp_documents(shared_data / "ner" / "anercorp" / "train.conll")
    assert len(documents) > 150  # the file marks about 190 articles
    blocks = cut_blocks(documents)
    assert [d for block in blocks for d in block] == documents  # contiguous, nothing lost or split
    sizes = [sum(d.tokens for d in block) for block in blocks]
    assert len(sizes) == 10
    assert max(sizes) < 1.3 * sum(sizes) / 10 and min(sizes) > 0.7 * sum(sizes) / 10


def test_article_markers_start_a_new_document(tmp_path: Path) -> None:
    path = tmp_path / "gold.conll"
    path.write_text("قال O\nحفتر B-PERS\n\nARTICLE\nفي O\nطرابلس B-LOC\n\nوقال O\n\n", encoding="utf-8")
    documents = read_anercorp_documents(path)
    assert [len(d.sentences) for d in documents] == [1, 2]
    assert documents[1].sentences[0] == (["في", "طرابلس"], ["O", "B-LOC"])


def test_standoff_rebuilds_tokens_from_the_text(tmp_path: Path) -> None:
    path = tmp_path / "dev.tsv"
    path.write_text(
        "doc\tsentence\tstart\tend\ttag\nd1\t0\t0\t3\tO\nd1\t0\t4\t8\tB-PERS\nd1\t1\t9\t15\tB-LOC\n", encoding="utf-8"
    )
    (document,) = read_standoff(path, {"d1": "قال حفتر طرابلس"})
    assert document.sentences == [(["قال", "حفتر"], ["O", "B-PERS"]), (["طرابلس"], ["B-LOC"])]
    with pytest.raises(KeyError, match="d1"):
        read_standoff(path, {})


def test_agreement_scores_the_second_annotation_on_shared_documents() -> None:
    first = [Document("a", [(["x", "y"], ["B-PERS", "O"])]), Document("b", [(["z"], ["B-LOC"])])]
    second = [Document("a", [(["x", "y"], ["B-PERS", "B-LOC"])])]
    scores = agreement(first, second)
    assert scores["recall"] == 1.0 and scores["precision"] == 0.5


def test_committed_dev_sets_cover_their_documents() -> None:
    assert len(standoff_ids(DEV / "ant-dev.tsv")) == 47
    assert set(standoff_ids(DEV / "ant-dev.second.tsv")) <= set(standoff_ids(DEV / "ant-dev.tsv"))
    assert len(standoff_ids(DEV / "aeb-en.tsv")) == 30
