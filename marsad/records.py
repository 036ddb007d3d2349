"""The data model: plain, typed, serialisable records that flow through every stage.

Offsets are always character offsets into a text the record names: a `Line` or
`Paragraph` points into the decoded source document (`RawDocument.text`), a
`Sentence` into the cleaned article text (`Article.text`). Normalised forms are
derived for matching and never stored in place of the original.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from marsad.understand.annotation import Annotation

# "background": a body paragraph that recurs across one story's articles (an explanatory paragraph
# the outlet repeats): kept and shown, but it is not news, so it makes no copy links and no claims.
ParagraphKind = Literal["title", "subheading", "body", "background"]
LinkKind = Literal["exact", "near", "reuse"]


@dataclass(frozen=True)
class Origin:
    """Where a document's bytes came from: a file, and a place inside it."""

    path: str
    locator: str = ""  # "line 12" for JSONL/CSV, a WARC record id, "" for a whole file


@dataclass
class RawDocument:
    """One input document as read, before cleaning.

    `raw` holds the exact bytes it came from; `text` is their decoded form and
    `html` the decoded page when the input was HTML (then `text` is the text
    extracted from it). Metadata fields are whatever the input carried.
    """

    origin: Origin
    raw: bytes
    text: str
    encoding: str = "utf-8"
    html: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    language: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # input fields marsad has no slot for
    notes: list[str] = field(default_factory=list)  # e.g. "mojibake repaired"
    # What the user must be told at ingest, also among `notes` (bytes replaced, encodings mixed).
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RemovedLine:
    """A line that cleaning took out of the article, with why, so it can be undone."""

    start: int
    end: int
    text: str
    reason: str
    rule: str  # machine-readable rule id, e.g. "share", "related", "repeated-in-outlet"


@dataclass(frozen=True)
class Paragraph:
    """A kept block of the article: its kind, its span in the cleaned text and in the source."""

    kind: ParagraphKind
    start: int
    end: int
    source_start: int
    source_end: int
    language: str

    @property
    def is_background(self) -> bool:
        """Background the outlet repeats across a story: shown, but neither a copy nor a claim."""
        return self.kind == "background"


@dataclass(frozen=True)
class Span:
    """A span of the cleaned article text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MachineTranslationSignal:
    """How much the article reads like machine translation, and why."""

    score: float
    flagged: bool
    evidence: list[str]


@dataclass
class Article:
    """A cleaned article: the unit every later stage works on."""

    id: str
    raw_sha256: str
    origin: Origin
    text: str  # title (if any) and kept paragraphs, joined by blank lines
    title: str | None
    paragraphs: list[Paragraph]
    sentences: list[Span]
    removed: list[RemovedLine]
    language: str
    latin_runs: list[Span]
    machine_translation: MachineTranslationSignal
    content_hash: str  # hash of the folded text: equal for exact duplicates
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    agency: str | None = None
    encoding: str = "utf-8"
    extra: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # What the understand stage read out of the article, once it has run (stored apart from the record).
    annotation: Annotation | None = field(default=None, compare=False, repr=False)

    @property
    def body(self) -> str:
        """The article text without its title paragraph."""
        return "\n\n".join(
            self.text[p.start : p.end] for p in self.paragraphs if p.kind != "title"
        )

    @property
    def news_body(self) -> str:
        """The body without its background paragraphs: the text that copy links and claims compare."""
        return "\n\n".join(
            self.text[p.start : p.end] for p in self.paragraphs if p.kind != "title" and not p.is_background
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the record (its annotation left out)."""
        record = asdict(replace(self, annotation=None))
        del record["annotation"]
        return record


@dataclass(frozen=True)
class Link:
    """A relation between two articles found by deduplication.

    `exact`: same folded text; `near`: MinHash Jaccard above the threshold;
    `reuse`: paragraphs of `source` reappear in `target` (`detail` says which).
    """

    kind: LinkKind
    source: str
    target: str
    score: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Problem:
    """A bad input: which file (and place in it), and what was wrong with it."""

    origin: Origin
    reason: str

    def __str__(self) -> str:
        where = f"{self.origin.path}:{self.origin.locator}" if self.origin.locator else self.origin.path
        return f"{where}: {self.reason}"

