"""Bytes to text: encoding detection (Arabic code pages included) and mojibake repair."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
import ftfy

from marsad.errors import InputError

# Share of C0 control characters (other than tab/newline/CR/FF) above which a
# decoded text is binary data rather than text.
MAX_CONTROL_CHAR_RATIO = 0.01

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Single-byte code pages that Arabic pages are written in, tried when UTF-8 fails.
_ARABIC_CODEPAGES = ("cp1256", "iso8859-6", "cp720", "cp864")
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# UTF-8 Arabic read as Latin-1/cp1252 shows up as these pairs ("Ø§Ù„").
_MOJIBAKE = re.compile(r"[ØÙÚÛ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


@dataclass(frozen=True)
class Decoded:
    """A decoded text, the encoding it was read with, and what was repaired."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def decode_bytes(raw: bytes) -> Decoded:
    """Decode `raw`, detecting BOMs, UTF-16 without BOM and Arabic code pages.

    Raises `InputError` for empty or binary input, with the reason.
    """
    if not raw.strip():
        raise InputError("empty file (no text)")
    text, encoding = _decode(raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    if _control_ratio(text) > MAX_CONTROL_CHAR_RATIO:
        raise InputError("binary data, not text (control bytes in the content)")
    notes: tuple[str, ...] = ()
    repaired = repair_mojibake(text)
    if repaired != text:
        text, notes = repaired, ("mojibake repaired",)
    if not text.strip():
        raise InputError("empty file (no text)")
    return Decoded(text=text, encoding=encoding, notes=notes)


def _decode(raw: bytes) -> tuple[str, str]:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(name, errors="replace"), name
    # Before UTF-8: Arabic-only UTF-16 (bytes 0x21-0x52 beside 0x06/0x00) is valid UTF-8 too.
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        return utf16
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        raise InputError("binary data, not text (NUL bytes)")
    return _best_single_byte(raw)


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 text has a NUL in every other byte for ASCII; Arabic has 0x06 there."""
    sample = raw[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for name, high in (("utf-16-le", odd), ("utf-16-be", even)):
        share = sum(b in (0, 6) for b in high) / len(high)
        if share > 0.9:
            try:
                return raw.decode(name), name
            except UnicodeDecodeError:
                return None
    return None


def _best_single_byte(raw: bytes) -> tuple[str, str]:
    """Pick the Arabic code page whose decoding reads most like Arabic text.

    Falls back on charset-normalizer's guess for non-Arabic legacy text.
    """
    best: tuple[float, str, str] | None = None
    for name in _ARABIC_CODEPAGES:
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        score = _arabic_score(text)
        if best is None or score > best[0]:
            best = (score, text, name)
    if best is not None and best[0] > 0.3:
        return best[1], best[2]
    guess = charset_normalizer.from_bytes(raw).best()
    if guess is None:
        raise InputError("unknown text encoding (not UTF-8/16, not an Arabic or known code page)")
    return str(guess), guess.encoding


def _arabic_score(text: str) -> float:
    """Share of non-space, non-ASCII characters that are Arabic letters."""
    high = [ch for ch in text if ord(ch) > 127 and not ch.isspace()]
    if not high:
        return 0.0
    return len(_ARABIC_LETTERS.findall(text)) / len(high)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


def repair_mojibake(text: str) -> str:
    """Repair UTF-8 that was decoded as Latin-1/cp1252 (Arabic shows as "Ø§Ù„").

    ftfy only runs when the telltale pairs are present, so clean text is
    returned untouched and fast.
    """
    if not _MOJIBAKE.search(text):
        return text
    return ftfy.fix_encoding(text)
