"""CoNLL reading and writing, the ANERcorp dev split, and the entity-level scorer.

CoNLL here means one token per line, optionally followed by whitespace-separated
columns (the second is the IOB2 tag), and a blank line between sentences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypedDict


class TypeScores(TypedDict):
    """Precision, recall, F1 and gold count of one entity type (or of all)."""

    precision: float
    recall: float
    f1: float
    support: int


class EntityScores(TypeScores):
    """Micro-averaged scores with the per-type breakdown."""

    per_type: dict[str, TypeScores]


Sentence = tuple[list[str], list[str]]
"""Tokens and their IOB2 tags, of equal length."""

ENTITY_TYPES = ("PERS", "LOC", "ORG", "MISC")

# The dev split is a contiguous tail rather than every n-th sentence: ANERcorp is
# ordered by article and neighbouring sentences repeat the same names, so only a
# tail measures what a test set measures, text from articles never seen.
DEV_FRACTION = 0.10

# Tag typos found in ANERcorp's corrected training file, with their evident intent.
_TAG_REPAIRS = {
    "B-LORG": "B-ORG",
    "O-ORG": "I-ORG",
    "I-OEG": "I-ORG",
    "I-OORG": "I-ORG",
    "I-PRG": "I-ORG",
    "I-MIDC": "I-MISC",
    "I-MISV": "I-MISC",
    "I-OC": "I-LOC",
    "L-LOC": "I-LOC",
    "P-PERS": "B-PERS",
}
# Single-column lines marking the start of an article in ANERcorp's training file.
_ARTICLE_MARKERS = {"ARTICLE", "ARTILCE"}
_VALID_TAGS = {"O"} | {f"{p}-{t}" for p in "BI" for t in ENTITY_TYPES}


def read_conll(lines: Iterable[str]) -> Iterator[list[list[str]]]:
    """Yield sentences as lists of rows (each row: the whitespace-split fields of a line)."""
    rows: list[list[str]] = []
    for line in lines:
        fields = line.split()
        if fields:
            rows.append(fields)
        elif rows:
            yield rows
            rows = []
    if rows:
        yield rows


def write_conll(sentences: Iterable[tuple[list[str], list[str]]]) -> Iterator[str]:
    """Yield "token<TAB>TAG" lines, with an empty line after every sentence."""
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags, strict=True):
            yield f"{token}\t{tag}"
        yield ""


def repair_tag(tag: str) -> str:
    """Map a tag to a valid IOB2 tag: known typos to their intent, anything unknown to O."""
    tag = _TAG_REPAIRS.get(tag, tag)
    return tag if tag in _VALID_TAGS else "O"


def read_gold(path: Path) -> list[Sentence]:
    """Read a gold CoNLL file such as ANERcorp's, cleaning its known defects.

    Article markers split sentences and are dropped; tag typos are repaired; a
    token without a tag is taken as O.
    """
    return [piece for piece in gold_pieces(path) if piece is not None]


def gold_pieces(path: Path) -> Iterator[Sentence | None]:
    """The sentences of a gold CoNLL file, tags repaired, and None where an article marker stands (a line
    holding only ARTICLE, or the typo ARTILCE, in any case; it also ends the sentence it is in)."""
    with path.open(encoding="utf-8") as lines:
        for rows in read_conll(lines):
            tokens: list[str] = []
            tags: list[str] = []
            for fields in rows:
                if len(fields) == 1 and fields[0].upper() in _ARTICLE_MARKERS:
                    if tokens:
                        yield tokens, tags
                    tokens, tags = [], []
                    yield None
                    continue
                tokens.append(fields[0])
                tags.append(repair_tag(fields[1]) if len(fields) > 1 else "O")
            if tokens:
                yield tokens, tags


def dev_split(sentences: list[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """Split into (train, dev): dev is the last `DEV_FRACTION` of the sentences."""
    cut = len(sentences) - round(len(sentences) * DEV_FRACTION)
    return sentences[:cut], sentences[cut:]


def entity_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Entities as (start, end, type) with `end` exclusive, conlleval style.

    An I- tag that does not continue an entity of its own type starts a new one.
    """
    spans: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, tag_kind = tag.partition("-")
        continues = prefix == "I" and tag_kind == kind
        if kind and not continues:
            spans.add((start, i, kind))
            kind = ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, tag_kind
    return spans


def score_entities(gold: list[list[str]], pred: list[list[str]]) -> EntityScores:
    """Entity-level micro precision, recall and F1 (exact span and type), with per-type figures."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} sentences but pred has {len(pred)}: align them")
    true_pos: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    for gold_tags, pred_tags in zip(gold, pred, strict=True):
        if len(gold_tags) != len(pred_tags):
            raise ValueError(f"sentence lengths differ: {len(gold_tags)} != {len(pred_tags)}")
        gold_spans, pred_spans = entity_spans(gold_tags), entity_spans(pred_tags)
        gold_n.update(kind for _, _, kind in gold_spans)
        pred_n.update(kind for _, _, kind in pred_spans)
        true_pos.update(kind for _, _, kind in gold_spans & pred_spans)
    kinds = sorted(gold_n.keys() | pred_n.keys())
    return EntityScores(
        **_prf(true_pos.total(), gold_n.total(), pred_n.total()),
        per_type={k: _prf(true_pos[k], gold_n[k], pred_n[k]) for k in kinds},
    )


def _prf(true_pos: int, gold_n: int, pred_n: int) -> TypeScores:
    precision = true_pos / pred_n if pred_n else 0.0
    recall = true_pos / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TypeScores(precision=precision, recall=recall, f1=f1, support=gold_n)
