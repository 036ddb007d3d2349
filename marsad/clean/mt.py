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
WEIGHTS = {"latin_names": 2.5, "sayed": 2.0, "post_verb": 3.0, "latin_punct": 1.0, "no_waw": 0.8}
# Share of sentences opening with و/ف below which prose reads as translated.
NATIVE_CONNECTIVE_SHARE = 0.25

_ARABIC_WORD = r"[\u0621-\u064a]+"
_LATIN_NAME = re.compile(rf"(?<=[\u0621-\u064a] )(?!\()[A-Z][a-z]{{2,}}(?= [\u0621-\u064a]|[ .,?،]*$)")
_SAYED = re.compile(r"(?:^|\s)ال?سيد(?:ة)?\s+(?=[\u0621-\u064aA-Z])")
_POST_VERB = re.compile(r"\s(يقول|تقول|يقولون|يضيف|تضيف|قال|قالت|يذكر|تذكر)\s*[.!]?\s*[\"”»]?$")
_LATIN_PUNCT = re.compile(rf"{_ARABIC_WORD}\s*[,?;](?=\s*[\u0621-\u064a]|\s*$)")
_SPACED_COMMA = re.compile(rf"{_ARABIC_WORD} [،؛]")
_CONNECTIVE = re.compile(r"^[\"«“(]?\s*[وف][\u0621-\u064a]")


@dataclass(frozen=True)
class _Counts:
    sentences: int
    latin_names: list[str]
    sayed: int
    post_verb: list[str]
    latin_punct: int
    connective: int


def machine_translation_signal(sentences: list[Span]) -> MachineTranslationSignal:
    """Score Arabic sentences for machine-translation evidence (0 = native, 1 = MT)."""
    counts = _count(sentences)
    if counts.sentences < MIN_SENTENCES:
        return MachineTranslationSignal(0.0, False, ["too few Arabic sentences to judge"])
    n = counts.sentences
    connective_share = counts.connective / n
    strengths = {
        "latin_names": len(counts.latin_names) / n,
        "sayed": counts.sayed / n,
        "post_verb": len(counts.post_verb) / n,
        "latin_punct": counts.latin_punct / n,
        "no_waw": max(0.0, NATIVE_CONNECTIVE_SHARE - connective_share) / NATIVE_CONNECTIVE_SHARE,
    }
    hard = sum(WEIGHTS[k] * v for k, v in strengths.items() if k != "no_waw")
    # Few connectives alone is only style; it counts fully once other evidence exists.
    soft = WEIGHTS["no_waw"] * strengths["no_waw"] * (1.0 if hard > 0.15 else 0.25)
    score = round(1.0 - math.exp(-(hard + soft)), 3)
    return MachineTranslationSignal(score, score >= MT_FLAG_THRESHOLD, _evidence(counts))


def _count(sentences: list[Span]) -> _Counts:
    arabic = [s.text for s in sentences if re.search(r"[\u0621-\u064a]", s.text)]
    names: list[str] = []
    post: list[str] = []
    sayed = punct = connective = 0
    for text in arabic:
        names.extend(_LATIN_NAME.findall(text))
        sayed += len(_SAYED.findall(text))
        verb = _POST_VERB.search(text)
        if verb and len(text.split()) > 4:
            post.append(text[-60:])
        punct += len(_LATIN_PUNCT.findall(text)) + len(_SPACED_COMMA.findall(text))
        connective += bool(_CONNECTIVE.match(text))
    return _Counts(len(arabic), names, sayed, post, punct, connective)


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
    if c.latin_punct:
        evidence.append(f"{c.latin_punct} Latin commas/question marks or spaced commas in Arabic")
    share = c.connective / c.sentences
    evidence.append(f"{share:.0%} of {c.sentences} sentences open with و/ف")
    return evidence
