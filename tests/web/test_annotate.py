"""Article marks cut into segments: overlaps, boundaries, text unchanged."""

from __future__ import annotations

from marsad.pipeline import clean_inputs
from marsad.records import Article
from marsad.web.annotate import Mark, annotate


def test_overlapping_marks_keep_the_text_and_every_kind() -> None:
    article = next(a for a in clean_inputs(["examples/corpus/01_alsahil_alyawm.txt"]) if isinstance(a, Article))
    sentence = article.sentences[1]
    marks = [Mark(sentence.start, sentence.start + 10, "entity", "PERS"),
             Mark(sentence.start + 5, sentence.end, "cited", "cited")]
    views = annotate(article, marks)
    rebuilt = "".join(seg.text for p in views for s in p.sentences for seg in s.segments)
    assert rebuilt == "".join(article.text[s.start : s.end] for s in article.sentences)
    target = next(s for p in views for s in p.sentences if s.start == sentence.start)
    assert [seg.kinds for seg in target.segments[:3]] == [["entity"], ["cited", "entity"], ["cited"]]
