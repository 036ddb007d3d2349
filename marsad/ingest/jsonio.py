"""JSON input record by record: each decoded on its own, nesting bounded, array items with their own bytes."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from marsad.errors import InputError
from marsad.ingest.decode import decode_record
from marsad.ingest.limits import MAX_JSON_DEPTH

_SPACE = re.compile(r"[ \t\r\n]*")
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class JsonRecord:
    """One parsed record, the exact bytes it was read from, their encoding and what decoding repaired."""

    value: Any
    raw: bytes
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()


def parse_record(raw: bytes) -> JsonRecord:
    """One JSON value (a JSON Lines line), decoded on its own; `InputError` says why it cannot be read."""
    decoded = decode_record(raw)
    return JsonRecord(_loads(decoded.text), raw, decoded.encoding, decoded.warnings)


def array_items(raw: bytes) -> Iterator[JsonRecord | InputError]:
    """Each item of a JSON array with its own input bytes, parsed one at a time.

    An item that cannot be parsed ends the array (where the next one starts is
    unknown): it is the last thing yielded, as an `InputError`.
    """
    text, codec = _array_text(raw)
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if text[position : position + 1] != "[":
        yield InputError("expected a JSON array of article objects")
        return
    position = _skip(text, position + 1)
    if text[position : position + 1] == "]":
        return
    while True:
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            yield InputError(f"invalid JSON ({exc.msg}); the rest of the file is not read")
            return
        except RecursionError:
            yield InputError(f"{_too_deep()}; the rest of the file is not read")
            return
        yield _item(value, text[position:end].encode(codec, errors="surrogateescape"), codec)
        position = _skip(text, end)
        if text[position : position + 1] == "]":
            return
        if text[position : position + 1] != ",":
            yield InputError("invalid JSON (expected `,` or `]` after an item); the rest of the file is not read")
            return
        position = _skip(text, position + 1)


def _item(value: Any, raw: bytes, codec: str) -> JsonRecord | InputError:
    try:
        if codec == "utf-8" and not _is_utf8(raw):
            return parse_record(raw)  # bytes that are not UTF-8: this item is decoded on its own
        if _deeper_than(value, MAX_JSON_DEPTH):
            raise InputError(_too_deep())
    except InputError as exc:
        return exc
    return JsonRecord(value, raw, codec)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _array_text(raw: bytes) -> tuple[str, str]:
    """The file as text, and the codec whose encoding of any slice gives back that slice's bytes."""
    for boms, name in ((_UTF32_BOMS, "utf-32"), (_UTF16_BOMS, "utf-16")):
        for bom in boms:
            if raw.startswith(bom):
                codec = f"{name}-{'le' if bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF16_LE) else 'be'}"
                return raw[len(bom) :].decode(codec, errors="replace"), codec
    body = raw.removeprefix(codecs.BOM_UTF8)
    # Bytes that are not UTF-8 stay as lone surrogates, so each item's exact bytes can be recovered.
    return body.decode("utf-8", errors="surrogateescape"), "utf-8"


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _loads(text: str) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON ({exc})") from exc
    except RecursionError as exc:
        raise InputError(_too_deep()) from exc
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise InputError(_too_deep())
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """True when arrays and objects nest more than `limit` levels (the value itself is level 1)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _too_deep() -> str:
    return f"JSON nested deeper than {MAX_JSON_DEPTH} levels (the limit for one record)"
