"""Bytes to text: encoding detection (Arabic code pages included) and mojibake repair.

Text that is UTF-8 but for a few bytes is read as UTF-8 with those bytes replaced
(U+FFFD), and lines in an Arabic code page among UTF-8 lines are decoded line by
line: a legacy code page is chosen for a whole text only when it holds no UTF-8.
Each repair is a warning that names what was done and where.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace

import charset_normalizer
import ftfy

from marsad.errors import InputError

# Share of C0 control characters (other than tab/newline/CR/FF) above which a
# decoded text is binary data rather than text.
MAX_CONTROL_CHAR_RATIO = 0.01

_BOMS = (  # UTF-8's BOM is handled apart: UTF-8 text may need repairs
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Single-byte code pages that Arabic pages are written in, tried when UTF-8 fails.
_ARABIC_CODEPAGES = ("cp1256", "iso8859-6", "cp720", "cp864")
# Lines named in a warning about replaced bytes or mixed encodings (the rest are counted).
MAX_LINES_NAMED = 5
_REPLACEMENT = "\ufffd"
_UTF8_REPLACEMENT = _REPLACEMENT.encode()
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# UTF-8 Arabic read as Latin-1/cp1252 shows up as these pairs ("Ø§Ù„").
_MOJIBAKE = re.compile(r"[ØÙÚÛ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


@dataclass(frozen=True)
class Decoded:
    """A decoded text, the encoding it was read with, what was repaired, and what to warn about.

    Warnings (bytes replaced, encodings mixed) are notes the user must be told at ingest.
    """

    text: str
    encoding: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def decode_bytes(raw: bytes) -> Decoded:
    """Decode `raw`, detecting BOMs, UTF-16 without BOM and Arabic code pages.

    Raises `InputError` for empty or binary input, with the reason.
    """
    if not raw.strip():
        raise InputError("empty file (no text)")
    decoded = _decode(raw)
    text = decoded.text.removeprefix("\ufeff")
    if _control_ratio(text) > MAX_CONTROL_CHAR_RATIO:
        raise InputError("binary data, not text (control bytes in the content)")
    notes = decoded.warnings
    repaired = repair_mojibake(text)
    if repaired != text:
        text, notes = repaired, (*notes, "mojibake repaired")
    if not text.strip():
        raise InputError("empty file (no text)")
    return Decoded(text=text, encoding=decoded.encoding, notes=notes, warnings=decoded.warnings)


def decode_record(raw: bytes) -> Decoded:
    """Decode one record of a file (a JSON Lines line, a JSON array item) on its own.

    UTF-8 (± BOM) as it should be; else UTF-8 with a few bytes replaced, or the
    Arabic code page the record is written in, with a warning.
    """
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        decoded = _mixed_utf8(body) if _mostly_utf8(body) else _legacy_record(body)
    return replace(decoded, notes=decoded.warnings)


def _decode(raw: bytes) -> Decoded:
    if raw.startswith(codecs.BOM_UTF8):
        return _utf8(raw[len(codecs.BOM_UTF8) :])
    for bom, name in _BOMS:
        if raw.startswith(bom):
            text = raw[len(bom) :].decode(name, errors="replace")
            bad = text.count(_REPLACEMENT) - raw.count(_REPLACEMENT.encode(name))
            return Decoded(text, name, warnings=(_replaced_warning(bad, name),) if bad > 0 else ())
    # Before UTF-8: Arabic-only UTF-16 (bytes 0x21-0x52 beside 0x06/0x00) is valid UTF-8 too.
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        return Decoded(*utf16)
    return _utf8(raw)


def _utf8(raw: bytes) -> Decoded:
    """UTF-8; or UTF-8 mixed with a legacy code page, or with a few bad bytes; or a legacy code page."""
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        raise InputError("binary data, not text (NUL bytes)")
    if _mostly_utf8(raw):
        return _mixed_utf8(raw)
    return Decoded(*_best_single_byte(raw))


def _mostly_utf8(raw: bytes) -> bool:
    """True when most non-ASCII characters of `raw` are well-formed UTF-8 (a few bad bytes)."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count(_REPLACEMENT) - raw.count(_UTF8_REPLACEMENT)
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - bad > bad


def _mixed_utf8(raw: bytes) -> Decoded:
    """UTF-8 with some lines in a legacy code page, or with a few invalid bytes: line by line."""
    lines = raw.split(b"\n")
    texts: list[str] = []
    broken: list[int] = []
    for number, line in enumerate(lines):
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append("")
            broken.append(number)
    legacy = [n for n in broken if not _mostly_utf8(lines[n])]
    codepage = _legacy_codepage(b"\n".join(lines[n] for n in legacy)) if legacy else None
    legacy_set = set(legacy)
    replaced: list[int] = []
    bad_bytes = 0
    for number in broken:
        if codepage is not None and number in legacy_set:
            texts[number] = lines[number].decode(codepage)
            continue
        texts[number] = lines[number].decode("utf-8", errors="replace")
        bad_bytes += texts[number].count(_REPLACEMENT) - lines[number].count(_UTF8_REPLACEMENT)
        replaced.append(number)
    warnings = []
    if replaced:
        warnings.append(_replaced_warning(bad_bytes, "UTF-8") + _where(replaced, len(lines)))
    if codepage is not None:
        warnings.append(f"{len(legacy)} line{_s(len(legacy))} in {codepage} among UTF-8 lines, "
                        f"decoded line by line{_where(legacy, len(lines))}")
    return Decoded("\n".join(texts), "utf-8", warnings=tuple(warnings))


def _legacy_record(raw: bytes) -> Decoded:
    """A record with no UTF-8 in it: its legacy code page, or UTF-8 with the bytes replaced."""
    codepage = _legacy_codepage(raw)
    if codepage is not None:
        return Decoded(raw.decode(codepage), codepage, warnings=(f"read as {codepage}, not UTF-8",))
    text = raw.decode("utf-8", errors="replace")
    bad = text.count(_REPLACEMENT) - raw.count(_UTF8_REPLACEMENT)
    return Decoded(text, "utf-8", warnings=(_replaced_warning(bad, "UTF-8"),))


def _legacy_codepage(raw: bytes) -> str | None:
    """The single-byte code page `raw` reads best in, or None when none makes text of it."""
    try:
        return _best_single_byte(raw)[1]
    except InputError:
        return None


def _replaced_warning(count: int, codec: str) -> str:
    return f"{count} invalid {codec} byte{_s(count)} replaced with U+FFFD"


def _where(line_indexes: list[int], lines: int) -> str:
    """" (lines 3, 7)" naming where in a text of several lines; nothing for a one-line record."""
    if lines < 2:
        return ""
    shown = ", ".join(str(n + 1) for n in line_indexes[:MAX_LINES_NAMED])
    more = f" and {len(line_indexes) - MAX_LINES_NAMED} more" if len(line_indexes) > MAX_LINES_NAMED else ""
    return f" (line{_s(len(line_indexes))} {shown}{more})"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


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
