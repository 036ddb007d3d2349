"""marsad's own stance pairs from real coverage (ANT and SaudiNewsNet), rebuilt from the corpora.

`benchmarks/data/stance/pairs.tsv` holds standoff rows (document ids, character
offsets, label, what a contradiction is on, an English note); the sentences are
cut from the corpora in the public data folder, never stored in the repository.
The pairs are split once, by connected groups of documents (a document never
sits on both sides), into a **tune** part that training and calibration may
read and a **held** part that only reports: `split_of` is a hash, not a choice.

    .venv/bin/python -m scripts.real_pairs      # counts per split and label
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "benchmarks" / "data" / "stance" / "pairs.tsv"
CORPORA = REPO.parent / "shared" / "data" / "corpora"
# Share of document groups in the tune part; the rest is held out (never fitted, never calibrated on).
TUNE_SHARE = 0.5


@dataclass(frozen=True)
class RealPair:
    """One labelled pair of sentences from two outlets."""

    pair: str
    corpus: str
    s1: str
    s2: str
    label: str  # agree | contradict | unrelated
    on: str  # what a contradiction is on (count, date, ...), "-" otherwise
    note: str
    split: str  # tune | held


def read_rows(path: Path = PAIRS) -> list[dict[str, str]]:
    """The standoff rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _ant_texts(corpora: Path, ids: set[str]) -> dict[str, str]:
    found = {}
    with gzip.open(corpora / "ant-2018.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["id"] in ids:
                found[record["id"]] = (record.get("title") or "") + "\n" + (record.get("text") or "")
    return found


def _snn_texts(corpora: Path, ids: set[str]) -> dict[str, str]:
    found = {}
    by_zip: dict[str, list[str]] = defaultdict(list)
    for doc in ids:
        by_zip[doc.split("/", 1)[0]].append(doc)
    for name, docs in by_zip.items():
        with zipfile.ZipFile(corpora / "saudinewsnet" / name) as archive:
            members: dict[str, list[dict[str, str]]] = {}
            for doc in docs:
                member, index = doc.split("/", 1)[1].rsplit("#", 1)
                if member not in members:
                    data = json.loads(archive.read(member).decode("utf-8"))
                    members[member] = data if isinstance(data, list) else [data]
                record = members[member][int(index)]
                found[doc] = (record.get("title") or "") + "\n" + (record.get("content") or "")
    return found


def split_of(rows: Iterable[dict[str, str]]) -> dict[str, str]:
    """Pair id -> tune or held: connected groups of documents, assigned by a hash of their smallest id."""
    rows = list(rows)
    parent: dict[str, str] = {}

    def find(doc: str) -> str:
        parent.setdefault(doc, doc)
        while parent[doc] != doc:
            parent[doc] = parent[parent[doc]]
            doc = parent[doc]
        return doc

    for row in rows:
        parent[find(row["doc1"])] = find(row["doc2"])
    members: dict[str, list[str]] = defaultdict(list)
    for doc in list(parent):
        members[find(doc)].append(doc)
    smallest = {root: min(docs) for root, docs in members.items()}
    split = {}
    for row in rows:
        digest = hashlib.sha256(smallest[find(row["doc1"])].encode()).digest()
        split[row["pair"]] = "tune" if digest[0] / 256 < TUNE_SHARE else "held"
    return split


def read_real_pairs(path: Path = PAIRS, corpora: Path = CORPORA) -> list[RealPair]:
    """Every labelled pair with its two sentences cut from the corpora."""
    rows = read_rows(path)
    texts = _ant_texts(corpora, {r[k] for r in rows if r["corpus"] == "ant" for k in ("doc1", "doc2")})
    texts |= _snn_texts(corpora, {r[k] for r in rows if r["corpus"] == "snn" for k in ("doc1", "doc2")})
    split = split_of(rows)
    return [
        RealPair(r["pair"], r["corpus"], texts[r["doc1"]][int(r["start1"]) : int(r["end1"])],
                 texts[r["doc2"]][int(r["start2"]) : int(r["end2"])], r["label"], r["on"], r["note"], split[r["pair"]])
        for r in rows
    ]


def main() -> None:
    """Print the pairs per split and label."""
    pairs = read_real_pairs()
    counts = Counter((p.split, p.label) for p in pairs)
    for split in ("tune", "held"):
        print(split, {label: counts[split, label] for label in ("agree", "contradict", "unrelated")})


if __name__ == "__main__":
    main()
