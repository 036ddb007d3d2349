"""HTML pages to article text and metadata, with trafilatura."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import trafilatura
from trafilatura.utils import load_html

from marsad.errors import InputError

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ExtractedPage:
    """Main text of a page (paragraphs separated by newlines) and its metadata."""

    text: str
    title: str | None
    published: str | None
    outlet: str | None
    author: str | None
    url: str | None
    language: str | None


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """Extract the article of one HTML page.

    trafilatura does the work (main text, title, date, site name, author);
    raises `InputError` when the page has no article text.
    """
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise InputError(f"HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip() or _only_link_text(html, text):
        raise InputError("HTML page has no article text (navigation or empty page)")
    return ExtractedPage(
        text=text,
        title=_clean(getattr(doc, "title", None)),
        published=_clean(getattr(doc, "date", None)),
        outlet=_clean(getattr(doc, "sitename", None)),
        author=_clean(getattr(doc, "author", None)),
        url=_clean(getattr(doc, "url", None)) or url,
        language=_clean(getattr(doc, "language", None)),
    )


def _only_link_text(html: str, text: str) -> bool:
    """True when every word of `text` is link text: trafilatura's fallback took a menu."""
    tree = load_html(html)
    if tree is None:
        return False
    link_words = Counter(
        word for link in tree.iter("a") for word in _WORD.findall(link.text_content())
    )
    return not Counter(_WORD.findall(text)) - link_words


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def looks_like_html(text: str) -> bool:
    """True when a text's start reads as an HTML document."""
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or (
        head.startswith("<") and ("<body" in text[:20000].lower() or "<head" in head)
    )
