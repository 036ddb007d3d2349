"""Machine-translation signal: the seeds' MT is flagged, native news is not."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from marsad.clean.article import clean_document
from marsad.pipeline import clean_inputs
from marsad.records import Article, Origin, RawDocument

REPO = Path(__file__).resolve().parents[2]
ANT_SAMPLE = 3000
# Measured: 8 of the first 3,000 ANT articles (0.27%) are flagged.
MAX_NATIVE_FLAG_RATE = 0.005


def _articles(*paths: str) -> dict[str, Article]:
    return {
        Path(a.origin.path).name + a.origin.locator: a
        for a in clean_inputs(list(paths)) if isinstance(a, Article)
    }


def test_only_the_machine_translated_seed_is_flagged(seeds_dir: Path) -> None:
    flagged = {name for name, a in _articles(str(seeds_dir)).items() if a.machine_translation.flagged}
    assert flagged == {"000_b928a6f3f77b69de.txt"}


def test_flag_comes_with_evidence(seeds_dir: Path) -> None:
    signal = _articles(str(seeds_dir))["000_b928a6f3f77b69de.txt"].machine_translation
    text = " ".join(signal.evidence)
    assert "Serraj" in text and "Harchaoui" in text
    assert "السيد" in text


def test_example_corpus_flags_its_machine_translation() -> None:
    flagged = {
        name for name, a in _articles(str(REPO / "examples" / "corpus")).items()
        if a.machine_translation.flagged
    }
    assert flagged == {"04_meridian_mt.txt"}


def test_native_news_is_rarely_flagged(shared_data: Path) -> None:
    flagged = 0
    with gzip.open(shared_data / "corpora" / "ant-2018.jsonl.gz", "rt", encoding="utf-8") as f:
        for number, line in enumerate(f):
            if number == ANT_SAMPLE:
                break
            record = json.loads(line)
            doc = RawDocument(Origin("ant", str(number)), line.encode(), record["text"],
                              title=record["title"], outlet=record["source"])
            flagged += clean_document(doc).machine_translation.flagged
    assert flagged / ANT_SAMPLE <= MAX_NATIVE_FLAG_RATE
