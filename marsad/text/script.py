"""Language identification by script, and Latin-script runs inside Arabic text.

Arabic and English are told apart by their scripts; Latin-script text is
called English when enough of its words are English function words, "other"
otherwise. Short lines mislead statistical detectors (`اعلان` comes out as
Urdu), so nothing here guesses from fewer than a few letters.
"""

from __future__ import annotations

import re

from marsad.records import Span

_ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u0750-\u077f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[A-Za-z']+")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_RUN = re.compile(
    r"[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f'’.\-]*"
    r"(?:[ \t]+[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f'’.\-]*)*"
)
ENGLISH_FUNCTION_WORDS = frozenset(
    """the a an of to in and or is are was were be been has have had on at by for with from as
    that this these those it its he she they we you i not but said says will would after before
    over about into than which who whom whose""".split()
)
# Share of Latin words that must be English function words to call a text English.
MIN_ENGLISH_FUNCTION_SHARE = 0.12
MIN_LETTERS = 3
# Language is told from a paragraph's first characters: enough, and cheap.
SAMPLE_CHARS = 600

Language = str  # "ar" | "en" | "other" | "und"


def detect_language(text: str) -> Language:
    """`ar`, `en`, `other`, or `und` (too few letters to tell)."""
    text = text[:SAMPLE_CHARS]
    arabic = len(_ARABIC.findall(text))
    if arabic > 0.6 * (len(text) - text.count(" ")):  # fast path: plainly Arabic prose
        return "ar"
    latin = len(_LATIN.findall(text))
    letters = len(_LETTER.findall(text))
    if letters < MIN_LETTERS:
        return "und"
    if arabic >= 0.5 * letters:
        return "ar"
    if latin >= 0.5 * letters:
        words = [w.lower() for w in _WORD.findall(text)]
        share = sum(w in ENGLISH_FUNCTION_WORDS for w in words) / max(1, len(words))
        if share >= MIN_ENGLISH_FUNCTION_SHARE or (len(words) < 4 and text.isascii()):
            return "en"
    return "other"


def majority_language(parts: list[tuple[str, int]]) -> Language:
    """The language holding most characters among (language, length) pairs."""
    totals: dict[str, int] = {}
    for language, length in parts:
        if language != "und":
            totals[language] = totals.get(language, 0) + length
    return max(totals, key=lambda k: totals[k]) if totals else "und"


def latin_runs(text: str, offset: int = 0) -> list[Span]:
    """Runs of Latin-script words (names, acronyms) inside `text`."""
    return [
        Span(m.start() + offset, m.end() + offset, m.group())
        for m in _LATIN_RUN.finditer(text)
    ]
