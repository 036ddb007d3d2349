"""What the text itself says about organisations: aliases in parentheses and leaders.

- `paren_aliases`: an organisation right followed by another name in parentheses
  names the same thing: "الجيش الوطني الليبي (LNA)", "الجيش الوطني الليبي (قوات حفتر)".
- `leaders`: "<ORG> بقيادة <PERS>" and "قائد <ORG> <title> <PERS>" say who leads
  an organisation (the words are in `data/leader_words.txt`).
- `forces`: the "قوات <PERS>" organisations of `mentions` and the person inside each;
  the resolver links one to the organisation its person leads, when that is one.

Every function returns pairs of indexes into the mention list it was given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

from marsad.entities.mentions import Mention
from marsad.entities.names import is_word, match_form, strip_article, tokenize

_OPEN = re.compile(r"\s*[(\[]\s*$")
_CLOSE = re.compile(r"^\s*[)\]]")
_QUOTES = "\"'«»“”„ "


@lru_cache(maxsize=1)
def _leader_words() -> dict[str, frozenset[tuple[str, ...]]]:
    text = resources.files("marsad.entities").joinpath("data", "leader_words.txt").read_text(encoding="utf-8")
    found: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            side, _, words = line.partition(":")
            found[side].add(tuple(strip_article(match_form(w)) for w in words.split()))
    return {side: frozenset(entries) for side, entries in found.items()}


def _by_sentence(mentions: Sequence[Mention]) -> dict[tuple[str, int], list[int]]:
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        groups[(m.article, m.sentence)].append(i)
    return groups


def paren_aliases(mentions: Sequence[Mention], texts: Mapping[str, str]) -> list[tuple[int, int]]:
    """Organisation + (name) pairs: the name in parentheses is an alias of the organisation.

    Never a place in parentheses: "وست بالم بيتش (فلوريدا)" says where, not another name."""
    pairs = []
    for indexes in _by_sentence(mentions).values():
        for i in indexes:
            org = mentions[i]
            if org.type != "ORG":
                continue
            text = texts[org.article]
            for j in indexes:
                alias = mentions[j]
                if alias.start <= org.end or j == i or alias.type == "LOC":
                    continue
                if _OPEN.fullmatch(text[org.end : alias.start]) and _CLOSE.match(text[alias.end :]):
                    pairs.append((i, j))
                    break
    return pairs


def leaders(mentions: Sequence[Mention], texts: Mapping[str, str]) -> list[tuple[int, int]]:
    """(organisation, person) pairs where the text says the person leads the organisation."""
    words = _leader_words()
    pairs = []
    for indexes in _by_sentence(mentions).values():
        for i in indexes:
            org = mentions[i]
            if org.type != "ORG" or org.source == "rule":
                continue
            text = texts[org.article]
            before = _words(_before(text, org.start))
            for j in indexes:
                person = mentions[j]
                if person.type != "PERS" or person.start <= org.end:
                    continue
                between = _words(text[org.end : person.title_start or person.start])
                if between in words["after"] or (not between and person.title and _ends_with(before, words["before"])):
                    pairs.append((i, j))
    return pairs


def _before(text: str, start: int) -> str:
    """Up to 40 characters before `start`, without a clitic glued to the name (للجيش -> ل)."""
    before = text[max(0, start - 40) : start]
    if before[-1:].strip():  # a clitic or a quotation mark glued to the name
        before = before[: len(before) - len(before.split()[-1])]
    return before


def _words(text: str) -> tuple[str, ...]:
    return tuple(strip_article(match_form(t.text)) for t in tokenize(text.strip(_QUOTES)) if is_word(t.text))


def _ends_with(words: tuple[str, ...], heads: frozenset[tuple[str, ...]]) -> bool:
    """Whether `words` end with a head ("قائد", "القائد العام"), perhaps written with a clitic (للجيش)."""
    return any(len(words) >= len(head) and words[len(words) - len(head) :] == head for head in heads)


def forces(mentions: Sequence[Mention]) -> list[tuple[int, int]]:
    """("قوات <person>" organisation, person inside it) pairs."""
    pairs = []
    for indexes in _by_sentence(mentions).values():
        for i in indexes:
            org = mentions[i]
            if org.source != "rule":
                continue
            for j in indexes:
                person = mentions[j]
                if person.type == "PERS" and org.start < person.start and person.end == org.end:
                    pairs.append((i, j))
    return pairs
