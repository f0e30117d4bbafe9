"""Merge: one thing, one URI, across languages and sources.

The same initiative can be presented by several texts (eVaka in the Finnish catalogue and on
a Swedish page) or twice in one page. This stage decides, by the rules of
`mappings/merge-rules.toml`, which initiative records are the same; each group becomes one
resource, named by its canonical record (the catalogue record if there is one, else the first
in source order, or the funding programme). Every decision is kept for the build report:
what was merged and by which rule, and what was considered but not merged, and why.

The stage knows nothing about RDF: it takes `Candidate`s and returns a `MergeResult`.
"""
from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.build.keys import slugify

PROGRAMME = "programme"


@dataclass(frozen=True)
class Candidate:
    """An initiative record: where it is, what it is called."""

    id: tuple[int, int]              # (document position, record index)
    document: str
    extractor: str
    name: str
    names: tuple[str, ...]           # name, title and alternative names
    first_line: int | None
    last_line: int | None

    def where(self) -> str:
        return f"{self.document}:{self.first_line}" + (
            f"–{self.last_line}" if self.last_line and self.last_line != self.first_line else "")


@dataclass(frozen=True)
class SameRule:
    id: str
    names: tuple[str, ...]
    reason: str
    canonical: str | None = None


@dataclass(frozen=True)
class DifferentRule:
    id: str
    names: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class MergeRules:
    version: str
    generic_words: frozenset[str]
    min_shared_word: int
    max_word_frequency: int
    distinct_extractors: frozenset[str]
    same: tuple[SameRule, ...]
    different: tuple[DifferentRule, ...]

    def core(self, name: str) -> str:
        """The comparison form of a name: folded words without the generic ones."""
        words = [w for w in slugify(name, max_length=200).split("-")
                 if w and w not in self.generic_words]
        return " ".join(words)


def load_merge_rules(path: Path) -> MergeRules:
    with Path(path).open("rb") as handle:
        table = tomllib.load(handle)
    distinct = frozenset(r["extractor"] for r in table.get("rules", []) if r.get("extractor"))
    return MergeRules(
        version=str(table.get("version", "0")),
        generic_words=frozenset(slugify(w) for w in table.get("generic_words", [])),
        min_shared_word=int(table.get("min_shared_word", 5)),
        max_word_frequency=int(table.get("max_word_frequency", 3)),
        distinct_extractors=distinct,
        same=tuple(SameRule(e["id"], tuple(e["names"]), e.get("reason", ""), e.get("canonical"))
                   for e in table.get("same", [])),
        different=tuple(DifferentRule(e["id"], tuple(e["names"]), e.get("reason", ""))
                        for e in table.get("different", [])),
    )


@dataclass
class MergeResult:
    """Groups of candidates that are one resource, and every decision taken."""

    canonical: dict[tuple[int, int], tuple[int, int] | str] = field(default_factory=dict)
    groups: list[list[tuple[int, int]]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def is_secondary(self, cid: tuple[int, int]) -> bool:
        return self.canonical.get(cid, cid) != cid

    def merged(self) -> list[dict[str, Any]]:
        return [d for d in self.decisions if d["decision"] == "merged"]

    def not_merged(self) -> list[dict[str, Any]]:
        return [d for d in self.decisions if d["decision"] == "not merged"]


class _Union:
    def __init__(self, items: list[tuple[int, int]]) -> None:
        self.parent = {i: i for i in items}
        self.why: dict[tuple[int, int], list[str]] = {i: [] for i in items}

    def find(self, item):
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b, rule: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        first, second = sorted((ra, rb))
        self.parent[second] = first
        self.why[first] = sorted(set(self.why[first] + self.why[second] + [rule]))


def merge(candidates: list[Candidate], rules: MergeRules) -> MergeResult:
    """Decide which candidates are one initiative.

    Only pairs that share a core name or a rare word are compared (found through an index
    of names and words), so the stage grows with the number of candidates, not its square;
    the pairs are taken in the order of the candidates, so decisions come in the same order
    as a comparison of every pair would give them."""
    by_id = {c.id: c for c in candidates}
    core = _core_cache(rules)
    cores = {c.id: {k for n in c.names if (k := core(n))} for c in candidates}
    union = _Union([c.id for c in candidates])
    result = MergeResult()
    named = _namer(rules, cores, core)

    def kept_apart(a: Candidate, b: Candidate) -> DifferentRule | None:
        for rule in rules.different:
            na, nb = named(rule.names, a), named(rule.names, b)
            if na and nb and na != nb:
                return rule
        return None

    programme_members: list[tuple[tuple[int, int], str]] = []
    for rule in rules.same:
        members = [c for c in candidates if named(rule.names, c)]
        if rule.canonical == PROGRAMME:
            programme_members += [(c.id, rule.id) for c in members]
        for other in members[1:]:
            if not kept_apart(members[0], other):
                union.union(members[0].id, other.id, rule.id)

    ordered = sorted(candidates, key=lambda c: c.id)
    for a_id, b_id in _pairs_sharing(ordered, cores):
        a, b = by_id[a_id], by_id[b_id]
        apart = kept_apart(a, b)
        if apart or _both_distinct(a, b, rules):
            reason = (f"rule {apart.id}: {apart.reason}" if apart else
                      "rule catalogue-records-are-distinct: two records of the catalogue "
                      "are two funded projects")
            result.decisions.append(_pair("not merged", a, b, reason, "equal core names"))
            continue
        union.union(a.id, b.id, "same-core-name")

    _considered(ordered, rules, union, result, kept_apart, core)
    _decide_groups(ordered, by_id, union, programme_members, rules, result)
    return result


def _core_cache(rules: MergeRules) -> Callable[[str], str]:
    """`rules.core`, computed once per distinct name."""
    cache: dict[str, str] = {}

    def core(name: str) -> str:
        found = cache.get(name)
        if found is None:
            found = cache[name] = rules.core(name)
        return found
    return core


def _namer(rules: MergeRules, cores: dict[tuple[int, int], set[str]],
           core: Callable[[str], str]) -> Callable[[tuple[str, ...], Candidate], str | None]:
    """Which of a rule's names a candidate bears, if any."""
    rule_cores = {names: tuple((n, core(n)) for n in names)
                  for names in {r.names for r in (*rules.same, *rules.different)}}

    def named(rule_names: tuple[str, ...], candidate: Candidate) -> str | None:
        bears = cores[candidate.id]
        return next((n for n, key in rule_cores[rule_names] if key in bears), None)
    return named


def _both_distinct(a: Candidate, b: Candidate, rules: MergeRules) -> bool:
    return a.extractor == b.extractor and a.extractor in rules.distinct_extractors


def _pairs_sharing(ordered: list[Candidate],
                   keys: dict[tuple[int, int], set[str]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The pairs (a before b) of candidates that share at least one key, in candidate order."""
    index: dict[str, list[tuple[int, int]]] = {}
    for candidate in ordered:
        for key in keys[candidate.id]:
            index.setdefault(key, []).append(candidate.id)
    pairs = {(a, b) for members in index.values() if len(members) > 1
             for i, a in enumerate(members) for b in members[i + 1:]}
    return sorted(pairs)


def _decide_groups(ordered: list[Candidate], by_id: dict[tuple[int, int], Candidate],
                   union: _Union, programme_members: list[tuple[tuple[int, int], str]],
                   rules: MergeRules, result: MergeResult) -> None:
    """Each group of one thing gets its canonical record and a "merged" decision."""
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for c in ordered:
        groups.setdefault(union.find(c.id), []).append(c.id)
    programme_roots = {union.find(cid) for cid, _ in programme_members}
    for root, members in sorted(groups.items()):
        if root in programme_roots:
            for member in members:
                result.canonical[member] = PROGRAMME
            rule_ids = sorted({r for cid, r in programme_members} | set(union.why[root]))
            result.decisions.append({
                "decision": "merged", "rules": rule_ids, "into": PROGRAMME,
                "members": [_describe(by_id[m]) for m in members]})
            result.groups.append(members)
            continue
        if len(members) == 1:
            result.canonical[members[0]] = members[0]
            continue
        canonical = next((m for m in members if by_id[m].extractor in rules.distinct_extractors),
                         members[0])
        for member in members:
            result.canonical[member] = canonical
        result.groups.append(members)
        result.decisions.append({
            "decision": "merged", "rules": union.why[root], "into": _describe(by_id[canonical]),
            "members": [_describe(by_id[m]) for m in members]})


def _considered(ordered: list[Candidate], rules: MergeRules, union: _Union,
                result: MergeResult, kept_apart, core: Callable[[str], str] | None = None) -> None:
    """Pairs sharing a rare word but not merged: listed for a person to look at."""
    core = core or rules.core
    words = {c.id: {w for n in c.names for w in core(n).split()
                    if len(w) >= rules.min_shared_word} for c in ordered}
    frequency = Counter(w for ws in words.values() for w in ws)
    rare = {cid: {w for w in ws if frequency[w] <= rules.max_word_frequency}
            for cid, ws in words.items()}
    by_id = {c.id: c for c in ordered}
    for a_id, b_id in _pairs_sharing(ordered, rare):
        a, b = by_id[a_id], by_id[b_id]
        if union.find(a.id) == union.find(b.id) or _both_distinct(a, b, rules):
            continue
        shared = sorted(rare[a.id] & rare[b.id])
        apart = kept_apart(a, b)
        reason = (f"rule {apart.id}: {apart.reason}" if apart else
                  "the names differ beyond the shared word; no rule says they are the same")
        result.decisions.append(_pair("not merged", a, b, reason,
                                      "shared word " + ", ".join(f"'{w}'" for w in shared)))


def _describe(candidate: Candidate) -> dict[str, Any]:
    return {"name": candidate.name, "document": candidate.document,
            "lines": candidate.where().split(":", 1)[1]}


def _pair(decision: str, a: Candidate, b: Candidate, reason: str, why: str) -> dict[str, Any]:
    return {"decision": decision, "considered_because": why, "reason": reason,
            "members": [_describe(a), _describe(b)]}
