"""Duplicates and reuse: exact copies, near copies, a blog copying a paper (seed 004)."""

from __future__ import annotations

from pathlib import Path

from marsad.ingest.sources import Metadata
from marsad.pipeline import ingest
from marsad.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]


def _original_of_seed_004(seeds_dir: Path) -> str:
    """An Al Bayan page as the paper would have published it: seed 004's body paragraphs
    under the paper's own header and footer (the blog copied them)."""
    lines = (seeds_dir / "004_b264c5653c34d88c.txt").read_text("utf-8").split("\n")
    body = [lines[i - 1] for i in (10, 13, 14, 15, 19, 21, 23, 24, 28)]
    return "\n\n".join(
        ["البيان", "الرئيسية", "حفتر يلتقي ترامب منتصف يونيو في البيت الأبيض", *body,
         "جميع الحقوق محفوظة © البيان"]
    )


def test_blog_copy_is_linked_to_its_original(tmp_path: Path, seeds_dir: Path) -> None:
    original = tmp_path / "albayan.txt"
    original.write_text(_original_of_seed_004(seeds_dir), "utf-8")
    store = SQLiteStore(tmp_path / "m.db")
    ingest([str(original)], store, _meta("Al Bayan", "2019-06-04"))
    report = ingest([str(seeds_dir / "004_b264c5653c34d88c.txt")], store, _meta("Blog", "2019-06-05"))
    assert report.reuse_links == 1
    blog = next(s for s in store.summaries() if s.outlet == "Blog")
    paper = next(s for s in store.summaries() if s.outlet == "Al Bayan")
    links = [ln for ln in store.links_of(blog.id) if ln.kind == "reuse"]
    assert [(ln.source, ln.target) for ln in links] == [(paper.id, blog.id)]
    assert links[0].detail["shared_sentences"] >= 5
    assert links[0].detail["direction"] == "publication date"


def test_seeds_alone_have_no_copy_links(tmp_path: Path, seeds_dir: Path) -> None:
    report = ingest([str(seeds_dir)], SQLiteStore(tmp_path / "m.db"))
    assert (report.exact_duplicates, report.near_duplicates, report.reuse_links) == (0, 0, 0)


def test_exact_and_near_duplicates(tmp_path: Path, seeds_dir: Path) -> None:
    text = (seeds_dir / "001_28f40a9148001f17.txt").read_text("utf-8")
    (tmp_path / "a.txt").write_text(text, "utf-8")
    # Same article, other page chrome and diacritics: same folded text.
    (tmp_path / "b.txt").write_text("اعلان\n" + text.replace("حفتر", "حِفتر"), "utf-8")
    # A lightly edited copy: one paragraph dropped, one word changed.
    paragraphs = text.split("\n\n")
    edited = "\n\n".join(paragraphs[:8] + paragraphs[9:]).replace("ألفا شخص", "آلاف الأشخاص")
    (tmp_path / "c.txt").write_text(edited, "utf-8")
    store = SQLiteStore(tmp_path / "m.db")
    report = ingest([str(tmp_path)], store)
    assert report.ingested == 3
    assert report.exact_duplicates == 1
    kinds = {ln.kind for s in store.summaries() for ln in store.links_of(s.id)}
    assert {"exact", "near", "reuse"} <= kinds
    duplicates = [s for s in store.summaries() if s.duplicate_of]
    assert len(duplicates) == 1


def test_example_corpus_blog_copy_is_found(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "m.db")
    ingest([str(REPO / "examples" / "corpus")], store)
    by_file = {Path(s.origin).name: s.id for s in store.summaries()}
    links = store.links_of(by_file["05_blog_copy.txt"])
    assert any(
        ln.kind == "reuse" and ln.source == by_file["03_alshahed.txt"] for ln in links
    )


def _meta(outlet: str, published: str) -> Metadata:
    return Metadata(outlet=outlet, published=published)
