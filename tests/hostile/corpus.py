"""The hostile corpus: every kind of input that once took marsad down or lost a record, written at
test time (bombs are never committed), each with what ingesting it must say and keep.

`build(folder, seeds_dir)` writes the files and returns their `Case`s; the tests in this folder and
`benchmarks/reliability.py` read the same corpus. Good records ride inside partly bad files, so
that losing one shows.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

MB = 1024 * 1024
# The text that once took 240 s and 1.46 GB in the machine-translation signal (issue 14, item 6).
MT_PATHOLOGY = "عنوان\n\n" + "كلمة قال " * 593_750


@dataclass(frozen=True)
class Expected:
    """A line ingest must print: where (a locator regex; "" for the file itself) and why (a reason regex)."""

    locator: str
    reason: str


@dataclass(frozen=True)
class Case:
    """One file of the corpus, its kind, the problems and warnings it must cause, the records it must keep."""

    name: str
    kind: str
    problems: tuple[Expected, ...] = ()
    warnings: tuple[Expected, ...] = ()
    good: tuple[str, ...] = ()  # locators of the records that must be stored ("" for the file itself)
    bomb: bool = False  # measured for peak memory by the reliability benchmark
    special: bool = False  # not a regular file (FIFO, link): found only by walking a folder
    family: str = ""  # the group the reliability table counts it in (set by `build`)


@dataclass
class _Writer:
    folder: Path
    seeds: list[str]
    family: str = ""
    cases: list[Case] = field(default_factory=list)

    def add(self, case: Case, write: Callable[[Path], object]) -> None:
        write(self.folder / case.name)
        self.cases.append(replace(case, family=self.family))


def build(folder: Path, seeds_dir: Path) -> list[Case]:
    """Write the hostile corpus into `folder` (created); its cases, in writing order."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("0*.txt"))]
    writer = _Writer(folder, seeds)
    for family, add in (("good input", _good), ("bombs and oversize", _bombs), ("JSON", _json),
                        ("encodings", _encodings), ("WARC", _warc_cases), ("not articles", _not_articles),
                        ("not regular files", _special)):
        writer.family = family
        add(writer)
    return writer.cases


def _record(text: str, **fields: str) -> bytes:
    return json.dumps({"text": text, **fields}, ensure_ascii=False).encode()


def _good(w: _Writer) -> None:
    w.add(Case("good.txt", "plain text", good=("",)), lambda p: p.write_text(w.seeds[1], "utf-8"))
    w.add(Case("good.jsonl", "JSON Lines", good=("line 1", "line 2")),
          lambda p: p.write_bytes(_record(w.seeds[2], source="موقع") + b"\n" + _record(w.seeds[4]) + b"\n"))
    w.add(Case("long_sentence_of_speech_verbs.txt", "pathological text (10 MB)", good=("",)),
          lambda p: p.write_text(MT_PATHOLOGY, "utf-8"))


def _gzip_stream(path: Path, piece: bytes, total: int) -> None:
    """`total` bytes of `piece` repeated, gzipped: one member of 1 MB written again and again (a gzip
    file may hold many members), so that the bomb is made in a blink and never held whole."""
    member = gzip.compress(piece * (MB // len(piece)), 9)
    with path.open("wb") as out:
        for _ in range(total // MB):
            out.write(member)


def _bombs(w: _Writer) -> None:
    bomb = Expected(r"line \d+", r"^gzip bomb: expands more than 100 times")
    w.add(Case("line_bomb.jsonl.gz", "gzip bomb (1 GB line of NUL bytes)", (bomb,), bomb=True),
          lambda p: _gzip_stream(p, b"\x00", 1024 * MB))
    w.add(Case("newline_bomb.jsonl.gz", "gzip bomb (100 MB of newlines)", (bomb,), bomb=True),
          lambda p: _gzip_stream(p, b"\n", 100 * MB))
    w.add(Case("text_bomb.txt.gz", "gzip bomb (1 GB read whole)", (Expected("", bomb.reason),), bomb=True),
          lambda p: _gzip_stream(p, b"a", 1024 * MB))
    w.add(Case("csv_bomb.csv.gz", "gzip bomb (CSV)", (Expected("", bomb.reason),), bomb=True),
          lambda p: _gzip_stream(p, b"text\n" + b"x" * 1000 + b"\n", 1024 * MB))

    def long_line(path: Path) -> None:
        with path.open("wb") as out:
            out.write(_record(w.seeds[0]) + b"\n")
            out.write(b'{"text": "' + b"\xd8\xa7" * (6 * MB) + b'"}\n')
            out.write(_record(w.seeds[3]) + b"\n")

    w.add(Case("long_line.jsonl", "line over 10 MB", (Expected("line 2", r"^line longer than 10 MB"),),
               good=("line 1", "line 3"), bomb=True), long_line)
    w.add(Case("many_lines.txt", "2.5 million lines in one article",
               (Expected("", r"^more lines than an article has \(2,500,003 lines; the limit is 20,000\)"),)),
          lambda p: p.write_text("عنوان\n\n" + "ك\n" * 2_500_000, "utf-8"))


def _json(w: _Writer) -> None:
    deep = r"^JSON nested deeper than 64 levels"
    w.add(Case("deep.json", "deep JSON array", (Expected("item 1", deep),), bomb=True),
          lambda p: p.write_text("[" * 100_000 + "]" * 100_000 + "\n"))
    w.add(Case("deep_line.jsonl", "deep JSON line", (Expected("line 2", deep),), good=("line 1", "line 3")),
          lambda p: p.write_bytes(_record(w.seeds[1], n="1") + b"\n" + b"[" * 50_000 + b"]" * 50_000 + b"\n"
                                  + _record(w.seeds[2], n="3") + b"\n"))
    w.add(Case("nested_record.jsonl", "JSON record nested 100 deep", (Expected("line 1", deep),)),
          lambda p: p.write_text('{"text": "نص", "x": ' + "[" * 100 + "]" * 100 + "}\n"))
    bad = tuple(Expected(f"line {n}", r"^record has no `text` or `html` field") for n in range(1, 101))
    w.add(Case("many_bad_records.jsonl", "file of bad records",
               (*bad, Expected("after line 100", r"^100 bad records, the limit for one file"))),
          lambda p: p.write_text('{"title": "عنوان"}\n' * 150))
    w.add(Case("array.json", "JSON array (exact bytes kept)", good=("item 1", "item 2")),
          lambda p: p.write_bytes(json_array(w.seeds)))


def json_array(seeds: list[str]) -> bytes:
    """A JSON array written as no serialiser writes it (spacing, escapes), so that its items' bytes show."""
    first = json.dumps({"title": "أول", "text": seeds[0]}, ensure_ascii=True)
    second = json.dumps({"text": seeds[3], "source": "مصدر"}, ensure_ascii=False, indent=3)
    return f"[\n  {first} ,\n\n\t{second}\n]\n".encode()


def _encodings(w: _Writer) -> None:
    truncated = (w.seeds[1].rstrip() + " عنوان").encode()[:-1]
    w.add(Case("truncated_utf8.txt", "UTF-8 cut inside a character", good=("",),
               warnings=(Expected("", r"^1 invalid UTF-8 byte replaced with U\+FFFD"),)),
          lambda p: p.write_bytes(truncated))
    lines = w.seeds[3].splitlines()
    mixed = ("\n".join(lines[:8]).encode() + b"\n" + "\n".join(lines[8:16]).encode("cp1256", "replace")
             + b"\n" + "\n".join(lines[16:]).encode())
    w.add(Case("mixed_encodings.txt", "UTF-8 mixed with cp1256 lines", good=("",),
               warnings=(Expected("", r"lines? in cp1256 among UTF-8 lines, decoded line by line"),)),
          lambda p: p.write_bytes(mixed))
    w.add(Case("cp1256_record.jsonl", "cp1256 record among UTF-8 records", good=("line 1", "line 2"),
               warnings=(Expected("line 2", r"^read as cp1256, not UTF-8"),)),
          lambda p: p.write_bytes(_record(w.seeds[0], n="1") + b"\n" + _record(w.seeds[2], n="2").decode()
                                  .encode("cp1256", "replace") + b"\n"))


def page(title: str, text: str) -> bytes:
    """An HTML page holding an article."""
    paras = "".join(f"<p>{p}</p>" for p in text.splitlines() if len(p.strip()) > 40)
    return (f"<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{paras}</article></body></html>").encode()


def _warc(records: list[tuple[bytes, dict[str, str], list[tuple[str, str]]]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for n, (payload, warc_headers, http_headers) in enumerate(records, start=1):
        writer.write_record(writer.create_warc_record(
            f"https://example.org/{n}", "response", payload=io.BytesIO(payload),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *http_headers],
                                          protocol="HTTP/1.1"),
            warc_headers_dict=warc_headers,
        ))
    return buffer.getvalue()


def _warc_cases(w: _Writer) -> None:
    cut = page("خبر ثان", w.seeds[4])
    record = r"<urn:uuid:[0-9a-f-]+>"
    w.add(Case("crawler_truncated.warc", "WARC record truncated by the crawler",
               (Expected(record, r"^record truncated by the crawler \(WARC-Truncated: length\)"),), good=(record,)),
          lambda p: p.write_bytes(_warc([(page("خبر أول", w.seeds[0]), {}, []),
                                         (cut[: len(cut) // 2], {"WARC-Truncated": "length"}, [])])))
    w.add(Case("short_body.warc", "WARC record shorter than its HTTP Content-Length",
               (Expected(record, r"^record cut short: the page has \d+ of its \d+ bytes"),), good=(record,)),
          lambda p: p.write_bytes(_warc([(cut[: len(cut) // 2], {}, [("Content-Length", str(len(cut)))]),
                                         (page("خبر ثالث", w.seeds[0]), {}, [])])))
    huge = page("ضخم", ("سطر طويل من النص في صفحة ضخمة جدا " * 40 + "\n") * 4500)
    w.add(Case("huge_record.warc", "WARC record over 10 MB",
               (Expected(record, r"^record too large for one article \(over 10 MB\)"),), good=(record,), bomb=True),
          lambda p: p.write_bytes(_warc([(huge, {}, []), (page("خبر رابع", w.seeds[0]), {}, [])])))



def _not_articles(w: _Writer) -> None:
    pdf_source = ("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n"
                  "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    pdf = r"^a PDF file or the source of one, not article text"
    w.add(Case("catalog.txt", "PDF source saved as text", (Expected("", pdf),)),
          lambda p: p.write_text(pdf_source.removeprefix("%PDF-1.7\n"), "ascii"))
    w.add(Case("paper.pdf", "PDF file", (Expected("", pdf),)), lambda p: p.write_text(pdf_source, "ascii"))
    name = "[bold]x[red]\x1b[31m\u202eevil.txt"
    w.add(Case(name, "markup and terminal escapes in a file name", (Expected("", r"^empty file"),)),
          lambda p: p.write_bytes(b""))


def _special(w: _Writer) -> None:
    w.add(Case("pipe", "FIFO", (Expected("", r"^a FIFO \(named pipe\), not a regular file; skipped"),),
               special=True), lambda p: os.mkfifo(p))
    w.add(Case("loop", "symbolic link loop", (Expected("", r"^a symbolic link into its own folder"),),
               special=True), lambda p: p.symlink_to("."))
    w.add(Case("dangling.txt", "broken symbolic link", (Expected("", r"^a broken symbolic link"),), special=True),
          lambda p: p.symlink_to("nowhere.txt"))

