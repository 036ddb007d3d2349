"""Machine-translation signal: how much an Arabic article reads like MT from English.

Evidence, each counted per sentence and shown to the user:
- Latin-script names left inside Arabic sentences ("فايز آل Serraj");
- "السيد" before a name, the calque of "Mr." that Arabic news rarely uses;
- a speech verb closing the sentence ("... البيت الأبيض يقول."), English "..., X says";
- Latin punctuation between Arabic words ("حفتر," "حفتر?") and spaces before "،";
- few sentences opening with و / ف, the connective Arabic news prose leans on.
Weights and threshold are named below; `benchmarks/mt_signal.py` measures the
flag rate on the ANT corpus (native Arabic news) and on the seeds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from marsad.records import MachineTranslationSignal, Span

MT_FLAG_THRESHOLD = 0.5
MIN_SENTENCES = 3
# Syntactic evidence: English word order and punctuation surviving translation.
SYNTAX_WEIGHTS = {"post_verb": 3.0, "svo_speech": 1.5, "latin_punct": 0.5}
# Few sentences opening with و/ف is style alone; it counts fully only beside
# this much other syntactic evidence.
NO_WAW_WEIGHT = 0.8
SYNTAX_FOR_FULL_NO_WAW = 0.3
# Lexical evidence (foreign names, "Mr."): counts only with syntactic support,
# since native tech or culture news also names products in Latin script.
LEXICAL_WEIGHTS = {"latin_names": 2.0, "sayed": 2.0}
SYNTAX_FOR_FULL_LEXICAL = 0.5
MAX_PUNCT_STRENGTH = 0.5
# Share of sentences opening with و/ف below which prose reads as translated.
NATIVE_CONNECTIVE_SHARE = 0.25

_AR = "\u0621-\u064a"
# Patterns start with a literal or a small set so the regex engine can skip
# ahead; what must precede a match is checked in Python (see `_count`).
# Each evidence pattern holds its whole condition (lookbehinds included), so that counting is one
# C-level pass however many matches a long text holds.
_LATIN_NAME = re.compile(rf"(?<=[{_AR}][ ،,])[A-Z][a-z]{{2,}}(?:[ -](?:al-)?[A-Z][a-z]+)*(?![\w-]*\d)")
_SAYED = re.compile(rf"(?:^|[ \t])ال?سيد(?:ة)?[ \t]+(?=[{_AR}A-Z])", re.MULTILINE)
_POST_VERB = re.compile(
    r" (يقول|تقول|يقولون|يضيف|تضيف|قال|قالت|يذكر|تذكر)(?: هو| هي)? *[.!]? *[\"”»]?$", re.MULTILINE
)
_SPEECH_VERB = r"(قال|قالت|يقول|تقول|أكد|أكدت|أضاف|أضافت|نفى|نفت)(?=[\s،,.])"
# Words that may stand before a speech verb in native Arabic word order.
_NATIVE_BEFORE_VERB = frozenset(
    "و ف كما الذي التي ما حيث قد وقد ثم لما عندما بعدما ان أن إن لكن بينما كان وكان".split()
)
# A word (Arabic or Latin letters only) between a space and a speech verb; the verb is looked ahead
# at, not consumed, so that it may be the word before the next verb.
_WORD_BEFORE_SPEECH_VERB = re.compile(rf"(?<= )([{_AR}A-Za-z]+)(?= {_SPEECH_VERB})")
_LATIN_PUNCT = re.compile(rf"(?:(?<=[{_AR}])|(?<=[{_AR}] ))[,?;](?= *[{_AR}]| *$)", re.MULTILINE)
_SPACED_ARABIC_COMMA = re.compile(rf"(?<=[{_AR}] )[،؛]")
_ARABIC_LETTER = re.compile(f"[{_AR}]")
_CONNECTIVE = re.compile(rf"^[\"«“(]? *[وف][{_AR}]", re.MULTILINE)


@dataclass(frozen=True)
class _Counts:
    sentences: int
    latin_names: list[str]
    sayed: int
    post_verb: list[str]
    svo_speech: list[str]
    latin_punct: int
    connective: int


def machine_translation_signal(sentences: list[Span]) -> MachineTranslationSignal:
    """Score Arabic sentences for machine-translation evidence (0 = native, 1 = MT)."""
    counts = _count(sentences)
    if counts.sentences < MIN_SENTENCES:
        return MachineTranslationSignal(0.0, False, ["too few Arabic sentences to judge"])
    n = counts.sentences
    connective_share = counts.connective / n
    syntax = {
        "post_verb": len(counts.post_verb) / n,
        "svo_speech": len(counts.svo_speech) / n,
        "latin_punct": min(MAX_PUNCT_STRENGTH, counts.latin_punct / n),
    }
    no_waw = max(0.0, NATIVE_CONNECTIVE_SHARE - connective_share) / NATIVE_CONNECTIVE_SHARE
    lexical = {"latin_names": len(set(counts.latin_names)) / n, "sayed": counts.sayed / n}
    syntactic = sum(SYNTAX_WEIGHTS[k] * v for k, v in syntax.items())
    syntactic += NO_WAW_WEIGHT * no_waw * (1.0 if syntactic >= SYNTAX_FOR_FULL_NO_WAW else 0.25)
    support = min(1.0, syntactic / SYNTAX_FOR_FULL_LEXICAL)
    lexical_total = sum(LEXICAL_WEIGHTS[k] * v for k, v in lexical.items()) * support
    score = round(1.0 - math.exp(-(syntactic + lexical_total)), 3)
    return MachineTranslationSignal(score, score >= MT_FLAG_THRESHOLD, _evidence(counts))


def _count(sentences: list[Span]) -> _Counts:
    """Count the evidence over all Arabic sentences at once (one line per sentence)."""
    arabic = [s.text.replace("\n", " ") for s in sentences if _ARABIC_LETTER.search(s.text)]
    joined = "\n".join(arabic)
    post = []
    for m in _POST_VERB.finditer(joined):
        sentence = joined[joined.rfind("\n", 0, m.start()) + 1 : m.end()]
        if len(sentence.split()) > 4:
            post.append(sentence[-60:])
    return _Counts(
        sentences=len(arabic),
        latin_names=_latin_names(joined),
        sayed=len(_SAYED.findall(joined)) if "سيد" in joined else 0,
        post_verb=post,
        svo_speech=_speech_after_subject(joined),
        latin_punct=_latin_punctuation(joined),
        connective=len(_CONNECTIVE.findall(joined)),
    )


def _latin_names(joined: str) -> list[str]:
    """Capitalised Latin words right after an Arabic word ("فايز آل Serraj")."""
    return _LATIN_NAME.findall(joined)


def _speech_after_subject(joined: str) -> list[str]:
    """Speech verbs after their subject mid-sentence ("وزارة الصحة قالت"), English order.

    The regex finds each word (after a space, so not opening its sentence) that a speech
    verb follows, in one linear pass, whatever the length of the sentence."""
    return [
        joined[m.start() : m.end(2)] for m in _WORD_BEFORE_SPEECH_VERB.finditer(joined)
        if m.group(1) not in _NATIVE_BEFORE_VERB
    ]


def _latin_punctuation(joined: str) -> int:
    """Latin , ? ; after an Arabic word, and Arabic commas with a space before them."""
    return len(_LATIN_PUNCT.findall(joined)) + len(_SPACED_ARABIC_COMMA.findall(joined))


def _evidence(c: _Counts) -> list[str]:
    evidence = []
    if c.latin_names:
        evidence.append(
            f"{len(c.latin_names)} Latin-script names inside Arabic sentences: "
            + ", ".join(dict.fromkeys(c.latin_names))
        )
    if c.sayed:
        evidence.append(f"{c.sayed} uses of السيد before a name (calque of 'Mr.')")
    for tail in c.post_verb[:3]:
        evidence.append(f"speech verb closing the sentence (English '..., X says'): …{tail}")
    if c.svo_speech:
        evidence.append(
            f"{len(c.svo_speech)} speech verbs after their subject (English order): "
            + "; ".join(c.svo_speech[:3])
        )
    if c.latin_punct:
        evidence.append(f"{c.latin_punct} Latin commas/question marks or spaced commas in Arabic")
    share = c.connective / c.sentences
    evidence.append(f"{share:.0%} of {c.sentences} sentences open with و/ف")
    return evidence
