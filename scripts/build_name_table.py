"""Build the data files of entity resolution from the public data in ../shared/data.

Writes, in marsad/entities/data/:

- `name_pairs.tsv`: English name token, TAB, the folded Arabic tokens Wikidata
  pairs it with (comma-separated), from `names/wikidata-en-ar` (CC0). Pairs
  seen once are kept only when the consonant skeletons of
  `marsad.entities.transliterate` do not already match them (the table is for
  what the rules miss, and for the set of known Arabic name tokens).
- `anercorp_words.tsv`: every token (match form) seen `MIN_COUNT` times or
  more in ANERcorp's training file (MIT), with its count and the share of its
  occurrences tagged O: how much of a common word it is (`names.common_words`,
  `names.wordlike`).

Then prints how well the skeletons match the held-out Wikidata pairs
(`wd_arabic_20`) and random pairs: the figures quoted in transliterate.py.

    python scripts/build_name_table.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from pathlib import Path

from marsad.entities.names import match_form
from marsad.entities.transliterate import CLASSES_FILE, PAIRS_FILE, skeletons
from marsad.text.normalize import fold

OUT = Path(__file__).resolve().parents[1] / "marsad" / "entities" / "data"
WORDS_FILE = "anercorp_words.tsv"
MIN_COUNT = 2
RANDOM_PAIRS = 20000


def read_pairs(path: Path) -> list[tuple[str, str, int]]:
    """(English token, folded Arabic token, count) rows of a Wikidata pairs file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        english, arabic, count = line.split("\t")
        rows.append((english.lower(), fold(arabic.replace(" ", "")), int(count)))
    return rows


def name_table(rows: list[tuple[str, str, int]]) -> dict[str, set[str]]:
    """English token -> Arabic tokens worth storing (seen twice, or missed by the rules)."""
    table: dict[str, set[str]] = defaultdict(set)
    for english, arabic, count in rows:
        if not english.isalpha() or len(english) < 2:
            continue
        if count >= 2 or not skeletons(english) & skeletons(arabic):
            table[english].add(arabic)
    return table


def word_shares(conll: Path) -> list[str]:
    """ "word<TAB>count<TAB>share tagged O" lines for the Arabic tokens of ANERcorp."""
    total: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for line in conll.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        token, _, tag = line.rpartition(" ") if "\t" not in line else line.partition("\t")
        word = match_form(token.strip())
        total[word] += 1
        outside[word] += tag.strip() == "O"
    return [
        f"{word}\t{count}\t{outside[word] / count:.2f}"
        for word, count in sorted(total.items())
        if count >= MIN_COUNT and any("\u0621" <= ch <= "\u064a" for ch in word)
    ]


def evaluate(train: list[tuple[str, str, int]], test: list[tuple[str, str, int]]) -> None:
    """Print skeleton recall on held-out pairs, with and without the table, and random-pair matches."""
    table = name_table(train)
    by_rules = sum(bool(skeletons(e) & skeletons(a)) for e, a, _ in test)
    with_table = sum(bool(skeletons(e) & skeletons(a)) or a in table.get(e, ()) for e, a, _ in test)
    rng = random.Random(0)
    arabic = [a for _, a, _ in test]
    chance = sum(bool(skeletons(rng.choice(test)[0]) & skeletons(rng.choice(arabic))) for _ in range(RANDOM_PAIRS))
    print(f"held-out pairs: {len(test)}")
    print(f"  skeletons meet: {by_rules / len(test):.1%}")
    print(f"  skeletons or table (built from the 80 % split): {with_table / len(test):.1%}")
    print(f"  random pairs whose skeletons meet: {chance / RANDOM_PAIRS:.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    names_dir = args.data / "names" / "wikidata-en-ar"
    rows = read_pairs(names_dir / "wd_arabic.normalized.aligned.tokens")
    table = name_table(rows)
    lines = [f"{english}\t{','.join(sorted(forms))}" for english, forms in sorted(table.items())]
    header = (
        "# English name token<TAB>folded Arabic tokens. Built by scripts/build_name_table.py from\n"
        "# Wikidata name pairs (github.com/steveash/NETransliteration-COLING2018, CC0 1.0).\n"
    )
    (OUT / PAIRS_FILE).write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{PAIRS_FILE}: {len(lines)} English tokens (classes from {CLASSES_FILE})")
    shares = word_shares(args.data / "ner" / "anercorp" / "train.conll")
    header = "# match form<TAB>count<TAB>share tagged O, from ANERcorp's training file (MIT). Built by\n"
    header += "# scripts/build_name_table.py.\n"
    (OUT / WORDS_FILE).write_text(header + "\n".join(shares) + "\n", encoding="utf-8")
    print(f"{WORDS_FILE}: {len(shares)} words")
    evaluate(read_pairs(names_dir / "wd_arabic_80"), read_pairs(names_dir / "wd_arabic_20"))


if __name__ == "__main__":
    main()
