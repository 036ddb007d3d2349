"""Normalisation of Arabic (and mixed) text for matching.

The normalised form is only ever used to compare, index and search: what a user
sees is always the original text, addressed by its original character offsets.
`fold` is the fast path (one `str.translate` plus two regexes);
`fold_with_offsets` returns, for every character of the folded text, the offset
of the original character it came from.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# Characters removed outright: Arabic diacritics (harakat, tanwin, shadda, sukun,
# superscript alef), Quranic annotation marks, tatweel, and invisible format
# characters (bidi marks, zero-width joiners, BOM, soft hyphen).
_DELETED = (
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u00ad"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)

# One-to-one substitutions.
_SUBSTITUTED = {
    # alef variants -> bare alef
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    # alef maksura and Farsi ya -> ya; ta marbuta -> ha
    "ى": "ي", "ی": "ي", "ة": "ه",
    # Farsi/Urdu letters that Arabic scrapers emit
    "ک": "ك", "ھ": "ه", "ۀ": "ه",
    # quotation marks -> ASCII
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    # dashes -> hyphen
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    # every kind of space -> space
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ",
    "\u2008": " ", "\u205f": " ", "\u3000": " ", "\t": " ",
}
# Arabic-Indic and Extended (Persian/Urdu) digits -> ASCII digits
_SUBSTITUTED.update({chr(0x0660 + i): str(i) for i in range(10)})
_SUBSTITUTED.update({chr(0x06F0 + i): str(i) for i in range(10)})

_TABLE: dict[int, str | None] = {ord(c): None for c in _DELETED}
_TABLE.update({ord(k): v for k, v in _SUBSTITUTED.items()})

DIGITS_TABLE = {ord(chr(0x0660 + i)): str(i) for i in range(10)} | {
    ord(chr(0x06F0 + i)): str(i) for i in range(10)
}

ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
_DELETE = re.compile("[" + "".join(re.escape(c) for c in _DELETED) + "]")
_REPLACEMENTS = tuple(_SUBSTITUTED.items())
# Latin letters and digits glued to an Arabic letter with no space are the mark
# of a scraper that joined two page elements ("المقالClose"): they are split,
# by a space put where the two scripts touch (one C-level pass, no callback).
_GLUED = re.compile(f"(?<=[{ARABIC_LETTER}])(?=[a-z0-9])|(?<=[a-z0-9])(?=[{ARABIC_LETTER}])")
_IS_ARABIC_LETTER = re.compile(f"[{ARABIC_LETTER}]")


def fold(text: str) -> str:
    """Return the matching form of `text`.

    Removes diacritics and tatweel, unifies alef / ya / ta-marbuta variants,
    maps Arabic-Indic digits to ASCII, quotes and dashes to ASCII, every space
    to one space, separates glued Arabic/Latin runs and lowercases Latin.
    (Same result as `fold_with_offsets`, several times faster: `str.replace`
    and one regex instead of a per-character table.)
    """
    folded = _DELETE.sub("", text)
    for source, target in _REPLACEMENTS:
        if source in folded:
            folded = folded.replace(source, target)
    folded = _GLUED.sub(" ", folded.lower())
    return " ".join(folded.split())


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold `text` and map each folded character back to its original offset.

    `offsets[i]` is the index in `text` of the character that produced
    `folded[i]`; slicing the original with the offsets of a match in the folded
    form gives the exact source span.
    """
    out: list[str] = []
    offsets: list[int] = []
    prev_kind = ""
    for i, ch in enumerate(text):
        mapped = _map_char(ch)
        if not mapped:
            continue
        kind = _script_kind(mapped[0])
        if mapped == " ":
            if out and out[-1] != " ":
                out.append(" ")
                offsets.append(i)
            prev_kind = ""
            continue
        if {prev_kind, kind} == {"arabic", "latin"} and out and out[-1] != " ":
            out.append(" ")
            offsets.append(i)
        out.extend(mapped)
        offsets.extend([i] * len(mapped))
        prev_kind = kind
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


@lru_cache(maxsize=4096)
def _map_char(ch: str) -> str:
    mapped = ch.translate(_TABLE).lower()
    return " " if mapped.isspace() else mapped


def _script_kind(ch: str) -> str:
    if _IS_ARABIC_LETTER.match(ch):
        return "arabic"
    if ch.isascii() and ch.isalnum():
        return "latin"
    return ""


_DIACRITICS_TABLE: dict[int, None] = dict.fromkeys([*range(0x064B, 0x0660), 0x0670, 0x0640])


def strip_diacritics(text: str) -> str:
    """Remove Arabic diacritics and tatweel only, keeping every other character."""
    return text.translate(_DIACRITICS_TABLE)


def ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits by ASCII digits (same length)."""
    return text.translate(DIGITS_TABLE)


def nfc(text: str) -> str:
    """Unicode NFC composition (used once, on ingest)."""
    return unicodedata.normalize("NFC", text)


def stable_hash(key: str) -> int:
    """A 63-bit hash of a string that is the same in every process (SQLite INTEGER-safe)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") >> 1
