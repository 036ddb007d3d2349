"""Bytes to text: every encoding an Arabic article arrives in decodes to the same text."""

from __future__ import annotations

import codecs
import random
import re
from collections.abc import Callable
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
import pytest

from marsad.errors import InputError
from marsad.ingest.decode import decode_bytes, repair_mojibake

SEED = "001_28f40a9148001f17.txt"
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


@pytest.fixture(scope="module")
def article(seeds_dir: Path) -> str:
    """A real Arabic news article (Arabic with some Latin), as scraped."""
    text = (seeds_dir / SEED).read_text(encoding="utf-8")
    assert len(_ARABIC_LETTER.findall(text)) > 1000
    return text


@pytest.fixture(scope="module")
def arabic_only(article: str) -> str:
    """The lines of the article written in Arabic script only (no Latin letters)."""
    lines = [line for line in article.splitlines() if not re.search(r"[A-Za-z]", line)]
    text = "\n".join(lines)
    assert len(text) > 1000
    return text


def _same_codec(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


ENCODINGS = [
    # (id, how to encode, the codec decode_bytes should report)
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8"),
    ("utf-8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8"),
    ("utf-16-le-bom", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be-bom", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
    ("utf-16-le-no-bom", lambda t: t.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be-no-bom", lambda t: t.encode("utf-16-be"), "utf-16-be"),
    ("windows-1256", lambda t: t.encode("cp1256"), "cp1256"),
    ("iso-8859-6", lambda t: t.encode("iso8859-6"), "iso8859-6"),
]


@pytest.mark.parametrize(("encode", "expected"), [e[1:] for e in ENCODINGS],
                         ids=[e[0] for e in ENCODINGS])
def test_article_decodes_to_the_original_text(
    article: str, encode: Callable[[str], bytes], expected: str
) -> None:
    raw = encode(article)
    decoded = decode_bytes(raw)
    assert decoded.text == article
    assert _same_codec(decoded.encoding, expected), decoded.encoding
    assert decoded.notes == ()


@pytest.mark.parametrize(("encode", "expected"), [e[1:] for e in ENCODINGS],
                         ids=[e[0] for e in ENCODINGS])
def test_arabic_only_text_decodes_to_the_original_text(
    arabic_only: str, encode: Callable[[str], bytes], expected: str
) -> None:
    decoded = decode_bytes(encode(arabic_only))
    assert decoded.text == arabic_only
    assert _same_codec(decoded.encoding, expected), decoded.encoding


def test_utf16_without_bom_of_arabic_only_text_is_not_taken_for_utf8(arabic_only: str) -> None:
    """Regression: Arabic-only UTF-16-LE is all bytes < 0x80, so it is valid UTF-8 too.

    It used to be decoded as UTF-8 (letters interleaved with \\x06) and rejected as binary.
    """
    raw = arabic_only.encode("utf-16-le")
    assert raw.decode("utf-8")  # the trap: it *is* valid UTF-8
    assert decode_bytes(raw).text == arabic_only


@pytest.mark.parametrize("wrong_codec", ["latin-1", "sloppy-windows-1252"])
def test_mojibake_is_repaired_and_noted(article: str, wrong_codec: str) -> None:
    """UTF-8 Arabic read as Latin-1/cp1252 and saved again as UTF-8 ("Ø§Ù„...")."""
    garbled = article.encode("utf-8").decode(wrong_codec)
    assert "Ø§Ù" in garbled and "ال" not in garbled
    decoded = decode_bytes(garbled.encode("utf-8"))
    assert decoded.text == article
    assert decoded.notes == ("mojibake repaired",)


def test_repair_leaves_clean_text_untouched(article: str) -> None:
    assert repair_mojibake(article) is article


@pytest.mark.parametrize("raw", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8 + b" \n"],
                         ids=["empty", "whitespace", "bom-and-space"])
def test_empty_input_is_an_input_error(raw: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        decode_bytes(raw)


def test_binary_input_is_an_input_error() -> None:
    noise = random.Random(7).randbytes(4096) + b"\x00" * 16
    with pytest.raises(InputError, match="binary"):
        decode_bytes(noise)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(8).randbytes(1000)
    with pytest.raises(InputError, match="binary"):
        decode_bytes(png)


def undecodable_bytes(size: int = 3000, seed: int = 0) -> bytes:
    """High bytes that no Arabic code page reads as letters, mixed with spaces.

    Neither UTF-8, UTF-16, an Arabic code page nor charset-normalizer makes text of them.
    """
    letters = set()
    for byte in range(0x80, 0x100):
        for codepage in ("cp1256", "iso8859-6", "cp720", "cp864"):
            try:
                if _ARABIC_LETTER.match(bytes([byte]).decode(codepage)):
                    letters.add(byte)
            except UnicodeDecodeError:
                pass
    alphabet = [b for b in range(0x80, 0x100) if b not in letters] + [0x20] * 20
    rng = random.Random(seed)
    return bytes(rng.choice(alphabet) for _ in range(size))


def test_unknown_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown text encoding"):
        decode_bytes(undecodable_bytes())
