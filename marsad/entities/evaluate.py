"""Dev sets for the NER tagger, read as whole documents, and how they are cut and scored.

Three kinds of gold material, each kept as documents so that a figure measures
names never seen in another part of the same article:

- ANERcorp's training file, cut into `BLOCKS` contiguous blocks of about equal
  size at its article markers (`anercorp_blocks`): a block never splits an
  article the file marks, so block cross-validation holds out whole articles;
- standoff files (`read_standoff`): token offsets and tags into texts that may
  not be copied into the repository (ANT news, English AEB pages), rebuilt from
  the texts when scored;
- plain CoNLL files with `# doc ID` lines between documents.

Scores are entity-level micro F1 (`conll.score_entities`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from marsad.entities.conll import EntityScores, Sentence, gold_pieces, repair_tag, score_entities
from marsad.entities.document import propagate

# ANERcorp's training file (about 125k tokens) is cut into this many blocks of
# about 12.5k tokens each: large enough that names repeating within an article
# (or a run of articles on one story) rarely cross a block edge.
BLOCKS = 10


@dataclass
class Document:
    """One article: its id and its sentences (tokens with gold IOB2 tags)."""

    id: str
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        """Number of tokens in the document."""
        return sum(len(tokens) for tokens, _ in self.sentences)


Tagger = Callable[[list[str]], list[str]]
"""Tags one sentence's tokens (IOB2)."""


def read_anercorp_documents(path: Path) -> list[Document]:
    """ANERcorp's training file as documents, cut at its article markers (tags repaired as `read_gold` does).

    The text before the first marker is a document of its own. The markers are a
    line holding only ARTICLE (or the typo ARTILCE), in any case.
    """
    documents = [Document("anercorp:0")]
    for piece in gold_pieces(path):
        if piece is not None:
            documents[-1].sentences.append(piece)
        elif documents[-1].sentences:
            documents.append(Document(f"anercorp:{len(documents)}"))
    return [d for d in documents if d.sentences]


def cut_blocks(documents: Sequence[Document], n: int = BLOCKS) -> list[list[Document]]:
    """Cut `documents` (in file order) into `n` contiguous blocks of about equal token counts.

    Block k ends at the document boundary nearest to k/n of the tokens, so that
    no document is split.
    """
    total = sum(d.tokens for d in documents)
    blocks: list[list[Document]] = [[] for _ in range(n)]
    seen = 0
    for document in documents:
        middle = seen + document.tokens / 2  # a document goes to the block its middle falls in
        blocks[min(int(middle * n / total), n - 1)].append(document)
        seen += document.tokens
    return blocks


def sentences_of(documents: Iterable[Document]) -> list[Sentence]:
    """All sentences of `documents`, in order."""
    return [sentence for document in documents for sentence in document.sentences]


def read_standoff(path: Path, texts: Mapping[str, str], docs: Iterable[str] | None = None) -> list[Document]:
    """Documents of a standoff file (`doc, sentence, start, end, tag` rows) with tokens cut from `texts`.

    `texts` maps a document id to the text the offsets point into. `docs`, when
    given, keeps only those documents. A row whose document has no text raises
    `KeyError` naming the document.
    """
    keep = None if docs is None else set(docs)
    documents: dict[str, Document] = {}
    last_sentence: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            doc_id = row["doc"]
            if keep is not None and doc_id not in keep:
                continue
            if doc_id not in texts:
                raise KeyError(f"{path}: no text for document {doc_id!r}")
            document = documents.setdefault(doc_id, Document(doc_id))
            if last_sentence.get(doc_id) != row["sentence"]:
                document.sentences.append(([], []))
                last_sentence[doc_id] = row["sentence"]
            tokens, tags = document.sentences[-1]
            tokens.append(texts[doc_id][int(row["start"]) : int(row["end"])])
            tags.append(repair_tag(row["tag"]))
    return list(documents.values())


def standoff_ids(path: Path) -> list[str]:
    """The document ids of a standoff file, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(dict.fromkeys(row["doc"] for row in csv.DictReader(handle, delimiter="\t")))


def tag_documents(documents: Sequence[Document], tagger: Tagger, document_pass: bool = True) -> list[list[str]]:
    """Tag every sentence of `documents`; with `document_pass`, names are propagated inside each document."""
    tags = [tagger(tokens) for tokens, _ in sentences_of(documents)]
    return with_document_pass(documents, tags) if document_pass else tags


def with_document_pass(documents: Sequence[Document], tags: Sequence[list[str]]) -> list[list[str]]:
    """Sentence tags (in document order) after the document pass inside each document."""
    out: list[list[str]] = []
    k = 0
    for document in documents:
        n = len(document.sentences)
        out.extend(propagate([tokens for tokens, _ in document.sentences], tags[k : k + n]))
        k += n
    return out


def score_documents(documents: Sequence[Document], predicted: Sequence[list[str]]) -> EntityScores:
    """Entity micro F1 of `predicted` (one tag list per sentence, in document order) against the gold tags."""
    return score_entities([tags for _, tags in sentences_of(documents)], list(predicted))


def agreement(first: Sequence[Document], second: Sequence[Document]) -> EntityScores:
    """Entity F1 of `second` against `first` on the documents they share (same tokens required)."""
    by_id = {d.id: d for d in first}
    shared = [d for d in second if d.id in by_id]
    gold = [by_id[d.id] for d in shared]
    for a, b in zip(gold, shared, strict=True):
        if [t for t, _ in a.sentences] != [t for t, _ in b.sentences]:
            raise ValueError(f"document {a.id}: the two annotations do not have the same tokens")
    return score_documents(gold, [tags for _, tags in sentences_of(shared)])


__all__ = [
    "BLOCKS",
    "Document",
    "Tagger",
    "agreement",
    "cut_blocks",
    "read_anercorp_documents",
    "read_standoff",
    "score_documents",
    "sentences_of",
    "standoff_ids",
    "tag_documents",
    "with_document_pass",
]
