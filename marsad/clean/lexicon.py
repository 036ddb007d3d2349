"""The boilerplate and agency lexicons, loaded once from the package's data files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from marsad.text.normalize import fold

# Lexicon `contains` rules only apply to lines this short or not sentence-like:
# a long sentence that mentions "cookies" or "copyright" is article text.
MAX_CONTAINS_RULE_WORDS = 20

RULE_REASONS = {
    "share": "share buttons",
    "ad": "advertisement marker",
    "comments": "comment section",
    "related": "related-stories marker",
    "nav": "site navigation",
    "subscribe": "newsletter or app promotion",
    "cookie": "cookie banner",
    "copyright": "copyright line",
    "caption": "photo caption",
    "html": "HTML or script remnant",
    "dateline": "date/time line of the page",
    "menu": "menu bar",
    "credits": "reporting and editing credits",
    "disclaimer": "editorial disclaimer (the views are the author's)",
}
# Rules whose line marks the start of the page's tail (lists of other stories, comments).
TAIL_MARKER_RULES = frozenset({"related", "comments"})


@dataclass(frozen=True)
class Lexicon:
    """Boilerplate patterns by match type, each mapping to its rule."""

    _prefixes: tuple[str, ...] = field(init=False, repr=False)
    _contained: re.Pattern[str] = field(init=False, repr=False)

    exact: dict[str, str]
    prefix: tuple[tuple[str, str], ...]
    contains: tuple[tuple[str, str], ...]
    regex: tuple[tuple[re.Pattern[str], str], ...]

    def __post_init__(self) -> None:
        # One C-level test for "any prefix" / "any contained pattern" before the per-rule loop.
        object.__setattr__(self, "_prefixes", tuple(p for p, _ in self.prefix))
        alternatives = "|".join(re.escape(p) for p, _ in self.contains) or "(?!)"
        object.__setattr__(self, "_contained", re.compile(alternatives))

    def match(self, folded: str, short_or_headline: bool) -> str | None:
        """The rule a folded line matches, or None."""
        rule = self.exact.get(folded) or self.exact.get(folded.rstrip(" :.-"))
        if rule:
            return rule
        if folded.startswith(self._prefixes):
            return next(rule for pattern, rule in self.prefix if folded.startswith(pattern))
        if short_or_headline and self._contained.search(folded):
            return next(rule for pattern, rule in self.contains if pattern in folded)
        for compiled, rule in self.regex:
            if compiled.search(folded):
                return rule
        return None


@cache
def boilerplate_lexicon() -> Lexicon:
    """The packaged Arabic/English boilerplate lexicon (`data/boilerplate.tsv`)."""
    exact: dict[str, str] = {}
    prefix: list[tuple[str, str]] = []
    contains: list[tuple[str, str]] = []
    regex: list[tuple[re.Pattern[str], str]] = []
    for rule, kind, pattern in _rows("boilerplate.tsv", 3):
        if kind == "regex":
            regex.append((re.compile(pattern), rule))
        elif kind == "exact":
            exact[fold(pattern)] = rule
        elif kind == "prefix":
            prefix.append((fold(pattern), rule))
        elif kind == "contains":
            contains.append((fold(pattern), rule))
        else:
            raise ValueError(f"boilerplate.tsv: unknown match type {kind!r} for {pattern!r}")
    return Lexicon(exact, tuple(prefix), tuple(contains), tuple(regex))


@cache
def agency_names() -> dict[str, str]:
    """Folded agency name variants mapped to the agency's canonical name."""
    names: dict[str, str] = {}
    for canonical, variants in _rows("agencies.tsv", 2):
        for variant in variants.split("|"):
            names[fold(variant)] = canonical
            names[fold(variant).replace(".", " ").replace("  ", " ")] = canonical
    return names


def canonical_agency(text: str) -> str | None:
    """The canonical agency name if `text` is an agency's name, else None."""
    folded = fold(text).strip(" ()[]-.:")
    return agency_names().get(folded) or agency_names().get(folded.replace(".", " "))


@cache
def date_words() -> frozenset[str]:
    """Folded words that, with digits and separators, form a date/time line."""
    text = resources.files("marsad.clean").joinpath("data", "date_words.txt").read_text("utf-8")
    return frozenset(
        fold(w) for w in text.splitlines() if w.strip() and not w.startswith("#")
    )


def _rows(name: str, columns: int) -> list[list[str]]:
    text = resources.files("marsad.clean").joinpath("data", name).read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != columns:
            raise ValueError(f"{name}: expected {columns} tab-separated columns in {line!r}")
        rows.append(cells)
    return rows
