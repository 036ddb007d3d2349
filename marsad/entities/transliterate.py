"""Cross-script name keys: Arabic and Latin names reduced to consonant skeletons.

A name written in Arabic script (حفتر، السراج، حرشاوي) and its Latin spellings
(Haftar, Serraj / Sarraj, Harchaoui) differ in their vowels, in how they write
one Arabic consonant (ش = sh / ch / sch) and in doubled letters, but mostly keep
the same consonants in the same order. `skeletons` maps a token of either
script to the set of its consonant-class strings ("HFTR", "SRJ", "HRX"), using
the table in `data/phonetic_classes.tsv`; two tokens of different scripts are
transliterations of each other when their sets meet (`same_name_token`).
Ambiguous letters (Latin g = ج / غ / ق, Arabic ق = q / g) give several
skeletons, capped at `MAX_VARIANTS`.

Irregular spellings the rules miss (Trump = ترامب passes; Putin / Pompeo too,
but e.g. Jerusalem = القدس does not) come from `data/name_pairs.tsv`, English
token -> Arabic token pairs taken from Wikidata by `scripts/build_name_table.py`.

Measured by `scripts/build_name_table.py` on the held-out 20 % of the Wikidata
pairs (`wd_arabic_20`, 12,994 token pairs): the skeleton sets of a true pair
meet for 83.9 % of pairs, and for 0.06 % of random (English, Arabic) pairs.
(The table built from the other 80 % adds nothing on those held-out pairs:
it helps with frequent names, which recur across articles, not across splits.)
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from marsad.entities.names import match_form, strip_article

CLASSES_FILE = "phonetic_classes.tsv"
PAIRS_FILE = "name_pairs.tsv"
MAX_VARIANTS = 64  # skeletons kept per token (Latin g, s, h, w and c are ambiguous)
MIN_SKELETON = 2  # a skeleton of one consonant ("Ali" -> L) says too little to match on
_LATIN_LETTERS = re.compile(r"[a-z']+")


def is_latin(token: str) -> bool:
    """Whether `token` is written in Latin letters."""
    return any("a" <= ch.lower() <= "z" for ch in token)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The Arabic and Latin grapheme -> classes tables."""
    arabic: dict[str, tuple[str, ...]] = {}
    latin: dict[str, tuple[str, ...]] = {}
    text = resources.files("marsad.entities").joinpath("data", CLASSES_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        script, grapheme, classes = line.split("\t")
        alternatives = tuple("" if c == "-" else c for c in classes.split("|"))
        (arabic if script == "ar" else latin)[grapheme] = alternatives
    return arabic, latin


def _latin_units(word: str) -> Iterator[tuple[str, ...]]:
    """The class alternatives of each grapheme of a lowercased Latin word, longest graphemes first."""
    _, latin = _tables()
    longest = max(len(g) for g in latin)
    i = 0
    while i < len(word):
        for size in range(min(longest, len(word) - i), 0, -1):
            grapheme = word[i : i + size]
            if grapheme in latin:
                # a final h after a vowel is a spelling of ة / ه ("Khalifah", "Allah")
                if grapheme == "h" and i == len(word) - 1 and i and word[i - 1] in "aeiou":
                    yield ("",)
                else:
                    yield latin[grapheme]
                i += size
                break
        else:
            i += 1  # a letter the table does not know counts as nothing


def _arabic_units(word: str) -> Iterator[tuple[str, ...]]:
    arabic, _ = _tables()
    for i, ch in enumerate(word):
        if ch == "ه" and i == len(word) - 1:
            yield ("",)  # ta marbuta (folded to ه) or a final h: a vowel
        else:
            yield arabic.get(ch, ("",))


def _collapse(classes: str) -> str:
    """Merge runs of one class (doubled consonants: Haddad, Serraj)."""
    return "".join(ch for i, ch in enumerate(classes) if i == 0 or ch != classes[i - 1])


@lru_cache(maxsize=65536)
def skeletons(token: str) -> frozenset[str]:
    """The consonant skeletons of one name token, Arabic or Latin script.

    Arabic tokens are folded and lose the article ال; Latin ones are lowercased
    and stripped of accents. Empty when the token has fewer than
    `MIN_SKELETON` consonants.
    """
    if is_latin(token):
        plain = unicodedata.normalize("NFKD", token.lower())
        word = "".join(_LATIN_LETTERS.findall(plain))
        units = list(_latin_units(word))
    else:
        units = list(_arabic_units(strip_article(match_form(token))))
    variants: set[str] = set()
    for combo in itertools.islice(itertools.product(*units), MAX_VARIANTS):
        skeleton = _collapse("".join(combo))
        if len(skeleton) >= MIN_SKELETON:
            variants.add(skeleton)
    return frozenset(variants)


@lru_cache(maxsize=1)
def name_pairs() -> dict[str, frozenset[str]]:
    """English name token (lowercase) -> the Arabic tokens (match forms) Wikidata pairs it with."""
    pairs: dict[str, set[str]] = {}
    text = resources.files("marsad.entities").joinpath("data", PAIRS_FILE).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            english, arabic = line.split("\t")[:2]
            pairs.setdefault(english, set()).update(match_form(form) for form in arabic.split(","))
    return {english: frozenset(forms) for english, forms in pairs.items()}


@lru_cache(maxsize=1)
def arabic_name_tokens() -> frozenset[str]:
    """Every folded Arabic token of the Wikidata name pairs: tokens known to be names."""
    return frozenset(itertools.chain.from_iterable(name_pairs().values()))


def same_name_token(latin: str, arabic: str) -> bool:
    """Whether a Latin-script token and an Arabic-script token spell the same name."""
    known = name_pairs().get(latin.lower())
    form = match_form(arabic)
    if known and (form in known or "ال" + form in known or strip_article(form) in known):
        return True
    return bool(skeletons(latin) & skeletons(arabic))
