"""Token features for the CRF named-entity tagger.

Every token is described by its folded form, its form with the proclitics
(و ف ب ل ك ال) stripped, affixes, script and shape, membership in the lexicons of
`data/` (person-name tokens, places, organisation and place cue words, titles),
and the same facts about its neighbours.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from marsad.text.normalize import fold

# Lexicon files in `data/`, one entry per line; an entry may be several words.
LEXICONS = {
    "per": "person_names.txt",
    "loc": "locations.txt",
    "org": "org_cues.txt",
    "locue": "location_cues.txt",
    "title": "titles.txt",
}
MAX_ENTRY_WORDS = 4
# Entity memory: for each stem seen in training, the entity types it carried.
MEMORY_FILE = "entity_memory.txt"
MEMORY_MIN_SHARE = 0.3  # share of its occurrences a type needs to be remembered
MAX_TITLE_GAP = 4  # adjectives allowed between a title and a name
WINDOW = 2  # neighbours on each side whose facts become features

_ARABIC = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
_LATIN = re.compile(r"[A-Za-z]")
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بلك"
_MIN_STEM = 2
_NISBA = re.compile(r"^(?:[وفبل]?ال|لل)\w+يه?$")  # relative adjectives: الليبي، العسكرية
_QUOTES = {'"': "toggle", "«": "open", "»": "close", "“": "open", "”": "close"}


@dataclass(frozen=True)
class TokenInfo:
    """What is known of one token before its neighbours are looked at."""

    folded: str
    stem: str
    clitics: str
    shape: str
    lexicons: tuple[str, ...]
    memory: tuple[str, ...]


Memory = Mapping[str, tuple[str, ...]]
"""Stem -> the entity types (PERS, LOC, ORG, MISC) it mostly carried in training."""


def clitic_forms(word: str) -> list[str]:
    """Return `word` (folded) and its forms with each successive proclitic stripped.

    The order follows Arabic morphology: conjunction (و ف), preposition (ب ل ك),
    article (ال, which the preposition ل contracts to لل).
    """
    forms = [word]
    rest = word
    if rest[:1] and rest[0] in _CONJUNCTIONS and len(rest) > _MIN_STEM + 1:
        rest = rest[1:]
        forms.append(rest)
    if rest.startswith("لل") and len(rest) > _MIN_STEM + 2:
        rest = rest[2:]
        forms.extend(["ال" + rest, rest])
        return forms
    if rest[:1] and rest[0] in _PREPOSITIONS and len(rest) > _MIN_STEM + 1:
        rest = rest[1:]
        forms.append(rest)
    if rest.startswith("ال") and len(rest) > _MIN_STEM + 2:
        forms.append(rest[2:])
    return forms


def stem(token: str) -> str:
    """The folded token without proclitics (و ف ب ل ك ال)."""
    word = fold(token) or token
    return clitic_forms(word)[-1] if _ARABIC.search(word) else word


def build_memory(sentences: Iterable[tuple[list[str], list[str]]]) -> dict[str, tuple[str, ...]]:
    """Remember, for every stem, the entity types it carried in `sentences`.

    A type is remembered when it covers `MEMORY_MIN_SHARE` of the stem's occurrences;
    stems that were never (or hardly ever) inside an entity are left out.
    """
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags, strict=True):
            counts[stem(token)][tag.partition("-")[2] or "O"] += 1
    memory: dict[str, tuple[str, ...]] = {}
    for word, kinds in counts.items():
        floor = MEMORY_MIN_SHARE * kinds.total()
        remembered = tuple(sorted(k for k, n in kinds.items() if k != "O" and n >= floor))
        if remembered:
            memory[word] = remembered
    return memory


def sentence_features(tokens: list[str], memory: Memory | None = None) -> list[list[str]]:
    """Return the CRF feature strings of every token of one sentence.

    `memory` defaults to the packaged one; training passes memories built without
    the sentences being featurised, so that the model learns how far to trust it.
    """
    infos = _token_infos(tokens, load_memory() if memory is None else memory)
    features = [_features(infos, i) for i in range(len(infos))]
    for i in _quoted(tokens):
        features[i].append("quoted")
    return features


@lru_cache(maxsize=1)
def load_lexicons() -> dict[str, frozenset[tuple[str, ...]]]:
    """Read the lexicon files once, as sets of folded word tuples (with and without ال)."""
    data = resources.files("marsad.entities") / "data"
    lexicons: dict[str, frozenset[tuple[str, ...]]] = {}
    for name, filename in LEXICONS.items():
        entries: set[tuple[str, ...]] = set()
        for line in (data / filename).read_text(encoding="utf-8").splitlines():
            words = tuple(fold(line).split())
            if not 0 < len(words) <= MAX_ENTRY_WORDS:
                continue
            entries.add(words)
            if words[0].startswith("ال") and len(words[0]) > _MIN_STEM + 2:
                entries.add((words[0][2:], *words[1:]))
        lexicons[name] = frozenset(entries)
    return lexicons


@lru_cache(maxsize=len(LEXICONS))
def _first_words(name: str) -> frozenset[str]:
    """The first words of the entries of lexicon `name`."""
    return frozenset(entry[0] for entry in load_lexicons()[name])


@lru_cache(maxsize=1)
def load_memory() -> dict[str, tuple[str, ...]]:
    """Read the packaged entity memory (lines of stem, TAB, space-separated types)."""
    text = (resources.files("marsad.entities") / "data" / MEMORY_FILE).read_text(encoding="utf-8")
    memory: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        word, _, kinds = line.partition("\t")
        memory[word] = tuple(kinds.split())
    return memory


def _token_infos(tokens: list[str], memory: Memory) -> list[TokenInfo]:
    folded = [fold(token) or token for token in tokens]
    forms = [clitic_forms(word) if _ARABIC.search(word) else [word] for word in folded]
    hits = _lexicon_hits(folded, [_lookup_forms(word_forms) for word_forms in forms])
    return [
        TokenInfo(
            folded=word,
            stem=word_forms[-1],
            clitics=word[: len(word) - len(word_forms[-1])],
            shape=_shape(token),
            lexicons=tuple(sorted(token_hits)),
            memory=memory.get(word_forms[-1], ()),
        )
        for token, word, word_forms, token_hits in zip(tokens, folded, forms, hits, strict=True)
    ]


def _lookup_forms(forms: list[str]) -> list[str]:
    """The forms to look up: stripping ال is left to the lexicons, which list both forms.

    Names of people rarely take the article, so الماضي must not match the name ماضي.
    """
    return [form for form in forms if "ال" + form not in forms]


def _lexicon_hits(folded: list[str], forms: list[list[str]]) -> list[set[str]]:
    """Mark every token covered by a lexicon entry: `name` for one word, `name_B`/`name_I` for more.

    The first word of an entry may carry proclitics (بالولايات المتحدة).
    """
    hits: list[set[str]] = [set() for _ in folded]
    for name, entries in load_lexicons().items():
        firsts = _first_words(name)
        for start in range(len(folded)):
            starts = [form for form in forms[start] if form in firsts]
            if not starts:
                continue  # no entry begins here: most tokens, so the entries of every length are skipped
            for length in range(1, min(MAX_ENTRY_WORDS, len(folded) - start) + 1):
                tail = tuple(folded[start + 1 : start + length])
                if not any((form, *tail) in entries for form in starts):
                    continue
                if length == 1:
                    hits[start].add(name)
                else:
                    hits[start].add(name + "_B")
                    for k in range(start + 1, start + length):
                        hits[k].add(name + "_I")
    return hits


def _quoted(tokens: list[str]) -> list[int]:
    """Indices of the tokens between quotation marks (titles of works, slogans)."""
    inside: list[int] = []
    opened = False
    for i, token in enumerate(tokens):
        mark = _QUOTES.get(token)
        if mark is not None:
            opened = not opened if mark == "toggle" else mark == "open"
        elif opened:
            inside.append(i)
    return inside


def _shape(token: str) -> str:
    if _ARABIC.search(token):
        return "digitar" if any(ch.isdigit() for ch in token) else "ar"
    if _LATIN.search(token):
        if token.isupper() and len(token) > 1:
            return "LAT"
        return "Lat" if token[0].isupper() else "lat"
    if token.isdigit():
        return "num"
    if any(ch.isdigit() for ch in token):
        return "numx"
    return "punct"


def _features(infos: list[TokenInfo], i: int) -> list[str]:
    info = infos[i]
    word = info.folded
    feats = [
        "bias",
        "w=" + word,
        "s=" + info.stem,
        "cl=" + info.clitics,
        "p2=" + info.stem[:2],
        "p3=" + info.stem[:3],
        "x1=" + word[-1:],
        "x2=" + word[-2:],
        "x3=" + word[-3:],
        "sx2=" + info.stem[-2:],
        "len=" + str(min(len(info.stem), 8)),
    ]
    padded = f"<{info.stem}>"
    feats.extend("c3=" + padded[k : k + 3] for k in range(len(padded) - 2))
    feats.extend(_neighbour_features(infos, i, 0))
    for offset in range(1, WINDOW + 1):
        feats.extend(_neighbour_features(infos, i, -offset))
        feats.extend(_neighbour_features(infos, i, offset))
    prev_word = infos[i - 1].folded if i > 0 else "<s>"
    next_word = infos[i + 1].folded if i + 1 < len(infos) else "</s>"
    feats.extend([f"w-1w={prev_word}|{word}", f"ww+1={word}|{next_word}"])
    if info.shape in ("Lat", "LAT") and _next_to_arabic(infos, i):
        feats.append("latin_name_in_arabic")
    if _after_title(infos, i):
        feats.append("after_title")
    return feats


def _after_title(infos: list[TokenInfo], i: int) -> bool:
    """Whether a title precedes token `i`, perhaps across nisba adjectives.

    القائد العسكري الليبي خليفة: the adjectives العسكري الليبي are skipped.
    """
    for j in range(i - 1, max(i - 1 - MAX_TITLE_GAP, -1), -1):
        if "title" in infos[j].lexicons or "title_I" in infos[j].lexicons:
            return True
        if not _NISBA.match(infos[j].folded):
            return False
    return False


def _neighbour_features(infos: list[TokenInfo], i: int, offset: int) -> list[str]:
    j = i + offset
    tag = f"{offset:+d}:" if offset else ""
    if not 0 <= j < len(infos):
        return [tag + ("BOS" if j < 0 else "EOS")]
    info = infos[j]
    feats = [
        tag + "shape=" + info.shape,
        *(tag + "lex=" + name for name in info.lexicons),
        *(tag + "mem=" + kind for kind in info.memory),
    ]
    if offset:
        feats.extend([tag + "w=" + info.folded, tag + "s=" + info.stem])
    return feats


def _next_to_arabic(infos: list[TokenInfo], i: int) -> bool:
    neighbours = infos[max(i - 1, 0) : i] + infos[i + 1 : i + 2]
    return any(info.shape == "ar" for info in neighbours)


# Word-label probabilities from the fine-tuned e5 (`wordlabels.py`) enter the CRF
# as float features of the word and of its neighbours within this distance;
# probabilities under the floor are left out to keep the items small.
PROBABILITY_WINDOW = 1
PROBABILITY_FLOOR = 0.01


def add_label_probabilities(
    features: list[list[str]], probabilities: Sequence[Sequence[float]], labels: Sequence[str]
) -> list[dict[str, float]]:
    """Turn string features into CRF items with the label probabilities of each word and its neighbours.

    Each neighbour at offset k contributes `p{k}_{label}` = probability (above
    `PROBABILITY_FLOOR`) and `top{k}=label` for its most probable label.
    """
    items: list[dict[str, float]] = []
    for i, token_features in enumerate(features):
        item = dict.fromkeys(token_features, 1.0)
        for offset in range(-PROBABILITY_WINDOW, PROBABILITY_WINDOW + 1):
            j = i + offset
            if not 0 <= j < len(probabilities):
                continue
            row = probabilities[j]
            tag = f"{offset:+d}" if offset else ""
            for label, p in zip(labels, row, strict=True):
                if p > PROBABILITY_FLOOR:
                    item[f"p{tag}_{label}"] = float(p)
            item[f"top{tag}={labels[max(range(len(row)), key=row.__getitem__)]}"] = 1.0
        items.append(item)
    return items
