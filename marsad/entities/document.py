"""Document-level consistency: a name tagged in one sentence is tagged in its neighbours.

News repeats its names: خليفة حفتر in the lead, حفتر alone later. The CRF sees
one sentence at a time and misses some repeats; this second pass looks at the
entities tagged in the `WINDOW` sentences on either side and tags their other
occurrences (same proclitic-free stems, currently all O) with the type they
carried most often there; the surname of a person named in full counts as a
name of its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from marsad.entities.conll import entity_spans
from marsad.entities.features import stem

# Sentences on either side whose entities are propagated. On the ANERcorp dev
# split (scripts/train_ner.py) windows of 3, 5, 10 and 20 sentences gave F1 gains
# of 0.011, 0.012, 0.012 and 0.012 over sentence-by-sentence tagging; the whole
# file (no window) gained only 0.003, names drifting in meaning across articles.
WINDOW = 10

# Whether the last word of a multi-word person name is propagated alone (حفتر after
# خليفة حفتر): +0.0015 dev F1 on top of the window, kept for the case it was made for.
SURNAMES = True

Name = tuple[str, ...]


def propagate(
    sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]], window: int = WINDOW
) -> list[list[str]]:
    """Return `tags` with the names of neighbouring sentences propagated to untagged repeats."""
    return [propagate_at(sentences, tags, i, window) for i in range(len(sentences))]


def propagate_at(
    sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]], i: int, window: int = WINDOW
) -> list[str]:
    """The tags of sentence `i` once the names of sentences `i - window` … `i + window` are applied.

    Longer names are applied first; a repeat is only tagged when all its tokens
    are O and the token after it does not continue an entity.
    """
    votes: defaultdict[Name, Counter[str]] = defaultdict(Counter)
    for j in range(max(0, i - window), min(len(sentences), i + window + 1)):
        stems = [stem(token) for token in sentences[j]]
        for start, end, kind in sorted(entity_spans(list(tags[j]))):  # in order: a set's order varies per process
            votes[tuple(stems[start:end])][kind] += 1
            words = [s for s in stems[start:end] if any(ch.isalnum() for ch in s)]  # not the dot of "Jr."
            if kind == "PERS" and len(words) > 1 and SURNAMES:
                votes[(words[-1],)][kind] += 1
    # a lowercase Latin word is never a repeat of a name (white, cook)
    stems = [stem(token) if not token[:1].islower() else "" for token in sentences[i]]
    out = list(tags[i])
    for name in sorted(votes, key=len, reverse=True):
        _apply(stems, out, name, votes[name].most_common(1)[0][0])
    return out


def _apply(stems: Sequence[str], tags: list[str], name: Name, kind: str) -> None:
    size = len(name)
    for i in range(len(stems) - size + 1):
        if tuple(stems[i : i + size]) != name or any(tag != "O" for tag in tags[i : i + size]):
            continue
        if i + size < len(tags) and tags[i + size].startswith("I-"):
            continue
        tags[i] = "B-" + kind
        for k in range(i + 1, i + size):
            tags[k] = "I-" + kind
