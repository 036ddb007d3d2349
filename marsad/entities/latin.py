"""Names in Latin-script sentences (English news): capitalised runs typed by the multilingual labeller.

The CRF was trained on Arabic and knows nothing of English capitalisation; e5's
fine-tuned word labeller (`wordlabels.py`) transfers across languages but misses
names whose type it cannot guess. Here a sentence's names are its runs of
capitalised words (with the connectors of names: "Government of National Accord",
"Fayez al-Serraj", "U.S.", "Patrick W. Carlineo Jr."), without the function words,
titles and calendar words that are capitalised too ("President Donald Trump" ->
"Donald Trump"). A run's type comes from lexicons where they are sure (places
from CLDR and the time-zone database, organisation words such as Inc or Ministry,
nationality words) and otherwise from the labeller's probabilities summed over
the run. A capitalised sentence opener is a name only when the labeller or a
lexicon says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

LABELS = ("O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
TYPES = ("PERS", "LOC", "ORG", "MISC")
# A sentence is Latin-script when at least this share of its word tokens are.
MIN_LATIN_SHARE = 0.5
# A capitalised sentence opener is a name when the labeller gives it at least this
# probability of being inside one (or a lexicon knows it).
OPENER_NAME_PROBABILITY = 0.5

_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# Lowercase words inside names ("Government of National Accord", "al-Serraj", "Ibn Saud").
_INNER = {"of", "the", "for", "de", "du", "des", "la", "le", "al", "el", "bin", "ibn", "van", "von", "der", "da", "&"}
_PARTICLES = {"al", "el"}  # may open a name before a hyphen: al-Tanf
_ABBREVIATIONS = {"jr", "sr", "inc", "co", "corp", "ltd", "st", "mt", "ft"}  # their dot belongs to the name
# Titles that end a name running into them ("US President Donald Trump" -> US, Donald Trump).
_INNER_TITLES = {"president", "minister", "secretary", "gov", "governor", "sen", "senator", "rep", "attorney", "mayor"}
# A sentence is a headline in title case when this share of its (4 or more) words is capitalised.
HEADLINE_SHARE = 0.7
_HEADLINE_MIN_WORDS = 4
_OPENERS = {'"', "“", "‘", "'", "(", "[", ":", "-", "—", "–"}


@lru_cache(maxsize=1)
def lexicons() -> dict[str, frozenset[str]]:
    """The English lexicons of `data/`, case-folded (read once)."""
    data = resources.files("marsad.entities") / "data"

    def words(name: str) -> frozenset[str]:
        text = (data / name).read_text(encoding="utf-8")
        return frozenset(name_key([line.strip()]) for line in text.splitlines() if line and not line.startswith("#"))

    places = words("en_places.txt") | words("en_places_extra.txt")
    return {
        "plain": words("en_plain_words.txt") | words("en_calendar.txt"),
        "title": words("en_titles.txt"),
        "org": words("en_org_suffixes.txt"),
        "orgname": words("en_organisations.txt"),
        "misc": words("en_demonyms.txt"),
        "loc": places,
        "abbreviation": frozenset(p.rstrip(".") for p in places if p.endswith(".") and "." not in p[:-1]),
    }


def name_key(tokens: Sequence[str]) -> str:
    """The lookup form of a run of tokens: spaces around dots and hyphens closed, possessive cut, case-folded."""
    text = re.sub(r"\s*([.\-])\s*", r"\1", " ".join(tokens))
    return _POSSESSIVE.sub("", text).casefold()


def is_latin_sentence(tokens: Sequence[str]) -> bool:
    """Whether most word tokens of a sentence are in Latin script (and none is Arabic enough to outweigh them)."""
    latin = sum(1 for t in tokens if _LATIN.search(t))
    arabic = sum(1 for t in tokens if _ARABIC.search(t))
    return latin > 0 and latin / (latin + arabic) >= MIN_LATIN_SHARE


def tag_latin(tokens: Sequence[str], probabilities: NDArray[np.float32]) -> list[str]:
    """IOB2 tags of a Latin-script sentence from its capitalised runs and the labeller's probabilities."""
    tags = ["O"] * len(tokens)
    for first, last in _runs(tokens, probabilities):
        kind = _type(tokens[first:last], probabilities[first:last])
        tags[first] = "B-" + kind
        for k in range(first + 1, last):
            tags[k] = "I-" + kind
    return tags


def _key(token: str) -> str:
    return _POSSESSIVE.sub("", token).casefold()


def _headline(tokens: Sequence[str]) -> bool:
    """A title-case sentence ("Man Shot at Dallas Gas Station Dies"), where capitals say nothing."""
    words = [t for t in tokens if t[:1].isalpha()]
    capitalised = sum(1 for t in words if _capitalised(t))
    return len(words) >= _HEADLINE_MIN_WORDS and capitalised >= HEADLINE_SHARE * len(words)


def _capitalised(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return bool(letters) and letters[0].isupper()


def _namelike(tokens: Sequence[str], i: int) -> bool:
    token = tokens[i]
    if len(token) == 1 and token.isupper() and tokens[i + 1 : i + 2] == ["."]:
        return True  # an initial: Sonya A. Zoghlin
    return _capitalised(token) and _key(token) not in lexicons()["plain"]


def _runs(tokens: Sequence[str], probabilities: NDArray[np.float32]) -> list[tuple[int, int]]:
    """(first, last) of every name: capitalised runs with their inner connectors, titles cut off.

    In a title-case headline only the words the labeller puts inside a name count as capitalised.
    """
    if _headline(tokens):
        inside = probabilities[:, 0] < OPENER_NAME_PROBABILITY
        tokens = [t if inside[k] else t.lower() for k, t in enumerate(tokens)]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not (_namelike(tokens, i) or _particle_start(tokens, i) or _inner_the(tokens, i)):
            i += 1
            continue
        for first, last in _split_at_titles(tokens, i, _extend(tokens, i)):
            first = _skip_titles(tokens, first, last)
            first = _skip_opener(tokens, probabilities, first, last)
            if first < last and _keep(tokens, probabilities, first, last):
                runs.append((first, last))
            i = last
    return runs


def _split_at_titles(tokens: Sequence[str], first: int, last: int) -> list[tuple[int, int]]:
    """Cut a run before every inner title ("US President Donald Trump" -> "US", "President Donald Trump")."""
    parts = []
    start = first
    for k in range(first + 1, last):
        if tokens[k].casefold() in _INNER_TITLES and tokens[k - 1] not in _INNER and tokens[k - 1] != "-":
            parts.append((start, k))
            start = k
    parts.append((start, last))
    return parts


def _skip_opener(tokens: Sequence[str], probabilities: NDArray[np.float32], first: int, last: int) -> int:
    """Drop the sentence's capitalised first word from a longer run when the labeller says it is no name.

    "Hosting Cook", "Veteran Nollywood": openers are capitalised whatever they are.
    """
    opens = first == 0 or tokens[first - 1] in _OPENERS
    if not opens or last - first < 2 or _known(tokens[first : first + 1]):
        return first
    plain = float(probabilities[first, 0]) > OPENER_NAME_PROBABILITY
    return first + 1 if plain and name_key(tokens[first:last]) not in _all_names() else first


def _all_names() -> frozenset[str]:
    keys = lexicons()
    return keys["loc"] | keys["orgname"]


def _inner_the(tokens: Sequence[str], i: int) -> bool:
    """A capital "The" inside a sentence opens a name (The Hague, The New York Times)."""
    return (
        tokens[i] == "The"
        and i > 0
        and tokens[i - 1] not in _OPENERS
        and i + 1 < len(tokens)
        and _namelike(tokens, i + 1)
    )


def _particle_start(tokens: Sequence[str], i: int) -> bool:
    """al-Tanf: a lowercase particle, a hyphen, then a capitalised word."""
    return tokens[i] in _PARTICLES and i + 2 < len(tokens) and tokens[i + 1] == "-" and _namelike(tokens, i + 2)


def _extend(tokens: Sequence[str], i: int) -> int:
    """End (exclusive) of the run that starts at `i`."""
    last = i + 1
    while last < len(tokens):
        token = tokens[last]
        after_possessive = bool(_POSSESSIVE.search(tokens[last - 1]))
        if (_namelike(tokens, last) and not after_possessive) or (token == "." and _dotted(tokens, last)):
            last += 1
        elif (token.casefold() in _INNER or token == "-") and not after_possessive:
            nxt = last + 1
            while nxt < len(tokens) and (tokens[nxt] in _INNER or tokens[nxt] == "-"):
                nxt += 1
            if nxt < len(tokens) and _namelike(tokens, nxt) and _joins(tokens, last - 1, nxt):
                last = nxt + 1
            else:
                break
        else:
            break
    return last


def _joins(tokens: Sequence[str], start: int, nxt: int) -> bool:
    """Whether the connectors after tokens[start] (up to `nxt`) join two parts of one name.

    A hyphen alone between two capitalised words separates them (US - China), but
    al-/el- before a hyphen joins (Fayez al-Serraj).
    """
    connectors = [t.casefold() for t in tokens[start:nxt]]
    if "-" in connectors[1:]:
        return any(c in _PARTICLES for c in connectors)
    return True


def _dotted(tokens: Sequence[str], i: int) -> bool:
    """Whether the dot at `i` belongs to the name before it: initials (U.S., W.) and abbreviations (Jr., Inc.)."""
    before = tokens[i - 1]
    known = before.casefold() in _ABBREVIATIONS or before.casefold() in lexicons()["abbreviation"]
    return (len(before) == 1 and before.isupper()) or known


def _skip_titles(tokens: Sequence[str], first: int, last: int) -> int:
    """Move the start of a run past its leading titles and a leading "The" that opens the sentence."""
    while first < last - 1 and _key(tokens[first]) in lexicons()["title"]:
        first += 1
    if first < last and _key(tokens[first]) in lexicons()["title"] and last - first == 1:
        return last
    return first


def _keep(tokens: Sequence[str], probabilities: NDArray[np.float32], first: int, last: int) -> bool:
    """A run that opens the sentence (or a quote) is a name only if the labeller or a lexicon says so."""
    if first > 0 and tokens[first - 1] not in _OPENERS:
        return True
    if last - first > 1 or _known(tokens[first:last]):
        return True
    return float(1.0 - probabilities[first, 0]) >= OPENER_NAME_PROBABILITY


def _known(run: Sequence[str]) -> bool:
    keys = lexicons()
    return name_key(run) in _all_names() or (len(run) == 1 and _key(run[0]) in keys["misc"])


def _type(run: Sequence[str], probabilities: NDArray[np.float32]) -> str:
    """Lexicons first (place, organisation word, nationality), then the labeller's summed probabilities."""
    keys = lexicons()
    words = [t for t in run if t not in (".", "-")]
    if name_key(run) in keys["orgname"]:
        return "ORG"
    if name_key(run) in keys["loc"]:
        return "LOC"
    if len(words) > 1 and _key(words[-1]) in keys["org"]:
        return "ORG"
    if len(words) == 1 and _key(words[0]) in keys["misc"]:
        return "MISC"
    scores = [float(probabilities[:, 1 + 2 * k : 3 + 2 * k].sum()) for k in range(len(TYPES))]
    return TYPES[int(np.argmax(scores))]


__all__ = ["is_latin_sentence", "lexicons", "tag_latin"]
