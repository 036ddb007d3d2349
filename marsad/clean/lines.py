"""Lines of a scraped text with the features the boilerplate cleaner reasons on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from marsad.text.normalize import fold

# A line without final punctuation but at least this long is prose, not a headline.
MIN_PROSE_WORDS = 25
# A line ending with ":" and at least this long introduces a quote: prose.
MIN_COLON_PROSE_WORDS = 8

_SENTENCE_END = ".!?؟…"
_TRAILING = "\"'»”’)]*>›\u200f\u200e "
_BULLET = re.compile(r"^\s*([•·▪►▸●◦■□◆‣⁃*]|-\s)")
_KEY_STRIP = re.compile(r"^[\s•·▪►▸●◦■□◆‣⁃*\-–—|]+|[\s|:.\-–—]+$")


@dataclass(frozen=True)
class Line:
    """One line of a document, with its offsets in the document and derived features."""

    index: int
    start: int
    end: int
    text: str  # the line without surrounding white space
    folded: str
    words: int

    @property
    def blank(self) -> bool:
        return not self.folded

    @cached_property
    def sentence_like(self) -> bool:
        """Ends like a sentence, or is long enough to be prose anyway."""
        tail = self.text.rstrip(_TRAILING)
        if tail[-1:] in _SENTENCE_END and self.words >= 2:
            return True
        if tail.endswith((":", "：")) and self.words >= MIN_COLON_PROSE_WORDS:
            return True
        return self.words >= MIN_PROSE_WORDS

    @cached_property
    def headline_like(self) -> bool:
        return not self.blank and not self.sentence_like

    @property
    def bulleted(self) -> bool:
        return bool(_BULLET.match(self.text))

    @cached_property
    def key(self) -> str:
        """The folded line without bullets and edge punctuation: equal for repeated lines."""
        return _KEY_STRIP.sub("", self.folded)


def split_lines(text: str) -> list[Line]:
    """Split a document into lines, keeping each line's offsets in `text`."""
    lines: list[Line] = []
    position = 0
    for index, raw in enumerate(text.split("\n")):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        start = position + lead
        folded = fold(stripped)
        lines.append(
            Line(index, start, start + len(stripped), stripped, folded, len(folded.split()))
        )
        position += len(raw) + 1
    return lines
