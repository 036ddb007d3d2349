"""Arabic numbers in words and digits: cardinals (ثلاثة, خمسة وعشرين, 21) and
ordinals (الثالث, الثالث عشر, السادس والعشرين)."""

from __future__ import annotations

from marsad.dates.tokens import Stream


def _word_value(stream: Stream, i: int, name: str, *, definite: bool = False) -> int | None:
    """Value of token `i` in table `name`, allowing a glued و (وعشرين) and, if
    `definite`, the article (الثلاثة)."""
    word = stream.text(i)
    if not word:
        return None
    entries = stream.lex.table(name).entries
    forms = [word]
    if word.startswith("و") and len(word) > 2:
        forms.append(word[1:])
    if definite and word.startswith("ال") and len(word) > 3:
        forms.append(word[2:])
    for form in forms:
        value = entries.get((form,))
        if value is not None:
            return int(value)
    return None


def _tens_after(stream: Stream, i: int, name: str) -> tuple[int, int] | None:
    """Tens word after a unit: glued (وعشرين) or after a separate و token."""
    if stream.text(i).startswith("و") and (tens := _word_value(stream, i, name)) is not None:
        return i + 1, tens
    if stream.text(i) == "و" and (tens := _word_value(stream, i + 1, name)) is not None:
        return i + 2, tens
    return None


def cardinal(stream: Stream, i: int, *, definite: bool = False) -> tuple[int, int] | None:
    """A cardinal number starting at token `i`: (token after it, value).

    Digits, units (ثلاثة), teens (اثنا عشر, ثلاثة عشر), tens (عشرين) and
    unit-and-tens (خمس واربعون). `definite` also accepts the article (الثلاثة).
    """
    if (digits := stream.num(i)) is not None:
        return i + 1, digits
    unit = _word_value(stream, i, "cardinals", definite=definite)
    teen_unit = unit
    if teen_unit is None:
        teen_unit = _word_value(stream, i, "teen_units", definite=definite)
    if teen_unit is not None and teen_unit < 10 and stream.plain(i + 1, "teen_suffix"):
        return i + 2, 10 + teen_unit
    if unit is None:
        tens = _word_value(stream, i, "cardinal_tens", definite=definite)
        return (i + 1, tens) if tens is not None else None
    if unit < 10 and (tens_hit := _tens_after(stream, i + 1, "cardinal_tens")) is not None:
        return tens_hit[0], unit + tens_hit[1]
    return i + 1, unit


def ordinal(stream: Stream, i: int) -> tuple[int, int] | None:
    """An ordinal starting at token `i`: (token after it, value), 1 to 39.

    الثالث, الثالثة عشرة, الحادي عشر, العشرين, السادس والعشرين, ثالث, ثان.
    """
    unit = _ordinal_unit(stream, i)
    if unit is None:
        tens = _word_value(stream, i, "ordinal_tens")
        return (i + 1, tens) if tens is not None else None
    if unit < 10 and stream.plain(i + 1, "teen_suffix"):
        return i + 2, 10 + unit
    if unit < 10 and (tens_hit := _tens_after(stream, i + 1, "ordinal_tens")) is not None:
        return tens_hit[0], unit + tens_hit[1]
    return i + 1, unit


def _ordinal_unit(stream: Stream, i: int) -> int | None:
    entries = stream.lex.table("ordinals").entries
    value = entries.get((stream.text(i),))
    return int(value) if value is not None else None
