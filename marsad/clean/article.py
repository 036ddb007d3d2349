"""From a raw document to a clean `Article`: boilerplate out, structure, language, MT signal."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from datetime import date, datetime
from urllib.parse import urlsplit

from marsad.clean.boilerplate import Decision, classify_lines
from marsad.clean.lines import Line, split_lines
from marsad.clean.mt import machine_translation_signal
from marsad.clean.paragraphs import Recurrence
from marsad.records import Article, Paragraph, ParagraphKind, RawDocument, Span
from marsad.text.normalize import fold
from marsad.text.script import detect_language, latin_runs, majority_language
from marsad.text.sentences import split_sentences

PARAGRAPH_SEPARATOR = "\n\n"
# Paragraphs that come from metadata rather than the text have no source offsets.
NOT_IN_SOURCE = -1


def clean_document(
    doc: RawDocument, repeated: Collection[str] = (), lines: list[Line] | None = None,
    recurring: Mapping[int, Recurrence] | None = None,
) -> Article:
    """Clean one raw document into an article.

    `repeated` holds the keys of lines that repeat across this outlet's
    articles (see `marsad.clean.templates`), `recurring` how its paragraphs
    recur across them, by line index (see `marsad.clean.paragraphs`); `lines`
    may pass the document's lines when the caller has split them already.
    """
    lines = lines if lines is not None else split_lines(doc.text)
    decision = classify_lines(lines, doc.title, repeated, recurring)
    text, paragraphs = _assemble(decision)
    sentences: list[Span] = []
    body_sentences: list[Span] = []  # of Arabic body paragraphs, for the MT signal
    for p in paragraphs:
        found = split_sentences(text[p.start : p.end], _segmenter_language(p), p.start)
        sentences += found
        if p.kind == "body" and p.language == "ar":
            body_sentences += found
    raw_sha = hashlib.sha256(doc.raw).hexdigest()
    language = majority_language([(p.language, p.end - p.start) for p in paragraphs])
    return Article(
        id=raw_sha[:16],
        raw_sha256=raw_sha,
        origin=doc.origin,
        text=text,
        title=decision.title,
        paragraphs=paragraphs,
        sentences=sentences,
        removed=decision.removed,
        language=(doc.language or language) if language == "und" else language,
        latin_runs=_latin_runs(text, paragraphs),
        machine_translation=machine_translation_signal(body_sentences),
        content_hash=content_hash(text),
        url=doc.url,
        outlet=doc.outlet or _domain(doc.url),
        published=normalise_published(doc.published),
        author=doc.author or decision.author,
        agency=decision.agency,
        encoding=doc.encoding,
        extra=doc.extra,
        notes=list(doc.notes),
    )


def _assemble(decision: Decision) -> tuple[str, list[Paragraph]]:
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    cursor = 0

    def add(text: str, kind: ParagraphKind, source_start: int, source_end: int) -> None:
        nonlocal cursor
        if parts:
            cursor += len(PARAGRAPH_SEPARATOR)
        parts.append(text)
        paragraphs.append(
            Paragraph(kind, cursor, cursor + len(text), source_start, source_end,
                      detect_language(text))
        )
        cursor += len(text)

    has_title_line = any(kind == "title" for _, kind in decision.kept)
    if decision.title and not has_title_line:
        add(decision.title, "title", NOT_IN_SOURCE, NOT_IN_SOURCE)
    for line, kind in decision.kept:
        add(line.text, kind, line.start, line.end)
    return PARAGRAPH_SEPARATOR.join(parts), paragraphs


def _segmenter_language(paragraph: Paragraph) -> str:
    return "en" if paragraph.language == "en" else "ar"


def _latin_runs(text: str, paragraphs: list[Paragraph]) -> list[Span]:
    return [
        run
        for p in paragraphs if p.language == "ar"
        for run in latin_runs(text[p.start : p.end], p.start)
    ]


def content_hash(text: str) -> str:
    """Hash of the folded text: equal for articles that differ only in form."""
    return hashlib.sha256(fold(text).encode()).hexdigest()


def normalise_published(value: str | None) -> str | None:
    """ISO 8601 form of a publication date when it parses, else the value as given."""
    if not value:
        return None
    value = value.strip()
    if len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return value
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return value


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
