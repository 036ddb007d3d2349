"""Name forms for matching: tokens, match forms, clitics, and the word lists of `data/`.

Everything here derives forms for comparison; mentions keep the article's own
text and offsets. The word lists are read on first use, never at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from marsad.text.normalize import fold

ARABIC = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
_MARKS = "\u064b-\u065f\u0670\u0640"  # diacritics, superscript alef, tatweel
TOKEN = re.compile(
    rf"(?:[{ARABIC}]{{1,3}}\.)+[{ARABIC}]{{1,3}}(?![{ARABIC}])"  # dotted abbreviations: سي.آي.إيه
    rf"|[{ARABIC}][{ARABIC}{_MARKS}]*"  # an Arabic word with its marks
    r"|[A-Za-z\u00c0-\u024f]+"  # a Latin word
    r"|[0-9\u0660-\u0669\u06f0-\u06f9]+"  # digits
    r"|\S"  # any other character on its own
)
_EXTRA = str.maketrans({"ؤ": "و", "ئ": "ي", "ء": None, ".": None})
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بلك"
MIN_STEM = 3  # letters a word keeps after its clitics are taken off
_NISBA = re.compile(rf"^ال[{ARABIC}]{{2,}}(?:ي|يه|يين|يون)$")
# Latin articles and Arabic آل (the "al" of a romanised name written in Arabic letters).
ARTICLE_TOKENS = frozenset({"al", "el", "ال"})  # match forms; آل folds to ال


@dataclass(frozen=True)
class Token:
    """A token of an article: its text and character offsets in `Article.text`."""

    text: str
    start: int
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Split `text` into words, numbers and single punctuation marks, with offsets.

    Arabic and Latin runs glued together become separate tokens; `offset` is
    added to every position (the start of a sentence inside the article).
    """
    return [Token(m.group(), m.start() + offset, m.end() + offset) for m in TOKEN.finditer(text)]


def is_word(token: str) -> bool:
    """Whether a token is made of letters (Arabic or Latin)."""
    return token[:1].isalpha()


@lru_cache(maxsize=65536)
def match_form(token: str) -> str:
    """The form of one token used for matching: folded, hamza seats unified, Latin lowercased."""
    return fold(token).translate(_EXTRA)


def strip_article(form: str) -> str:
    """Drop the Arabic article ال from a match form when a real stem remains (الله keeps it)."""
    if form.startswith("ال") and len(form) - 2 >= MIN_STEM:
        return form[2:]
    return form


def name_key_tokens(tokens: list[str]) -> tuple[str, ...]:
    """The matching tokens of a name: match forms without articles and punctuation.

    "فايز آل Serraj" and "فايز السراج" give ("فايز", "serraj") and ("فايز", "سراج").
    """
    forms = [match_form(t) for t in tokens if is_word(t)]
    return tuple(strip_article(f) for f in forms if f not in ARTICLE_TOKENS)


@dataclass(frozen=True)
class CliticSplit:
    """A reading of a token as proclitics + word: `skip` characters of clitics, then `rest`.

    `rest` is the match form the word would have on its own (with ال restored
    after لل, so that للجيش reads as ل + الجيش).
    """

    skip: int
    rest: str


_SPLIT = re.compile(
    rf"^(?P<conj>[{_CONJUNCTIONS}][{_MARKS}]*)?(?P<prep>(?:لل|[{_PREPOSITIONS}])[{_MARKS}]*)?(?P<rest>.+)$"
)


def clitic_splits(token: str) -> list[CliticSplit]:
    """The readings of `token` with its proclitics (و ف, then ب ل ك or لل) taken off, fewest first.

    "ولويس" reads و + لويس, then و + ل + ويس; "لليستر" reads ل + ليستر, then
    لل + (ا)ليستر: callers choose the reading the evidence supports.
    """
    m = _SPLIT.match(token)
    if not m or not (m.group("conj") or m.group("prep")):
        return []
    splits = []
    conj_end = m.end("conj") if m.group("conj") else 0
    if conj_end:
        splits.append(CliticSplit(conj_end, match_form(token[conj_end:])))
    if m.group("prep"):
        rest = match_form(m.group("rest"))
        if match_form(m.group("prep")) == "لل":
            splits.append(CliticSplit(m.start("prep") + 1, match_form(token[m.start("prep") + 1 :])))
            splits.append(CliticSplit(m.start("rest"), "ال" + rest))
        else:
            splits.append(CliticSplit(m.start("rest"), rest))
    return [s for s in splits if len(s.rest) >= MIN_STEM]


def is_nisba(form: str) -> bool:
    """Whether a match form looks like a relative adjective (الليبي، الأمريكيه)."""
    return bool(_NISBA.match(form))


def _data_lines(name: str) -> list[str]:
    text = resources.files("marsad.entities").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


# Shares of ANERcorp occurrences tagged O (data/anercorp_words.tsv, scripts/build_name_table.py).
COMMON_O_SHARE = 0.95  # almost never in a name: trimmed off the edges of person names (الاتصال)
WORDLIKE_O_SHARE = 0.6  # mostly a plain word (الثاني، العربي): not looked for alone as a name


@lru_cache(maxsize=1)
def _o_shares() -> dict[str, float]:
    shares = {}
    for line in _data_lines("anercorp_words.tsv"):
        word, _, share = line.split("\t")
        shares[word] = float(share)
    return shares


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Match forms of words almost never part of a name in ANERcorp."""
    return frozenset(w for w, share in _o_shares().items() if share >= COMMON_O_SHARE)


@lru_cache(maxsize=1)
def wordlike() -> frozenset[str]:
    """Match forms of words that are mostly plain words in ANERcorp (a wider set than `common_words`)."""
    return frozenset(w for w, share in _o_shares().items() if share >= WORDLIKE_O_SHARE)


@lru_cache(maxsize=1)
def titles() -> frozenset[tuple[str, ...]]:
    """Titles and role phrases (titles.txt + roles.txt), as article-stripped match-form tuples."""
    entries = _data_lines("titles.txt") + _data_lines("roles.txt")
    return frozenset(tuple(strip_article(match_form(w)) for w in entry.split()) for entry in entries)


@lru_cache(maxsize=1)
def title_modifiers() -> frozenset[str]:
    """Words allowed between a title and a name besides nisbas (title_modifiers.txt)."""
    return frozenset(match_form(word) for word in _data_lines("title_modifiers.txt"))
