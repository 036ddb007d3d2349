"""Which clause of a claim group reads best, so that it heads the group.

In order: not from an article that reads as machine translation; in the
story's main script (an Arabic sentence heads an Arabic story's group, an
English one joins it); well formed (a whole sentence of ordinary length, no
Latin words left inside Arabic text, brackets and quotation marks closed);
from an original report rather than a copy of one; the earliest; the nearest
to its article's start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from marsad.claims.contradict import Contradiction
from marsad.claims.extract import Claim

# A clause shorter or longer than this (in words) reads as a fragment or a run-on.
MIN_WELL_FORMED_WORDS = 6
MAX_WELL_FORMED_WORDS = 45
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_PAIRS = (("(", ")"), ("«", "»"), ("“", "”"))

Score = tuple[bool, bool, bool, bool, str, int]


@lru_cache(maxsize=65536)
def is_latin(text: str) -> bool:
    """Whether most letters of `text` are Latin (an English wire) rather than Arabic."""
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return latin > sum(1 for ch in text if ch.isalpha()) / 2


def well_formed(text: str) -> bool:
    """A clause of ordinary length, brackets and quotes closed, no Latin words inside Arabic text."""
    if not MIN_WELL_FORMED_WORDS <= len(text.split()) <= MAX_WELL_FORMED_WORDS:
        return False
    if any(text.count(a) != text.count(b) for a, b in _PAIRS) or text.count('"') % 2:
        return False
    return is_latin(text) or not _LATIN_WORD.search(text)


class Wording:
    """Ranks the clauses of a story's groups by how well they read."""

    def __init__(self, claims: Iterable[Claim], copies: dict[str, str], machine: frozenset[str]) -> None:
        scripts = [is_latin(c.span.text) for c in claims]
        self._latin_story = sum(scripts) > len(scripts) / 2
        self._copies = copies
        self._machine = machine

    def score(self, claim: Claim) -> Score:
        """Lower reads better."""
        text = claim.span.text
        return (claim.article in self._machine, is_latin(text) != self._latin_story, not well_formed(text),
                claim.article in self._copies, claim.published or "~", claim.span.start)

    def ordered(self, claims: Sequence[Claim]) -> list[Claim]:
        """The claims with the best-worded first (the others in their order)."""
        if not claims:
            return []
        head = min(claims, key=self.score)
        return [head, *(c for c in claims if c is not head)]

    def better_pair(self, a: Contradiction, b: Contradiction) -> bool:
        """Whether conflict `a` sets better-worded clauses against each other than `b`."""
        return (sorted((self.score(a.claim), self.score(a.against)))
                < sorted((self.score(b.claim), self.score(b.against))))
