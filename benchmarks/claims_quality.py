"""Claim groups and conflicts against hand-labelled ANT events, and the time they take per article.

    .venv/bin/python benchmarks/claims_quality.py --db /work/claimswork/gaza.db [--event gaza-2018-05-14]

Each event in `benchmarks/data/claims/` lists its articles (ANT ids), its claim
groups (one fact, quote or figure each, with the articles that state it) and
the pairs of groups that conflict; how they were made is in the `.md` beside
them and in the README. The articles come from a store where they were
ingested (`marsad ingest EVENT.jsonl --db X`; `--write-jsonl` writes that file
from the ANT corpus in `../shared/data`). marsad aligns the claims of all the
event's articles as one set, from their stored annotations, and is scored:

- group F1: for each gold group, the best F1 of its article set against the
  article set of any marsad group; the mean over gold groups and how many
  reach 0.8. Also over the gold groups stated by two or more outlets (those
  are what grouping is for: a claim of one article, or of France 24's twin
  postings, is matched by any of that article's ungrouped clauses).
- conflicts found: a gold pair (A, B) is found when marsad reports a conflict
  between a claim of an article of A and a claim of an article of B, each in
  a marsad group that is the best match of its gold group or whose articles
  mostly state it, on the same kind of part (a gold `count` conflict needs a
  marsad conflict on a count, with A's and B's figures; `date` one on a date;
  the others, occurrence, place, actor, other, any conflict on neither).
  Reported beside it: how many conflicts marsad reports among these articles,
  and how many of those match no gold pair (a gold pair found several times
  counts once).
- time: seconds per article to relate the event's stored annotations (the
  understand stage's cost is measured at ingest).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ant import records

from marsad.claims.align import Alignment, ClaimGroup, distinct_conflicts
from marsad.claims.contradict import Contradiction
from marsad.relate.story import align_story
from marsad.store.sqlite import SQLiteStore
from marsad.understand.storage import read_understood

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "benchmarks" / "data" / "claims"
GOOD_F1 = 0.8


@dataclass(frozen=True)
class GoldGroup:
    """One labelled claim group."""

    key: str
    statement: str
    kind: str
    quantity: tuple[str, float, str] | None  # what, value, qualifier
    articles: frozenset[str]


@dataclass(frozen=True)
class GoldEvent:
    """A labelled event: its articles, groups and conflicting pairs."""

    name: str
    articles: list[str]
    outlets: dict[str, str]
    groups: dict[str, GoldGroup]
    conflicts: list[tuple[str, str, str, str]]  # group a, group b, on, description


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_event(name: str, folder: Path = GOLD) -> GoldEvent:
    """The gold files of one event."""
    articles = [r for r in _rows(folder / f"{name}.articles.tsv") if r["in_event"] == "yes"]
    inside = {r["id"] for r in articles}
    groups = {}
    for row in _rows(folder / f"{name}.groups.tsv"):
        quantity = None
        if row["quantity"]:
            what, value, qualifier = row["quantity"].split("|")
            quantity = (what, float(value.split("-")[0]), qualifier)  # a range "35-40" by its lower end
        members = frozenset(a.strip() for a in row["articles"].split(",") if a.strip() in inside)
        groups[row["group"]] = GoldGroup(row["group"], row["statement"], row["kind"], quantity, members)
    conflicts = [(r["group_a"], r["group_b"], r["on"], r["description"])
                 for r in _rows(folder / f"{name}.conflicts.tsv")]
    return GoldEvent(name, [r["id"] for r in articles], {r["id"]: r["outlet"] for r in articles}, groups, conflicts)


def read_second(name: str, first: GoldEvent, folder: Path = GOLD) -> GoldEvent:
    """A second annotator's groups and conflicts for part of an event's articles (`.second.*`)."""
    ids = [line.strip() for line in (folder / f"{name}.second.articles.txt").read_text().splitlines() if line.strip()]
    inside = set(ids)
    groups = {}
    for row in _rows(folder / f"{name}.second.groups.tsv"):
        members = frozenset(a.strip() for a in row["articles"].split(",") if a.strip() in inside)
        groups[row["group"]] = GoldGroup(row["group"], row["statement"], row["kind"], None, members)
    conflicts = [(r["group_a"], r["group_b"], r["on"], r["description"])
                 for r in _rows(folder / f"{name}.second.conflicts.tsv")]
    return GoldEvent(name, ids, {i: first.outlets.get(i, "") for i in ids}, groups, conflicts)


def agreement(first: GoldEvent, second: GoldEvent) -> tuple[float, float, int]:
    """Mean best-match F1 of the second annotator's groups against the first's, on the second's articles
    (all groups, and groups of two or more articles); and how many groups the first has there."""
    inside = set(second.articles)
    a = [g.articles & inside for g in first.groups.values() if g.articles & inside]
    b = [g.articles for g in second.groups.values() if g.articles]

    def mean_best(xs: list[frozenset[str]], ys: list[frozenset[str]]) -> float:
        return _mean([max(f1(x, y) for y in ys) for x in xs])

    multi_b = [x for x in b if len(x) > 1]
    return mean_best(b, a), mean_best(multi_b, a), len(a)


def report_agreement(first: GoldEvent) -> None:
    """Print how the second annotator's groups and conflicts match the first's."""
    second = read_second(first.name, first)
    every, multi, count = agreement(first, second)
    inside = set(second.articles)
    best = {k: max(first.groups, key=lambda a: f1(g.articles, first.groups[a].articles & inside))
            for k, g in second.groups.items()}
    pairs = {frozenset((a, b)) for a, b, *_ in first.conflicts}
    agreed = sum(1 for a, b, *_ in second.conflicts if frozenset((best[a], best[b])) in pairs)
    print(f"{first.name}: second annotator, {len(second.articles)} articles, {len(second.groups)} groups "
          f"(the first has {count} there): mean best-match F1 against the first's {every:.3f}, "
          f"groups of 2+ articles {multi:.3f}; {agreed} of the second's {len(second.conflicts)} conflicts "
          f"are the first's")


def f1(gold: frozenset[str], found: frozenset[str]) -> float:
    """F1 of two article sets."""
    shared = len(gold & found)
    return 2 * shared / (len(gold) + len(found)) if shared else 0.0


@dataclass
class Scored:
    """Figures of one event."""

    group_f1: dict[str, float]
    best_group: dict[str, int]
    found: dict[int, list[str]]  # gold conflict index -> marsad conflict descriptions that match it
    reported: int
    unmatched: list[str]
    seconds: float
    articles: int


def group_articles(group: ClaimGroup, input_id: dict[str, str]) -> frozenset[str]:
    """The ANT ids of the articles stating a marsad group."""
    return frozenset(input_id[c.article] for c in group.claims)


def score_event(gold: GoldEvent, alignment: Alignment, input_id: dict[str, str], seconds: float) -> Scored:
    """Group F1, conflicts found, conflicts reported beyond the gold ones."""
    groups = alignment.groups + alignment.figures
    sets = [group_articles(g, input_id) for g in groups]
    group_f1: dict[str, float] = {}
    best: dict[str, int] = {}
    for key, group in gold.groups.items():
        if not group.articles:
            continue
        values = [f1(group.articles, s) for s in sets]
        index = max(range(len(values)), key=values.__getitem__) if values else -1
        group_f1[key], best[key] = (values[index], index) if values else (0.0, -1)
    conflicts = distinct_conflicts(groups)
    group_of = _group_of(groups, conflicts)
    found: dict[int, list[str]] = {}
    unmatched = []
    for conflict in conflicts:
        sides = (input_id[conflict.claim.article], group_of[id(conflict.claim)],
                 input_id[conflict.against.article], group_of[id(conflict.against)])
        hits = [n for n, pair in enumerate(gold.conflicts) if _matches(gold, pair, sides, conflict, sets, best)]
        for n in hits:
            found.setdefault(n, []).append(_describe(conflict, input_id))
        if not hits:
            unmatched.append(_describe(conflict, input_id))
    return Scored(group_f1, best, found, len(conflicts), unmatched, seconds, len(input_id))


def _group_of(groups: list[ClaimGroup], conflicts: list[Contradiction]) -> dict[int, int]:
    """Claim (by identity) -> index of its group; a claim in several (a clause and its figures) maps
    to the group that records the conflict it takes part in."""
    found = {id(c): i for i, g in enumerate(groups) for c in g.claims}
    for i, group in enumerate(groups):
        for conflict in group.contradictions:
            for claim in (conflict.claim, conflict.against):
                if any(c is claim for c in group.claims):
                    found[id(claim)] = i
    return found


def _matches(
    gold: GoldEvent, pair: tuple[str, str, str, str], sides: tuple[str, int, str, int], conflict: Contradiction,
    sets: list[frozenset[str]], best: dict[str, int],
) -> bool:
    a, b, on, _ = pair
    ga, gb = gold.groups[a], gold.groups[b]
    x, gx, y, gy = sides
    if _kind(on) != _kind(conflict.on):
        return False
    for first, second in ((ga, gb), (gb, ga)):
        if x not in first.articles or y not in second.articles:
            continue
        if not (_holds(first, gx, sets, best) and _holds(second, gy, sets, best)):
            continue
        if on == "count" and not _same_figures(first, second, conflict):
            continue
        return True
    return False


def _kind(on: str) -> str:
    """Conflicts on a count or a date match only their kind; the others (occurrence, place, actor,
    other) match each other, since "what" a denial is on is a matter of wording."""
    return on if on in ("count", "date") else "other"


def _holds(group: GoldGroup, index: int, sets: list[frozenset[str]], best: dict[str, int]) -> bool:
    """Whether marsad group `index` stands for gold `group`: its best match, or most of its articles
    state the gold group."""
    found = sets[index]
    return best.get(group.key) == index or len(group.articles & found) >= len(found) / 2


def _same_figures(first: GoldGroup, second: GoldGroup, conflict: Contradiction) -> bool:
    values = {q.value for q in conflict.claim.quantities} | {q.value for q in conflict.against.quantities}
    return bool(first.quantity and second.quantity and first.quantity[1] in values and second.quantity[1] in values)


def _describe(conflict: Contradiction, input_id: dict[str, str]) -> str:
    claim, against = conflict.claim, conflict.against
    return (f"{conflict.reason} [{conflict.method}] {input_id[claim.article]} «{claim.span.text[:80]}»"
            f" / {input_id[against.article]} «{against.span.text[:80]}»")


def run_event(gold: GoldEvent, db: Path) -> tuple[Scored, Alignment, dict[str, str]]:
    """Align the event's stored articles and score them."""
    store = SQLiteStore(db)
    by_input = {s.input_id: s.id for s in store.summaries(limit=store.count() + 1) if s.input_id}
    missing = [i for i in gold.articles if i not in by_input]
    if missing:
        raise SystemExit(f"{db}: {len(missing)} of the event's articles are not stored (first: {missing[0]}); "
                         f"ingest them: --write-jsonl FILE, then marsad ingest FILE --db {db}")
    ids = [by_input[i] for i in gold.articles]
    articles = read_understood(store, ids)
    input_id = {v: k for k, v in by_input.items() if v in set(ids)}
    start = time.process_time()
    alignment = align_story(articles)
    seconds = time.process_time() - start
    store.close()
    return score_event(gold, alignment, input_id, seconds), alignment, input_id


def report(gold: GoldEvent, scored: Scored, verbose: bool) -> None:
    """Print the figures of one event."""
    values = list(scored.group_f1.values())
    multi = [k for k, g in gold.groups.items() if k in scored.group_f1 and _outlets(gold, g) >= 2]
    print(f"{gold.name}: {scored.articles} articles, {len(values)} gold groups, {len(gold.conflicts)} conflicts")
    print(f"  group F1 mean {_mean(values):.3f}, {sum(v >= GOOD_F1 for v in values)} of {len(values)} at >= {GOOD_F1}")
    multi_values = [scored.group_f1[k] for k in multi]
    print(f"  groups of 2+ outlets: F1 mean {_mean(multi_values):.3f}, "
          f"{sum(v >= GOOD_F1 for v in multi_values)} of {len(multi_values)} at >= {GOOD_F1}")
    print(f"  conflicts found {len(scored.found)} of {len(gold.conflicts)}; marsad reports {scored.reported}, "
          f"{len(scored.unmatched)} of them match no gold pair")
    print(f"  relate: {scored.seconds:.1f} CPU s, {scored.seconds / max(1, scored.articles):.3f} s per article")
    if verbose:
        for n, (a, b, on, description) in enumerate(gold.conflicts):
            mark = "FOUND" if n in scored.found else "missed"
            print(f"  [{mark}] {on}: {a} / {b}: {description[:110]}")
        for key in sorted(multi, key=lambda k: scored.group_f1[k]):
            print(f"  F1 {scored.group_f1[key]:.2f} {key} ({len(gold.groups[key].articles)} articles): "
                  f"{gold.groups[key].statement[:90]}")
        for line in scored.unmatched[:60]:
            print(f"  unmatched: {line}")


def _outlets(gold: GoldEvent, group: GoldGroup) -> int:
    return len({gold.outlets[a] for a in group.articles})


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def write_jsonl(gold: GoldEvent, dest: Path) -> None:
    """The event's ANT records, for `marsad ingest`."""
    wanted = set(gold.articles)
    with dest.open("w", encoding="utf-8") as out:
        for record in records():
            if record["id"] in wanted:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> None:
    """Score every event asked for (default: all of `benchmarks/data/claims/`)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, action="append", default=[],
                        help="store holding the event's articles (one per --event, in order)")
    parser.add_argument("--event", action="append", default=[], help="event name, e.g. gaza-2018-05-14")
    parser.add_argument("--write-jsonl", type=Path, help="write the event's ANT records to this file and stop")
    parser.add_argument("--verbose", action="store_true", help="list conflicts, weak groups, unmatched conflicts")
    parser.add_argument("--agreement", action="store_true",
                        help="print the agreement of the second annotators (no store needed) and stop")
    args = parser.parse_args(argv)
    events = args.event or sorted(p.name.removesuffix(".groups.tsv") for p in GOLD.glob("*.groups.tsv")
                                  if ".second." not in p.name)
    if args.agreement:
        for name in events:
            if (GOLD / f"{name}.second.groups.tsv").exists():
                report_agreement(read_event(name))
        return
    if args.write_jsonl:
        write_jsonl(read_event(events[0]), args.write_jsonl)
        return
    if len(args.db) != len(events):
        raise SystemExit(f"give one --db per event ({', '.join(events)})")
    for name, db in zip(events, args.db, strict=True):
        gold = read_event(name)
        scored, _, _ = run_event(gold, db)
        report(gold, scored, args.verbose)


if __name__ == "__main__":
    main(sys.argv[1:])
