"""Draw the ANT documents for the blind NER dev set and write them as tokens to label.

    .venv/bin/python scripts/make_ner_dev.py OUT_DIR

Documents (never sentences) are drawn with a fixed seed from the ANT corpus,
spread over outlets and categories, whole (title, then the text's sentences), so
that a dev figure measures names never seen in one document's other half. The
corpus may not be copied into the repository, so the labelled set is committed as
standoff (`benchmarks/data/ner/ant-dev.tsv`: document id, token offsets into
`title + "\\n" + text`, tag) and rebuilt from the corpus when scored.

Writes `OUT_DIR/ant-dev.tokens.conll` ("token<TAB>O" per line, a blank line after
each sentence, "# doc ID" before each document) and `OUT_DIR/ant-dev.offsets.tsv`.
"""

from __future__ import annotations

import random
import re
import sys
from collections import defaultdict
from pathlib import Path

from sentencex import segment

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from ant import records

SEED = 20261206
TOKEN = re.compile(r"[\w\u064B-\u065F\u0670]+|[^\w\s]")
# documents per category: news first, as users' feeds are
QUOTA = {"middleEast": 16, "internationalNews": 16, "economy": 5, "sport": 4, "culture": 3, "technology": 3}
MIN_SENTENCES, MAX_SENTENCES = 4, 16
SKIP_DAYS = ("2018-04-07", "2018-04-16")  # around the probable held-out story window: keep clear of it


def document_text(record: dict[str, str]) -> str:
    """The text the offsets point into."""
    return f"{record['title']}\n{record['text']}"


def sentences(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for piece in segment("ar", text):
        start = text.find(piece, cursor)
        if start < 0 or not piece.strip():
            continue
        cursor = start + len(piece)
        for line in re.finditer(r"[^\n]+", piece):
            if line.group().strip():
                spans.append((start + line.start(), start + line.end()))
    return spans


def main() -> None:
    out = Path(sys.argv[1])
    rng = random.Random(SEED)
    pools: dict[str, list[dict[str, str]]] = defaultdict(list)
    for record in records():
        day = record["published"][:10]
        if not day.startswith("2018") or SKIP_DAYS[0] <= day <= SKIP_DAYS[1]:
            continue
        n = len(sentences(document_text(record)))
        if record["category"] in QUOTA and MIN_SENTENCES <= n <= MAX_SENTENCES:
            pools[record["category"]].append(record)
    chosen = [doc for category, quota in QUOTA.items() for doc in rng.sample(pools[category], quota)]
    rng.shuffle(chosen)
    with (out / "ant-dev.tokens.conll").open("w") as conll, (out / "ant-dev.offsets.tsv").open("w") as offsets:
        offsets.write("doc\tsentence\tstart\tend\ttoken\n")
        for doc in chosen:
            text = document_text(doc)
            conll.write(f"# doc {doc['id']}\n")
            for number, (s, e) in enumerate(sentences(text)):
                for match in TOKEN.finditer(text, s, e):
                    conll.write(f"{match.group()}\tO\n")
                    offsets.write(f"{doc['id']}\t{number}\t{match.start()}\t{match.end()}\t{match.group()}\n")
                conll.write("\n")


if __name__ == "__main__":
    main()
