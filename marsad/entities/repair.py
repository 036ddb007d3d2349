"""Repairs of the CRF's tags of an Arabic sentence that follow from the structure of names.

- A name never ends on a connecting particle: "قصر بن" followed by the name
  "غشير" is one name, قصر بن غشير (بن، ابن، بنت، أبو، آل، عبد …).
- News outlets (`data/outlets.tsv`) are organisations, with the first word's
  proclitics (لسكاي نيوز عربية): names that are no common words wherever they
  stand, the others (البيان, also "the statement") only inside quotation marks
  or after صحيفة / قناة / وكالة …. An outlet overrides what the CRF tagged there
  ("أحمد المسماري لسكاي" as one person).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from marsad.entities.features import clitic_forms
from marsad.text.normalize import fold

PARTICLES = frozenset(fold(w) for w in ("بن", "ابن", "بنت", "أبو", "أبي", "آل", "عبد", "ولد", "أم", "ذو", "ذي"))
OUTLET_CUES = frozenset(
    fold(w) for w in ("صحيفة", "جريدة", "قناة", "موقع", "مجلة", "وكالة", "شبكة", "تلفزيون", "إذاعة", "وكالات")
)
_OPENING_QUOTES = {"«", '"', "“", "'"}
_CLOSING_QUOTES = {"»", '"', "”", "'"}
MAX_OUTLET_WORDS = 4


@lru_cache(maxsize=1)
def outlets() -> dict[tuple[str, ...], bool]:
    """Folded outlet names -> whether they are outlets wherever they stand (else only when cued)."""
    text = (resources.files("marsad.entities") / "data" / "outlets.tsv").read_text(encoding="utf-8")
    names: dict[tuple[str, ...], bool] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, when = line.partition("\t")
        names[tuple(fold(name).split())] = when.strip() == "always"
    return names


def repair(tokens: Sequence[str], tags: Sequence[str]) -> list[str]:
    """The tags with particle-split names joined and outlets marked, in valid IOB2."""
    folded = [fold(token) or token for token in tokens]
    out = join_particles(folded, list(tags))
    return mark_outlets(folded, out)


def join_particles(folded: Sequence[str], tags: list[str]) -> list[str]:
    """Join a name that ends on a particle with the name right after it (قصر بن | غشير)."""
    for i in range(len(tags) - 1):
        if tags[i] != "O" and folded[i] in PARTICLES and tags[i + 1].startswith("B-"):
            kind = tags[i].partition("-")[2]
            k = i + 1
            tags[k] = "I-" + kind
            k += 1
            while k < len(tags) and tags[k].startswith("I-"):
                tags[k] = "I-" + kind
                k += 1
    return tags


def mark_outlets(folded: Sequence[str], tags: list[str]) -> list[str]:
    """Tag every outlet name as ORG (longest first), then make the tags valid IOB2 again."""
    names = outlets()
    i = 0
    while i < len(folded):
        length = _outlet_at(folded, i, names)
        if not length:
            i += 1
            continue
        tags[i] = "B-ORG"
        for k in range(i + 1, i + length):
            tags[k] = "I-ORG"
        i += length
    return _valid(tags)


def _outlet_at(folded: Sequence[str], i: int, names: dict[tuple[str, ...], bool]) -> int:
    """Length of the outlet name starting at token `i` (its first word may carry proclitics), else 0."""
    for length in range(min(MAX_OUTLET_WORDS, len(folded) - i), 0, -1):
        rest = tuple(folded[i + 1 : i + length])
        for first in clitic_forms(folded[i]):
            always = names.get((first, *rest))
            if always is None:
                continue
            if always or _cued(folded, i, i + length):
                return length
    return 0


def _cued(folded: Sequence[str], start: int, end: int) -> bool:
    quoted = start > 0 and folded[start - 1] in _OPENING_QUOTES and end < len(folded) and folded[end] in _CLOSING_QUOTES
    after_cue = start > 0 and any(form in OUTLET_CUES for form in clitic_forms(folded[start - 1]))
    return quoted or after_cue


def _valid(tags: list[str]) -> list[str]:
    """Turn an I- tag that does not continue a name of its type into B-."""
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or tags[i - 1][2:] != tag[2:]):
            tags[i] = "B-" + tag[2:]
    return tags


__all__ = ["join_particles", "mark_outlets", "outlets", "repair"]
