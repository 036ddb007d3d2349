"""Boilerplate removal for already-extracted text (what scrapers hand over).

Three kinds of evidence, applied line by line:
1. the lexicon (`data/boilerplate.tsv`): share buttons, ads, comment forms, ...;
2. structure: the title is the first headline-like line before the first
   sentence, page navigation comes before it, lists of other stories come
   after the last sentence, repeated lines are duplicates;
3. cross-document evidence: a headline-like line that repeats across articles
   of the same outlet (`repeated`) is part of the outlet's page template; a
   paragraph that recurs in the outlet's articles about other stories
   (`recurring`, see `marsad.clean.paragraphs`) is furniture (teasers,
   promotions, standing notes), and so are the newest items of a block of such
   teasers; a paragraph that recurs within the article's own story is kept and
   marked as background.

Sentence-like lines are only removed by an explicit rule or by evidence, never by
position alone: every sentence of the article is kept. Every removed line keeps its reason.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from marsad.clean.lexicon import (
    MAX_CONTAINS_RULE_WORDS,
    RULE_REASONS,
    TAIL_MARKER_RULES,
    boilerplate_lexicon,
    canonical_agency,
    date_words,
)
from marsad.clean.lines import Line
from marsad.clean.paragraphs import BLOCK_MAX_EXTENSION, BLOCK_MIN_FURNITURE, Recurrence
from marsad.records import ParagraphKind, RemovedLine
from marsad.text.normalize import fold, strip_diacritics

# A title has at least this many words (shorter headline-like lines before the
# first sentence are menu items).
MIN_TITLE_WORDS = 3
# A byline's name has at most this many words.
MAX_BYLINE_WORDS = 5
# A title chosen without other evidence has at least this many words (site
# names and taglines are shorter).
PREFERRED_TITLE_WORDS = 5
# A menu bar: at least this many "|"-separated items of at most 3 words each.
MIN_MENU_ITEMS = 3
MAX_DATELINE_WORDS = 14
MAX_QUESTION_HEADLINE_WORDS = 15
# A tag line naming agencies ("(رويترز)", "المصدر: وكالات + أ ف ب") is short; a longer line is never one,
# and is not cut into parts to look up.
MAX_AGENCY_TAG_CHARS = 200
# Menu bars, date lines, bylines and captions are short too: a longer line is not cut into tokens to test.
MAX_SHAPE_LINE_CHARS = 1000

_BYLINE = re.compile(
    r"^(?:بقلم|كتب|كتبت|كتبه|اعداد|إعداد|تحرير|مراسل|بواسطة|مرسلة بواسطة|نشر بواسطة|posted by|by)"
    r"\s*[:：\-–]?\s*(?P<name>[^.،,:؟?!\d]{2,60}?)(?:\s+(?:في|on|at)\s+[^\n]*\d[^\n]*)?$",
    re.IGNORECASE,
)
# "الساحل – طارق منصور": a place and a reporter's name, before the body.
_PLACE_BYLINE = re.compile(r"^[^\s\d.،,:]+(?:\s[^\s\d.،,:]+)?\s*[–—-]\s*(?P<name>[^\s\d.،,:]+(?:\s[^\s\d.،,:]+){1,2})$")
_FROM_BYLINE = re.compile(r"^من\s+(?P<name>[^\s.،,:؟?!\d]+(?:\s+[^\s.،,:؟?!\d]+){1,2})$")
_SOURCE_TAG = re.compile(r"^(?:المصدر|مصدر|source)\s*[:：]\s*(?P<name>.{2,60})$", re.IGNORECASE)
_AGENCY_PARTS = re.compile(r"\s*(?:\+|،|,|/|\s-\s|\sو(?=\S))\s*")
_CAPTION_CREDIT = re.compile(r"\s/\s*(?P<credit>[A-Za-z][A-Za-z .]{0,24}|[^\s/]{2,15})$")
_DATELINE_TAGS = re.compile(r"\(([^()]{2,30})\)")
_DATELINE_DASH = re.compile(r"\s[-–—]\s")
_ARABIC = re.compile(r"[\u0621-\u064a]")
_DATE_SEPARATORS = re.compile(r"[|/:\-–—،,.()\[\]]+")
_MENU_SEPARATOR = re.compile(r"\s[|•·»]\s")


@dataclass
class Decision:
    """What the cleaner decided for a document's lines."""

    kept: list[tuple[Line, ParagraphKind]] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    agency: str | None = None


@dataclass
class _State:
    lines: list[Line]
    removed: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (rule, reason)
    background: set[int] = field(default_factory=set)  # indexes of kept lines that are background
    recurring: Mapping[int, Recurrence] = field(default_factory=dict)  # line index -> its recurrence
    author: str | None = None
    agency: str | None = None

    def remove(self, line: Line, rule: str, reason: str) -> None:
        self.removed.setdefault(line.index, (rule, reason))

    def live(self) -> list[Line]:
        return [ln for ln in self.lines if not ln.blank and ln.index not in self.removed]


def classify_lines(
    lines: list[Line], known_title: str | None = None, repeated: Collection[str] = (),
    recurring: Mapping[int, Recurrence] | None = None,
) -> Decision:
    """Decide, for every line of one document, whether it is article text.

    `known_title` is a title from metadata (HTML, JSON); `repeated` holds the
    keys of lines known to repeat across the outlet's articles; `recurring`
    says, by line index, how each paragraph recurs across them.
    """
    state = _State(lines, recurring=recurring or {})
    _apply_lexicon_and_tags(state)
    _apply_repeated(state, repeated, known_title)
    _apply_recurring(state)
    _apply_duplicates(state, known_title)
    title_line = _find_title(state, known_title)
    _apply_tail(state)
    _find_dateline_agency(state)
    return _decision(state, title_line, known_title)


def _apply_lexicon_and_tags(state: _State) -> None:
    lexicon = boilerplate_lexicon()
    first_sentence = _first_sentence_index(state.lines)
    for line in state.lines:
        if line.blank:
            continue
        short = line.words <= MAX_CONTAINS_RULE_WORDS or line.headline_like
        rule = lexicon.match(line.folded, short) or _shape_rule(line)
        if rule:
            state.remove(line, rule, RULE_REASONS[rule])
        elif (line.headline_like and len(line.text) <= MAX_SHAPE_LINE_CHARS
              and _take_tag(state, line, before_body=line.index < first_sentence)):
            continue


def _shape_rule(line: Line) -> str | None:
    """Menu bars ("الرئيسية | أخبار | رياضة") and date/time lines, told by their shape."""
    if not line.headline_like or len(line.text) > MAX_SHAPE_LINE_CHARS:
        return None
    items = _MENU_SEPARATOR.split(line.folded)
    table_row = line.text.startswith("|") and line.text.endswith("|")
    if not table_row and len(items) >= MIN_MENU_ITEMS and all(len(i.split()) <= 3 for i in items):
        return "menu"
    if line.words <= MAX_DATELINE_WORDS:
        tokens = _DATE_SEPARATORS.sub(" ", line.folded).split()
        words = date_words()
        dated = any(t.isdigit() or (t in words and len(t) > 2) for t in tokens)
        if dated and all(t.isdigit() or t in words for t in tokens):
            return "dateline"
    return None


def _take_tag(state: _State, line: Line, before_body: bool) -> bool:
    """Bylines, agency tags and photo credits: removed, kept as metadata."""
    text = strip_diacritics(line.text).strip()
    agency = _agency_tag(text)
    if agency:
        state.agency = state.agency or agency
        state.remove(line, "agency", f"agency tag ({agency})")
        return True
    byline = _BYLINE.match(text) or (
        (_FROM_BYLINE.match(text) or _PLACE_BYLINE.match(text)) if before_body else None
    )
    name = byline.group("name").strip() if byline else ""
    if byline and len(name.split()) <= MAX_BYLINE_WORDS:
        as_agency = _agency_tag(name)
        if as_agency:
            state.agency = state.agency or as_agency
        else:
            state.author = state.author or name
        state.remove(line, "byline", f"byline ({name})")
        return True
    credit = _CAPTION_CREDIT.search(text) if _ARABIC.search(text) else None
    if credit and (canonical_agency(credit.group("credit")) or credit.group("credit").isascii()):
        state.remove(line, "caption", f"photo caption (credit {credit.group('credit').strip()})")
        return True
    return False


def _agency_tag(text: str) -> str | None:
    """The agency named by a tag line: "(رويترز)", "المصدر: وكالات", "- أ ف ب"."""
    if len(text) > MAX_AGENCY_TAG_CHARS:
        return None
    body = text.strip(" ()[]-–—.")
    source = _SOURCE_TAG.match(body)
    if source:
        body = source.group("name")
    parts = [p for p in _AGENCY_PARTS.split(body) if p.strip()]
    names = [canonical_agency(p) for p in parts]
    if names and all(names):
        return " + ".join(dict.fromkeys(n for n in names if n))
    if source:  # a source tag naming something not in the lexicon is still a source tag
        return body.strip()
    return None


def _apply_repeated(state: _State, repeated: Collection[str], known_title: str | None) -> None:
    if not repeated:
        return
    title_key = fold(known_title) if known_title else None
    for line in state.live():
        if line.headline_like and line.key in repeated and line.key != title_key:
            state.remove(line, "repeated-in-outlet", "repeats across this outlet's articles")


def _apply_recurring(state: _State) -> None:
    """Furniture paragraphs out, the newest teasers of a teaser block with them; background marked.

    Headline-like lines before the first sentence (where the title is) are left
    to the title and template rules.
    """
    recurring = state.recurring
    if not recurring:
        return
    live = state.live()
    first_sentence = _first_sentence_index(live)
    for line in live:
        found = recurring.get(line.index)
        if found is None or (line.headline_like and line.index < first_sentence):
            continue
        if found.furniture:
            state.remove(line, "repeated-paragraph",
                         f"recurs in {found.articles} of this outlet's articles, about other stories"
                         " (teaser, promotion or standing note)")
        elif found.background:
            state.background.add(line.index)
    _extend_teaser_block(state, recurring)


def _extend_teaser_block(state: _State, recurring: Mapping[int, Recurrence]) -> None:
    """A block of teasers ending the article: its other recurring paragraphs that share (almost)
    nothing with the title and lead go with its furniture, and so do the unseen ones on top of it."""
    text_lines = [ln for ln in state.lines if not ln.blank]
    position = len(text_lines)
    while position > 0 and _in_teaser_block(state, text_lines[position - 1], recurring):
        position -= 1
    block = text_lines[position:]
    if sum(state.removed.get(ln.index, ("",))[0] == "repeated-paragraph" for ln in block) < BLOCK_MIN_FURNITURE:
        return
    above = list(itertools.takewhile(lambda ln: _unseen_teaser(state, ln, recurring), reversed(text_lines[:position])))
    newest = above if len(above) <= BLOCK_MAX_EXTENSION else []  # a longer run is a list of the article's own
    for line in [*block, *newest]:
        if line.index not in state.removed:
            state.background.discard(line.index)
            seen = recurring[line.index].articles
            state.remove(line, "teaser-block", "in a block of this outlet's teasers of other stories"
                         f" ({seen} of its articles carry it), sharing nothing with the title or lead")


def _in_teaser_block(state: _State, line: Line, recurring: Mapping[int, Recurrence]) -> bool:
    found = recurring.get(line.index)
    return line.index in state.removed or (found is not None and found.articles > 1 and found.block_teaser)


def _unseen_teaser(state: _State, line: Line, recurring: Mapping[int, Recurrence]) -> bool:
    found = recurring.get(line.index)
    return line.index not in state.removed and found is not None and found.block_teaser


def _find_title(state: _State, known_title: str | None) -> Line | None:
    """The title line (first headline-like line before the first sentence).

    Lines before it are page navigation. With a title from metadata, the text
    has no title line of its own to find, and nothing is removed by position.
    """
    if known_title:
        return None
    live = state.live()
    first = _first_sentence_index(live)
    lead = [ln for ln in live if ln.index < first]
    candidates = [ln for ln in lead if ln.words >= MIN_TITLE_WORDS and not ln.bulleted]
    if not candidates:
        return None
    title = _best_title(state, candidates)
    for before in lead:
        if before.index >= title.index:
            break
        state.remove(before, "nav", "site navigation before the title")
    _remove_title_copies(state, title)
    return title


def _best_title(state: _State, candidates: list[Line]) -> Line:
    """A repeated candidate (scrapes often repeat the title), else the last long one."""
    duplicated = {state.lines[i].key for i, (rule, _) in state.removed.items() if rule == "duplicate"}
    for line in candidates:
        if line.key in duplicated:
            return line
    long_enough = [ln for ln in candidates if ln.words >= PREFERRED_TITLE_WORDS]
    return (long_enough or candidates)[-1]


def _apply_duplicates(state: _State, known_title: str | None) -> None:
    """Repeated lines that are page furniture, not text the article repeats on purpose.

    A copy of the title (from metadata), a copy of a line already removed by a
    rule, or a repeated headline-like line before the first sentence. Copies
    of the title found in the text are removed once it is known
    (`_remove_title_copies`); tables and lists inside the body keep their
    repeated rows.
    """
    title_key = _key_of(known_title) if known_title else None
    removed_keys = {state.lines[i].key for i in state.removed}
    first_sentence = _first_sentence_index(state.lines)
    seen: set[str] = set()
    for line in state.live():
        if line.key == title_key:
            state.remove(line, "duplicate", "duplicate of the title")
        elif line.key in removed_keys:
            state.remove(line, "duplicate", "copy of a removed boilerplate line")
        elif line.key in seen and line.headline_like and line.index < first_sentence:
            state.remove(line, "duplicate", "duplicate of an earlier line")
        seen.add(line.key)


def _remove_title_copies(state: _State, title: Line) -> None:
    for line in state.live():
        if line.key == title.key and line is not title:
            state.remove(line, "duplicate", "duplicate of the title")
    for index, (rule, _) in state.removed.items():
        if rule == "duplicate" and state.lines[index].key == title.key:
            state.removed[index] = (rule, "duplicate of the title")


def _key_of(text: str) -> str:
    return Line(0, 0, 0, text, fold(text), 0).key


def _apply_tail(state: _State) -> None:
    """Lists of other stories: headline-like lines after a related/comments marker,
    and after the last sentence when the page's tail has such a marker."""
    markers = [i for i, (rule, _) in state.removed.items() if rule in TAIL_MARKER_RULES]
    live = state.live()
    last_sentence = max((ln.index for ln in live if ln.sentence_like), default=-1)
    marked_tail = any(i > last_sentence for i in markers)
    for line in live:
        if not (line.headline_like or _short_question(line)):
            continue
        marker = _marker_before(state, line, markers)
        if marker is None and not (marked_tail and line.index > last_sentence):
            continue
        if marker is not None and state.removed[marker][0] == "comments":
            state.remove(line, "comments", "comment form")
        else:
            state.remove(line, "related", "headline of another story (related-stories list)")


def _marker_before(state: _State, line: Line, markers: list[int]) -> int | None:
    """The tail marker before `line` with only headline-like lines between, if any."""
    previous = [m for m in markers if m < line.index]
    if not previous:
        return None
    start = max(previous)
    between = state.lines[start + 1 : line.index]
    if any(
        ln.sentence_like and not _short_question(ln) and ln.index not in state.removed
        for ln in between
    ):
        return None
    return start


def _short_question(line: Line) -> bool:
    """A headline phrased as a question ("لماذا ترتفع الأسعار؟") in a list of stories."""
    return line.words <= MAX_QUESTION_HEADLINE_WORDS and line.text.rstrip(" \"”»").endswith(("?", "؟"))


def _find_dateline_agency(state: _State) -> None:
    """"وست بالم بيتش (فلوريدا) (رويترز) - قال ...": the agency of a wire story."""
    if state.agency:
        return
    for line in state.live():
        if not line.sentence_like:
            continue
        dash = _DATELINE_DASH.search(line.text[:120])
        if dash:
            for tag in _DATELINE_TAGS.findall(line.text[: dash.start()]):
                agency = canonical_agency(tag)
                if agency:
                    state.agency = agency
                    return
        return


def _decision(state: _State, title_line: Line | None, known_title: str | None) -> Decision:
    decision = Decision(author=state.author, agency=state.agency)
    decision.title = known_title.strip() if known_title else (title_line.text if title_line else None)
    live = state.live()
    background = _background(state, live)
    for position, line in enumerate(live):
        if line is title_line:
            decision.kept.append((line, "title"))
            continue
        following = live[position + 1] if position + 1 < len(live) else None
        is_subheading = line.headline_like and following is not None and following.sentence_like
        kind: ParagraphKind = "subheading" if is_subheading else "body"
        decision.kept.append((line, "background" if kind == "body" and line.index in background else kind))
    decision.removed = [
        RemovedLine(line.start, line.end, line.text, reason, rule)
        for line in state.lines
        if line.index in state.removed
        for rule, reason in [state.removed[line.index]]
    ]
    return decision


def _background(state: _State, live: list[Line]) -> set[int]:
    """The kept lines marked background. When the article's lead paragraph recurs too, the article is a
    re-publication of earlier ones: only paragraphs that recur beyond those (in more articles than the
    lead) are background, the others stay news, for deduplication to link the versions."""
    lead = next((ln for ln in live if ln.sentence_like), None)
    found = state.recurring.get(lead.index) if lead is not None else None
    versions = found.articles if found is not None else 1
    return {i for i in state.background if state.recurring[i].articles > versions}


def _first_sentence_index(lines: list[Line]) -> int:
    """Index of the first sentence-like line; past the last line if there is none."""
    end = lines[-1].index + 1 if lines else 0
    return next((ln.index for ln in lines if ln.sentence_like), end)
