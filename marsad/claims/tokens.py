"""The word tokens and stems every comparison of statements uses (folded text, Snowball Arabic stems)."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from marsad.text.normalize import fold

_WORD = re.compile(r"\w+")
_CONJUNCTIONS = ("و", "ف")  # proclitics the Snowball stemmer leaves on some words
_MIN_BARE = 3  # a proclitic is only stripped if this many letters remain


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    """The Snowball Arabic stemmer (created on first use)."""
    return Stemmer.Stemmer("arabic")


def words(text: str) -> list[str]:
    """Return the folded word tokens of `text`."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """Return the Snowball stem of a folded `token`, without a leading wa-/fa-."""
    if token.startswith(_CONJUNCTIONS) and len(token) > _MIN_BARE:
        token = token[1:]
    return str(_stemmer().stemWord(token))


@lru_cache(maxsize=65536)
def token_keys(token: str) -> frozenset[str]:
    """Return the forms under which a folded `token` matches another token.

    The token itself, its Snowball stem, and both again without a leading
    wa-/fa- conjunction (Snowball strips it from some words but not others).
    """
    forms = {token}
    if token.startswith(_CONJUNCTIONS) and len(token) > _MIN_BARE:
        forms.add(token[1:])
    stemmer = _stemmer()
    return frozenset(forms | {stemmer.stemWord(form) for form in forms})
