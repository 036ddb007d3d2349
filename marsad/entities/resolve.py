"""Entities: the mentions of a batch of articles resolved across spellings, scripts and articles.

A name is compared through its key (`names.name_key_tokens`: match forms
without articles, so حِفتر = حفتر and كريم الحداد = كريم حداد). Mentions are
joined, in this order:

1. same key (a key's type is the majority of its mentions' types);
2. full names (every key but a one-word person name) that are spellings of one
   another: word by word, each pair equal, fuzzy-equal (كلينجندايل /
   كلينجيندايل) or transliterations (Serraj / سراج, see `transliterate`), or as
   whole names written without spaces (عبدالرحمن / عبد الرحمن);
3. a person name that keeps the first and last words of one longer name
   (رجب أردوغان -> رجب طيب أردوغان); in one article, an organisation whose words begin another one's
   (الجيش الليبي -> الجيش الوطني الليبي) when it fits only that one;
4. one-word person names (حفتر, Serraj) to the one full name of the article that
   has that word (or a spelling of it), else to the one full name of the batch
   that has the very word (or dominates those that do); one-word names with no full name join each other
   when they are same-script spellings of one word;
5. what the text says (`links`): aliases in parentheses, and "قوات <person>" to the
   organisation the text says that person leads.

A word shared by two full names (two people called حفتر) is ambiguous: the
one-word mentions then stay apart rather than join the wrong person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz

from marsad.entities import links
from marsad.entities.mentions import EntityType, Mention, extract_mentions
from marsad.entities.names import ARTICLE_TOKENS, is_word, match_form, name_key_tokens, tokenize
from marsad.entities.transliterate import is_latin, name_pairs, same_name_token, skeletons
from marsad.records import Article
from marsad.text.normalize import stable_hash

# Same-script spellings of one word: rapidfuzz ratio of match forms (كلينجندايل /
# كلينجيندايل = 95.2; حرشاوي / حرشي = 72.7), for words of FUZZY_MIN_LEN letters or
# more; four-letter names one letter apart (سامي / سالم) score 75 and differ.
FUZZY_TOKEN = 90
FUZZY_MIN_LEN = 5
FUZZY_SKELETON = 85  # enough when the consonant skeletons agree (أردوجان / أردوغان = 85.7; مبارك / مبروك = 80)
SKELETON_MIN_LEN = 6  # letters both words need for that
MIN_LONE_SKELETON = 3  # consonants a one-word name needs to match across scripts (CNN -> KN matched كوين)
LATIN_FUZZY = 75  # Latin spellings whose skeletons meet must also be this close (Serraj / Sarraj = 83.3)
# Whole names compared without spaces (عبدالرحمن القاسمي / عبد الرحمن القاسمي = 100;
# across scripts, on consonant skeletons: Abdelrahman Qasimi / عبد الرحمن القاسمي = 94.7).
FUZZY_JOINED = 92
MIN_JOINED = 8  # letters (or consonants) a name needs for the joined comparison
DOMINANCE = 3  # a full name this many times more mentioned than its rivals takes a lone surname across articles
MAX_BLOCK = 400  # names sharing one skeleton beyond this are not compared pairwise (too common a word)
_TYPE_ORDER: tuple[EntityType, ...] = ("PERS", "ORG", "LOC", "MISC")
_MENTION_FIELDS = ("article", "start", "end", "text", "title", "sentence")  # a mention in entity_json


@dataclass(frozen=True)
class Alias:
    """One way an entity is written in the articles, how many mentions use it, and why it is this
    entity: "canonical" (the name shown), "alias table" (`data/aliases*.tsv`), "other script"
    (transliteration), "spelling" (a variant in one script) or "context" (a surname, what the text says)."""

    text: str
    count: int
    via: str = "canonical"


@dataclass
class Entity:
    """A person, place, organisation or other named thing, with every mention of it."""

    id: str
    type: EntityType
    canonical: str
    aliases: list[Alias]
    mentions: list[Mention]


def extract_entities(articles: Sequence[Article]) -> list[Entity]:
    """Find the named entities of `articles`, resolved within and across articles.

    Entities come most-mentioned first; each entity's mentions in article order,
    then text order.
    """
    return resolve(extract_mentions(articles), articles)


def entity_json(entity: Entity) -> dict[str, Any]:
    """The JSON shape of an entity (`marsad entities --json`)."""
    return {
        "id": entity.id,
        "type": entity.type,
        "canonical": entity.canonical,
        "aliases": [{"text": a.text, "count": a.count, "via": a.via} for a in entity.aliases],
        "mentions": [{name: getattr(m, name) for name in _MENTION_FIELDS} for m in entity.mentions],
    }


class _Groups:
    """Union-find over mention indexes."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def resolve(mentions: Sequence[Mention], articles: Sequence[Article]) -> list[Entity]:
    """Group `mentions` (of `articles`) into entities."""
    mentions = [m for m in mentions if name_key_tokens(m.words)]
    keys = [name_key_tokens(m.words) for m in mentions]
    by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        by_key[key].append(i)
    kinds = {key: _majority(mentions[i].type for i in idx) for key, idx in by_key.items()}
    short: set[tuple[str, ...]] = {key for key in by_key if kinds[key] == "PERS" and len(key) == 1}
    groups = _Groups(len(mentions))
    for key, idx in by_key.items():
        if key not in short:
            for i in idx[1:]:
                groups.union(idx[0], i)
    full = [key for key in by_key if key not in short]
    for a, b in _candidate_pairs(full, kinds):
        if names_match(a, b):
            groups.union(by_key[a][0], by_key[b][0])
    _join_shorter_full_names(full, by_key, kinds, groups)
    _join_org_prefixes(mentions, keys, kinds, groups)
    _join_short_names(mentions, keys, kinds, short, groups)
    _join_text_links(mentions, articles, groups)
    _join_aliases(by_key, groups)
    return _entities(mentions, keys, groups, articles)


def _join_aliases(by_key: dict[tuple[str, ...], list[int]], groups: _Groups) -> None:
    """Names the alias table gives as one entity (بريطانيا / المملكة المتحدة / UK)."""
    first_of: dict[int, int] = {}
    table = alias_table()
    for key, idx in by_key.items():
        entry = table.get(key)
        if entry is not None:
            groups.union(first_of.setdefault(entry, idx[0]), idx[0])


@lru_cache(maxsize=1)
def alias_table() -> dict[tuple[str, ...], int]:
    """Name key -> number of its entry in `data/aliases.tsv` and `data/aliases_cldr.tsv`."""
    table: dict[tuple[str, ...], int] = {}
    entry = 0
    for name in ("aliases.tsv", "aliases_cldr.tsv"):
        text = resources.files("marsad.entities").joinpath("data", name).read_text(encoding="utf-8")
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            entry += 1
            for alias in line.split("\t")[1].split("|"):
                key = name_key_tokens([t.text for t in tokenize(alias)])
                if key:
                    table.setdefault(key, entry)
    return table


def _majority(types: Iterable[str]) -> EntityType:
    counts = Counter(types)
    return max(_TYPE_ORDER, key=lambda t: (counts[t], -_TYPE_ORDER.index(t)))


def _candidate_pairs(
    keys: Sequence[tuple[str, ...]], kinds: dict[tuple[str, ...], EntityType]
) -> Iterable[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pairs of keys of one type that share a word skeleton (blocking before `names_match`)."""
    blocks: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
    for key in keys:
        for block in {s for word in key for s in skeletons(word)}:
            blocks[(kinds[key], block)].append(key)
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair not in seen:
                    seen.add(pair)
                    yield pair


@lru_cache(maxsize=262144)
def token_match(a: str, b: str) -> bool:
    """Whether two name words (match forms, articles off) are spellings of one name."""
    if a == b:
        return True
    latin_a, latin_b = is_latin(a), is_latin(b)
    if latin_a != latin_b:
        return same_name_token(a, b) if latin_a else same_name_token(b, a)
    if latin_a:
        return bool(skeletons(a) & skeletons(b)) and fuzz.ratio(a, b) >= LATIN_FUZZY
    return same_arabic_spelling(a, b)


def same_arabic_spelling(a: str, b: str) -> bool:
    """Whether two Arabic words (match forms) are spellings of one name.

    Fuzzy-equal (`FUZZY_TOKEN`), or close (`FUZZY_SKELETON`) with the same
    consonant skeleton (أردوجان / أردوغان), but never a word and the same word
    with a suffix (اتحاد / اتحادي, a nisba).
    """
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) < FUZZY_MIN_LEN or longer.startswith(shorter):
        return False
    ratio = fuzz.ratio(a, b)
    if ratio >= FUZZY_TOKEN:
        return True
    return ratio >= FUZZY_SKELETON and len(shorter) >= SKELETON_MIN_LEN and bool(skeletons(a) & skeletons(b))


def lone_word_match(a: str, b: str) -> bool:
    """`token_match` for a name of one word: across scripts, a table pair or `MIN_LONE_SKELETON` consonants."""
    if is_latin(a) == is_latin(b):
        return token_match(a, b)
    latin, arabic = (a, b) if is_latin(a) else (b, a)
    if arabic in name_pairs().get(latin, ()):
        return True
    return any(len(s) >= MIN_LONE_SKELETON for s in skeletons(a) & skeletons(b))


def names_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two name keys are spellings of one name (word by word, or written together)."""
    if len(a) == len(b) == 1:
        return lone_word_match(a[0], b[0])
    if len(a) == len(b) and all(token_match(x, y) for x, y in zip(a, b, strict=True)):
        return True
    joined_a, joined_b = "".join(a), "".join(b)
    if min(len(joined_a), len(joined_b)) < MIN_JOINED:
        return False
    if is_latin(joined_a) == is_latin(joined_b):
        return fuzz.ratio(joined_a, joined_b) >= FUZZY_JOINED
    return any(
        fuzz.ratio(x, y) >= FUZZY_JOINED
        for x in skeletons(joined_a)
        for y in skeletons(joined_b)
        if min(len(x), len(y)) >= MIN_JOINED
    )


def _join_shorter_full_names(
    full: list[tuple[str, ...]],
    by_key: dict[tuple[str, ...], list[int]],
    kinds: dict[tuple[str, ...], EntityType],
    groups: _Groups,
) -> None:
    """A person name that keeps the first and last words of exactly one longer one joins it (رجب أردوغان)."""
    people = [key for key in full if kinds[key] == "PERS"]
    by_last: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key in people:
        by_last[key[-1]].append(key)
    for key in people:
        longer = [
            k for k in by_last[key[-1]] if len(k) > len(key) and token_match(key[0], k[0]) and _subsequence(key, k)
        ]
        targets = {groups.find(by_key[k][0]) for k in longer}
        if len(targets) == 1:
            groups.union(by_key[key][0], targets.pop())


def _join_org_prefixes(
    mentions: Sequence[Mention], keys: list[tuple[str, ...]], kinds: dict[tuple[str, ...], EntityType], groups: _Groups
) -> None:
    """In one article, an organisation whose words open another's in order joins it, if it fits only one."""
    by_article: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    first_of: dict[tuple[str, tuple[str, ...]], int] = {}
    for i, (m, key) in enumerate(zip(mentions, keys, strict=True)):
        if kinds[key] == "ORG" and len(key) >= 2:
            by_article[m.article].add(key)
            first_of.setdefault((m.article, key), i)
    for article, org_keys in by_article.items():
        for key in org_keys:
            longer = [k for k in org_keys if len(k) > len(key) and k[0] == key[0] and _subsequence(key, k)]
            targets = {groups.find(first_of[(article, k)]) for k in longer}
            if len(targets) == 1:
                groups.union(first_of[(article, key)], targets.pop())


def _subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    words = iter(long)
    return all(any(token_match(s, w) for w in words) for s in short)


def _join_short_names(
    mentions: Sequence[Mention],
    keys: list[tuple[str, ...]],
    kinds: dict[tuple[str, ...], EntityType],
    short: set[tuple[str, ...]],
    groups: _Groups,
) -> None:
    """Join one-word person names to the one full name that has the word.

    In the mention's own article the word may be a spelling or a transliteration
    of the full name's (Serraj -> فايز السراج); across articles it must be the
    same word, as a lone Latin word matches some Arabic name by chance too often
    (CNN / كوين in the ANT corpus). One-word names left over join each other
    when they are same-script spellings of one word.
    """
    in_article: dict[str, dict[tuple[str, ...], int]] = defaultdict(dict)
    batch: dict[str, dict[tuple[str, ...], int]] = defaultdict(dict)  # word -> full names with it
    for i, key in enumerate(keys):
        if kinds[key] == "PERS" and key not in short:
            in_article[mentions[i].article].setdefault(key, i)
            for word in key:
                batch[word].setdefault(key, i)
    loose: dict[tuple[str, ...], list[int]] = defaultdict(list)
    sizes = Counter(groups.find(i) for i in range(len(keys)))
    for i, key in enumerate(keys):
        if key not in short:
            continue
        target = _only_holder(key[0], in_article[mentions[i].article], groups, lone_word_match)
        if target is None:
            loose[key].append(i)
        else:
            groups.union(i, target)
    leftovers = []
    for key, idx in loose.items():
        for i in idx[1:]:
            groups.union(idx[0], i)
        target = _only_holder(key[0], batch.get(key[0], {}), groups, str.__eq__, sizes)
        if target is None:
            leftovers.append(key)
        else:
            groups.union(idx[0], target)
    for a, b in _candidate_pairs(leftovers, kinds):
        if is_latin(a[0]) == is_latin(b[0]) and lone_word_match(a[0], b[0]):
            groups.union(loose[a][0], loose[b][0])


def _only_holder(
    word: str,
    candidates: dict[tuple[str, ...], int],
    groups: _Groups,
    match: Callable[[str, str], bool],
    sizes: Counter[int] | None = None,
) -> int | None:
    """The group of the one full name among `candidates` (key -> a mention) with a word matching `word`.

    With `sizes` (mentions per group), a group with `DOMINANCE` times the mentions of
    all the other holders together wins too: أردوغان goes to رجب طيب أردوغان (7
    mentions) rather than stay apart for فاخر أردوغان (1).
    """
    holders = {groups.find(i) for key, i in candidates.items() if any(match(word, w) for w in key)}
    if len(holders) == 1:
        return holders.pop()
    if sizes and holders:
        top = max(holders, key=lambda g: (sizes[g], -g))
        if sizes[top] >= DOMINANCE * sum(sizes[g] for g in holders if g != top):
            return top
    return None


def _join_text_links(mentions: Sequence[Mention], articles: Sequence[Article], groups: _Groups) -> None:
    texts = {a.id: a.text for a in articles}
    for i, j in links.paren_aliases(mentions, texts):
        groups.union(i, j)
    led: dict[int, set[int]] = defaultdict(set)
    for org, person in links.leaders(mentions, texts):
        led[groups.find(person)].add(groups.find(org))
    for org, person in links.forces(mentions):
        orgs = {groups.find(o) for o in led.get(groups.find(person), ())}
        if len(orgs) == 1:
            groups.union(org, orgs.pop())


def _entities(
    mentions: Sequence[Mention], keys: list[tuple[str, ...]], groups: _Groups, articles: Sequence[Article]
) -> list[Entity]:
    order = {a.id: n for n, a in enumerate(articles)}
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        members[groups.find(i)].append(i)
    entities = []
    for idx in members.values():
        idx.sort(key=lambda i: (order.get(mentions[i].article, len(order)), mentions[i].start, -mentions[i].end))
        group = [mentions[i] for i in idx]
        kind = _majority(m.type for m in group)
        texts = Counter(" ".join(m.text.split()) for m in group)
        canonical = _canonical(group, [keys[i] for i in idx], kind, texts)
        first = group[0]
        key = "|".join([kind, " ".join(name_key_tokens(canonical.split())), first.article, str(first.start)])
        aliases = [Alias(t, c, _via(t, canonical)) for t, c in sorted(texts.items(), key=lambda tc: (-tc[1], tc[0]))]
        entities.append(Entity(f"e{stable_hash(key):016x}", kind, canonical, aliases, group))
    entities.sort(key=lambda e: (-len(e.mentions), e.canonical, e.id))
    return entities


def _via(alias: str, canonical: str) -> str:
    """Why a name is one of an entity's aliases (see `Alias.via`)."""
    key, shown = (name_key_tokens([t.text for t in tokenize(n)]) for n in (alias, canonical))
    if key == shown:
        return "canonical"
    table = alias_table()
    if key in table and table.get(shown) == table[key]:
        return "alias table"
    if any(is_latin(w) for w in key) != any(is_latin(w) for w in shown):
        return "other script"
    if len(key) == len(shown) and all(same_arabic_spelling(a, b) or a == b for a, b in zip(key, shown, strict=True)):
        return "spelling"
    return "context"


def _canonical(group: list[Mention], keys: list[tuple[str, ...]], kind: str, texts: Counter[str]) -> str:
    """The name an entity is shown by: a full name over a surname, one script over mixed, the most used."""

    def score(item: tuple[Mention, tuple[str, ...]]) -> tuple[int, int, int, int, int]:
        m, key = item
        text = " ".join(m.text.split())
        words = [w for w in m.words if match_form(w) not in ARTICLE_TOKENS]
        scripts = {is_latin(w) for w in words if is_word(w)}
        return (
            m.source != "rule",
            kind != "PERS" or len(key) > 1,
            2 if scripts == {False} else 1 if len(scripts) == 1 else 0,  # Arabic alone, Latin alone, mixed
            texts[text],
            len(key),
        )

    best = max(zip(group, keys, strict=True), key=score)
    return " ".join(best[0].text.split())
