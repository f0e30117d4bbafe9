"""A compiled SHACL engine: shapes become SPARQL queries that Oxigraph runs.

pyshacl walks an rdflib copy of the whole graph node by node in Python; at 30 000 records
(1.8 M triples) that costs minutes and gigabytes. Here every constraint is evaluated for
all focus nodes at once, directly on the `pyoxigraph.Store` (the union of its named graphs
is the data graph, the ontology graph included, which is what pyshacl's `ont_graph=`
gives). The property shapes of a node shape share a few queries: one UNION scan for all
their value checks, one for "at least one value", one self-join for "at most one value"
and unique languages; only candidate failures come back to Python. Queries release the
GIL, so independent ones run on several threads.

The semantics are pyshacl 0.40's (with `inference="none", advanced=True,
allow_warnings=True`, as `publisher.shacl.pyshacl_run` calls it), quirks included, so the
report equals a pyshacl run on the same graph: which nodes are shapes, rdflib's view of
literals (ill-typed values, Python regular expressions, rdflib's ordering for sh:lessThan),
one result per failing language for sh:uniqueLang, sh:detail under sh:node results, every
sh:message variant as a result message, SPARQL messages filled and stripped of their
language, pyshacl's wording where a shape has no message. The report's sh:conforms is
pyshacl's (a sh:Warning shape always conforms). Where SPARQL cannot decide exactly
(datatypes other than strings and integers, ranges over anything but integers and decimals,
patterns outside a small regular-expression subset) SPARQL only narrows the candidates and
Python decides with rdflib's terms.

A top-level shape that uses anything not compiled, or reads literals the store holds in
another form than the data (see `validate_store`), is left out, named with the reason, for
pyshacl to validate; what concerns the whole shapes graph, or turns up while running, raises
`UnsupportedShapes`. Nothing is silently skipped.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDFS, Graph
from rdflib.term import Node

from publisher.shacl.compiled.cardinality import MaxCount, MinCount
from publisher.shacl.compiled.compiler import Compiler, target_focus
from publisher.shacl.compiled.logical import LogicalConstraint, Not
from publisher.shacl.compiled.model import SH, Constraint, Focus, Hit, Evaluation, Result, Shape, ValueCheck
from publisher.shacl.compiled.other import Closed
from publisher.shacl.compiled.property_pair import PairConstraint
from publisher.shacl.compiled.report import ReportWriter
from publisher.shacl.compiled.shape_based import NodeConstraint, PropertyConstraint
from publisher.shacl.compiled.sparql import SparqlConstraint
from publisher.shacl.compiled.string import UniqueLang
from publisher.shacl.compiled.terms import Term, UnsupportedShapes, sparql, string_literal, to_oxigraph, to_rdflib


IRI = re.compile(r"<([^<>]*)>")
SMALL_FOCUS = 2000      # up to this many focus nodes, merged scans start from the focus nodes


class Engine:
    """Runs compiled shapes on a store; caches nested evaluations; threads at the top level."""

    def __init__(self, store: ox.Store, workers: int) -> None:
        self.store = store
        self.workers = workers
        self.cache: dict[tuple[int, str], Evaluation] = {}
        self.tops: dict[int, tuple[Focus, Evaluation]] = {}     # top-level outcomes, for reuse
        self.sizes: dict[str, int] = {}
        self.lock = threading.Lock()

    def select(self, query: str, bindings: dict | None = None) -> list[ox.QuerySolution]:
        try:
            return list(self.store.query(query, use_default_graph_as_union=True,
                                         substitutions=bindings))
        except SyntaxError as error:
            raise UnsupportedShapes(f"a compiled query did not parse ({error}):\n{query}") from error

    def ask(self, query: str) -> bool:
        return bool(self.store.query(query, use_default_graph_as_union=True))

    def select_with_variables(self, query: str, bindings: dict | None = None
                              ) -> list[tuple[ox.QuerySolution, list[str]]]:
        try:
            solutions = self.store.query(query, use_default_graph_as_union=True, substitutions=bindings)
        except SyntaxError as error:
            raise UnsupportedShapes(f"a SPARQL constraint did not parse ({error}):\n{query}") from error
        names = [v.value for v in solutions.variables]
        return [(row, names) for row in solutions]

    # ---------------------------------------------------------------- planning

    def jobs(self, shape: Shape, focus: Focus) -> list[Callable[[], Evaluation]]:
        """Independent units of work for a shape on some focus nodes. Under a node shape
        the property shapes share the focus nodes, so their checks are merged into a few
        scans (see `group_jobs`)."""
        if shape.deactivated:
            return []
        if shape.is_property:
            return self.group_jobs([shape], focus)
        units: list[Callable[[], Evaluation]] = []
        checks = [c for c in shape.constraints if isinstance(c, ValueCheck)]
        if checks:
            units.append(lambda: self.scan(shape, checks, focus))
        children = []
        for constraint in shape.constraints:
            if isinstance(constraint, PropertyConstraint):
                children.append(constraint.child)
            elif not isinstance(constraint, ValueCheck):
                units.append(lambda c=constraint: self.outcome(shape, c, c.run(self, focus)))
        units.extend(lift(job, shape) for job in self.group_jobs(children, focus))
        return units

    def group_jobs(self, shapes: list[Shape], focus: Focus) -> list[Callable[[], Evaluation]]:
        """Property shapes on the same focus nodes: those with a plain predicate as path share
        one scan of their values, one query for "at least one value" and one self-join for
        "at most one value" and unique languages; everything else runs on its own."""
        active = [s for s in shapes if not s.deactivated]
        simple = [s for s in active if s.sparql_path and s.sparql_path.startswith("<")]
        units: list[Callable[[], Evaluation]] = []
        scans = [(s, [c for c in s.constraints if isinstance(c, ValueCheck)]) for s in simple]
        scans = [(s, checks) for s, checks in scans if checks]
        if scans:
            units.append(lambda: self.value_union(scans, focus))
        mins = [c for s in simple for c in s.constraints if isinstance(c, MinCount) and c.count.value == 1]
        if mins:
            units.append(lambda: self.min_union(mins, focus))
        pairs = [c for s in simple for c in s.constraints if isinstance(c, UniqueLang)
                 or (isinstance(c, MaxCount) and c.count.value == 1)]
        if pairs:
            units.append(lambda: self.pair_union(pairs, focus))
        merged = {id(c) for c in mins + pairs}
        for s in active:
            for constraint in s.constraints:
                if id(constraint) in merged or isinstance(constraint, ValueCheck):
                    continue
                if isinstance(constraint, PropertyConstraint):
                    units.append(lambda s=s, c=constraint: self.property_of_property(s, c, focus))
                else:
                    units.append(lambda s=s, c=constraint: self.outcome(s, c, c.run(self, focus)))
            if s not in simple:
                checks = [c for c in s.constraints if isinstance(c, ValueCheck)]
                if checks:
                    units.append(lambda s=s, checks=checks: self.scan(s, checks, focus))
        return units

    def property_of_property(self, shape: Shape, constraint: PropertyConstraint, focus: Focus) -> Evaluation:
        """sh:property under a property shape: the child runs on our value nodes."""
        inner = self.evaluate(constraint.child, constraint.value_focus(focus))
        outcome = Evaluation()
        concerned = set(inner.results) | inner.failing
        for f, v in constraint.pairs(self, focus, concerned):
            for result in inner.results.get(v, ()):
                outcome.results[f].append(result)
            if v in inner.failing and shape.may_fail:
                outcome.failing.add(f)
        return outcome

    def outcome(self, shape: Shape, constraint: Constraint, hits: list[Hit]) -> Evaluation:
        outcome = Evaluation()
        for hit in hits:
            outcome.add(Result(constraint, hit), shape.may_fail)
        return outcome

    # ---------------------------------------------------------------- running

    def evaluate(self, shape: Shape, focus: Focus) -> Evaluation:
        """All results of `shape` on `focus` (nested use: in the calling thread, cached)."""
        key = (id(shape), focus.template)
        with self.lock:
            cached = self.cache.get(key)
        if cached is not None:
            return cached
        reused = self.reuse(shape, focus)
        if reused is not None:
            return reused
        outcome = Evaluation()
        for job in self.jobs(shape, focus):
            outcome.merge(job())
        with self.lock:
            return self.cache.setdefault(key, outcome)

    def reuse(self, shape: Shape, focus: Focus) -> Evaluation | None:
        """The outcome of a top-level shape, when these focus nodes are all among its own
        (a shape's results on a node do not depend on the other focus nodes)."""
        top = self.tops.get(id(shape))
        if top is None or "SELECT" in top[0].template:
            return None
        top_focus, outcome = top
        if top_focus.template == focus.template:
            return outcome
        outside = self.ask(f"ASK {{ {focus.bind('?__x')} FILTER NOT EXISTS {{ {top_focus.bind('?__x')} }} }}")
        return None if outside else outcome

    def run_top_level(self, plans: list[tuple[Shape, Focus]]) -> list[Evaluation]:
        """Every job of every top-level shape, on `workers` threads; one outcome per shape.
        Shapes that others reach through sh:node, sh:or... run first, so their outcomes
        can be reused."""
        levels = dependency_levels([shape for shape, _ in plans])
        outcomes = [Evaluation() for _ in plans]
        for level in sorted(set(levels)):
            chosen = [i for i, lv in enumerate(levels) if lv == level]
            jobs = [(i, job) for i in chosen for job in self.jobs(*plans[i])]
            for index, outcome in self.run_jobs(jobs):
                outcomes[index].merge(outcome)
            for i in chosen:
                self.tops[id(plans[i][0])] = (plans[i][1], outcomes[i])
        return outcomes

    def run_jobs(self, jobs: list[tuple[int, Callable[[], Evaluation]]]) -> list[tuple[int, Evaluation]]:
        if self.workers > 1 and len(jobs) > 1:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                return list(pool.map(lambda item: (item[0], item[1]()), jobs))
        return [(index, job()) for index, job in jobs]

    def scan(self, shape: Shape, checks: list[ValueCheck], focus: Focus) -> Evaluation:
        """All value checks of a shape in one pass over its (focus, value) pairs."""
        v = shape.value_var()
        conditions = [f"COALESCE({c.condition(v)}, true)" for c in checks]
        flags = " ".join(f"({c} AS ?__c{i})" for i, c in enumerate(conditions))
        query = (f"SELECT DISTINCT ?this ({v} AS ?__v) {flags} WHERE {{ {focus.bind('?this')} "
                 f"{shape.value_pattern()} FILTER({' || '.join(conditions)}) }}")
        outcome = Evaluation()
        converted: dict[Term, Node] = {}
        for row in self.select(query):
            self.confirm_row(outcome, shape, checks, row, [f"__c{i}" for i in range(len(checks))],
                             row["__v"], converted)
        return outcome

    def value_union(self, scans: list[tuple[Shape, list[ValueCheck]]], focus: Focus) -> Evaluation:
        """The value checks of several property shapes in one UNION: each branch reads one
        predicate and keeps only candidate failures."""
        branches = []
        for k, (shape, checks) in enumerate(scans):
            conditions = [f"COALESCE({c.condition('?value')}, true)" for c in checks]
            flags = " ".join(f"BIND({c} AS ?__c{k}_{i})" for i, c in enumerate(conditions))
            path, test = shape.sparql_path, " || ".join(conditions)
            if any(c.looks_up for c in checks) and not self.small(focus):
                # lookups (rdf:type of the value) once per distinct value, not per triple
                candidates = (f"{{ SELECT DISTINCT ?value WHERE {{ ?__s {path} ?value }} }} "
                              f"FILTER({test}) ?this {path} ?value")
            else:
                candidates = f"?this {path} ?value FILTER({test})"
            branches.append(f"{{ {{ {candidates} }} BIND({k} AS ?__k) {flags} }}")
        names = " ".join(f"?__c{k}_{i}" for k, (_, checks) in enumerate(scans) for i in range(len(checks)))
        query = f"SELECT DISTINCT ?this ?value ?__k {names} WHERE {{ {self.union(focus, branches)} }}"
        outcome = Evaluation()
        converted: dict[Term, Node] = {}
        for row in self.select(query):
            k = int(row["__k"].value)
            shape, checks = scans[k]
            self.confirm_row(outcome, shape, checks, row, [f"__c{k}_{i}" for i in range(len(checks))],
                             row["value"], converted)
        return outcome

    def confirm_row(self, outcome: Evaluation, shape: Shape, checks: list[ValueCheck], row: ox.QuerySolution,
                    flags: list[str], value: Term, converted: dict[Term, Node]) -> None:
        """Results for the checks a row flags, decided in Python where SPARQL only narrowed."""
        for check, flag in zip(checks, flags):
            if row[flag] is None or row[flag].value != "true":
                continue
            if not check.exact:
                rdf = converted.get(value)
                if rdf is None:
                    rdf = converted[value] = to_rdflib(value)
                if not check.confirm(rdf):
                    continue
            outcome.add(Result(check, Hit(row["this"], value)), shape.may_fail)

    def min_union(self, constraints: list[MinCount], focus: Focus) -> Evaluation:
        """sh:minCount 1 of several property shapes: focus nodes without a value."""
        listed = " ".join(f"({k} {c.shape.sparql_path})" for k, c in enumerate(constraints))
        query = (f"SELECT DISTINCT ?this ?__k WHERE {{ {focus.bind('?this')} VALUES (?__k ?__p) "
                 f"{{ {listed} }} FILTER NOT EXISTS {{ ?this ?__p ?__v }} }}")
        return self.keyed_hits(constraints, query)

    def pair_union(self, constraints: list[Constraint], focus: Focus) -> Evaluation:
        """sh:maxCount 1 and sh:uniqueLang of several property shapes: two distinct values
        (of one language) on a focus node, found by a self-join per predicate."""
        branches = []
        for k, c in enumerate(constraints):
            same = "!sameTerm(?__a, ?__b)"
            if isinstance(c, UniqueLang):
                same += (" && isLiteral(?__a) && isLiteral(?__b) && LANG(?__a) != \"\" && "
                         "LCASE(LANG(?__a)) = LCASE(LANG(?__b))")
            branches.append(f"{{ {{ ?this {c.shape.sparql_path} ?__a , ?__b FILTER({same}) }} "
                            f"BIND({k} AS ?__k) BIND(IF(isLiteral(?__a), LCASE(LANG(?__a)), \"\") AS ?__l) }}")
        query = f"SELECT DISTINCT ?this ?__k ?__l WHERE {{ {self.union(focus, branches)} }}"
        return self.keyed_hits(constraints, query)

    def union(self, focus: Focus, branches: list[str]) -> str:
        """Branches joined with the focus nodes. SPARQL evaluates each branch on its own, over
        every subject of its predicate: fine for many focus nodes, wasteful for a few, which
        are then bound inside each branch instead."""
        if self.small(focus):
            return " UNION ".join(f"{{ {focus.bind('?this')} {b} }}" for b in branches)
        return f"{focus.bind('?this')} {' UNION '.join(branches)}"

    def small(self, focus: Focus) -> bool:
        """Whether the focus nodes are few (counted once per focus pattern)."""
        with self.lock:
            size = self.sizes.get(focus.template)
        if size is None:
            rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {focus.bind('?__x')} }}")
            size = int(rows[0]["n"].value)
            with self.lock:
                self.sizes[focus.template] = size
        return size <= SMALL_FOCUS

    def keyed_hits(self, constraints: Sequence[Constraint], query: str) -> Evaluation:
        """One result per focus node and constraint (and language, for sh:uniqueLang)."""
        outcome, seen = Evaluation(), set()
        for row in self.select(query):
            constraint = constraints[int(row["__k"].value)]
            language = row["__l"] if isinstance(constraint, UniqueLang) else None
            key = (row["this"], int(row["__k"].value), language.value if language else None)
            if key in seen:
                continue
            seen.add(key)
            outcome.add(Result(constraint, Hit(row["this"])), constraint.shape.may_fail)
        return outcome


def nested_shapes(shape: Shape, seen: set[int] | None = None) -> list[Shape]:
    """Shapes evaluated on value nodes when `shape` is (through its property shapes too)."""
    seen = set() if seen is None else seen
    found = []
    for constraint in shape.constraints:
        if isinstance(constraint, NodeConstraint):
            reached = [constraint.target]
        elif isinstance(constraint, LogicalConstraint):
            reached = list(constraint.members)
        elif isinstance(constraint, Not):
            reached = [constraint.member]
        elif isinstance(constraint, PropertyConstraint):
            reached = [constraint.child]
        else:
            reached = []
        for other in reached:
            if id(other) not in seen:
                seen.add(id(other))
                found.append(other)
                found.extend(nested_shapes(other, seen))
    return found


def reads(shape: Shape) -> set[str] | None:
    """The predicates whose values evaluating the shape may see (None: any at all)."""
    found: set[str] = set()
    for one in [shape] + nested_shapes(shape):
        found.update(IRI.findall(one.sparql_path or ""))
        for constraint in one.constraints:
            if isinstance(constraint, (Closed, SparqlConstraint)):
                return None
            if isinstance(constraint, PairConstraint):
                found.add(str(constraint.other))
    return found


def dependency_levels(shapes: list[Shape]) -> list[int]:
    """For each top-level shape: 0, or one more than the top-level shapes it reaches."""
    ids = {id(s) for s in shapes}
    reaches = {id(s): [o for o in nested_shapes(s) if id(o) in ids and o is not s] for s in shapes}
    memo: dict[int, int] = {}

    def level(shape: Shape) -> int:
        if id(shape) not in memo:
            memo[id(shape)] = 0          # shapes are not recursive (refused when compiling)
            memo[id(shape)] = 1 + max((level(o) for o in reaches[id(shape)]), default=-1)
        return memo[id(shape)]
    return [level(s) for s in shapes]


def lift(job: Callable[[], Evaluation], parent: Shape) -> Callable[[], Evaluation]:
    """A property shape's failures fail its node shape unless that one may not fail."""
    if parent.may_fail:
        return job
    return lambda: Evaluation(job().results, set())


def subclass_finder(engine: Engine) -> Callable[[Node], list[Term]]:
    """Each class with its subclasses in the data (rdfs:subClassOf*, as pyshacl follows it)."""
    cache: dict[Node, list[Term]] = {}

    def find(cls: Node) -> list[Term]:
        if cls not in cache:
            term = to_oxigraph(cls)
            rows = engine.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ {sparql(term)} }}")
            cache[cls] = [term] + [r["c"] for r in rows if r["c"] != term]
        return cache[cls]
    return find


def regex_checker(engine: Engine) -> Callable[[str, str], bool]:
    """Whether Oxigraph compiles a regular expression (an error would hide failures)."""
    def check(pattern: str, flags: str) -> bool:
        query = f"SELECT (REGEX(\"\", {string_literal(pattern)}, \"{flags}\") AS ?ok) {{}}"
        return engine.select(query)[0]["ok"] is not None
    return check


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass
class EngineReport:
    """What the engine found: the report graph as pyshacl writes it (sh:conforms as pyshacl
    says), the data's blank nodes that results name (to name them), the triples that give
    the shapes it validated their targets, and the top-level shapes it left, each with why."""

    graph: Graph
    conforms: bool
    data: Graph
    targets: list[tuple[Node, Node, Node]]
    left: dict[Node, str]


def validate_store(store: ox.Store, shapes: Graph, *, rewritten: Collection[str] = (),
                   unchecked_sparql: Collection[Node] = (),
                   namespaces: Iterable[tuple[str, str]] | None = None,
                   workers: int | None = None) -> EngineReport:
    """Validate the union of the store's graphs against `shapes`, as pyshacl would.

    A top-level shape is left out (in `left`), before any query on the data, when it is not
    compiled, uses a SPARQL constraint in `unchecked_sparql` (SPARQL that Oxigraph and rdflib
    may evaluate differently in corners, such as a steward's own), or reads a predicate in
    `rewritten` (literals the store holds in another form than the data pyshacl would read).
    Raises UnsupportedShapes when the shapes graph as a whole, or the data, uses what is not
    compiled. `namespaces` are the prefixes of the data graph pyshacl would see."""
    engine = Engine(store, workers or default_workers())
    compiler = Compiler(shapes, subclass_finder(engine), regex_checker(engine), unchecked_sparql)
    rewritten = set(rewritten)
    top, left = [], {}
    for node in compiler.top_level():
        try:
            shape, focus = compiler.shape(node), target_focus(compiler, node)
        except UnsupportedShapes as reason:
            left[node] = str(reason)
            continue
        read = reads(shape)
        if rewritten and (read is None or read & rewritten or any(
                str(p) in rewritten for p in shapes.objects(node, SH.targetObjectsOf))):
            left[node] = "it reads literals that a store writes in another form"
            continue
        top.append((shape, focus))
    outcomes = engine.run_top_level(top)
    results = [r for outcome in outcomes for rs in outcome.results.values() for r in rs]
    pyshacl_conforms = not any(outcome.failing for outcome in outcomes)
    if not pyshacl_conforms and not results:
        raise UnsupportedShapes("the data does not conform but no result explains why")
    writer = ReportWriter(shapes, store, namespaces)
    report = writer.write(pyshacl_conforms, results)
    if any(str(p) in rewritten for p in writer.data.predicates()):
        raise UnsupportedShapes("a blank node the report copies has literals that a store writes "
                                "in another form")
    targets = [t for shape, _ in top for t in compiler.target_triples(shape.node)]
    return EngineReport(report, pyshacl_conforms, writer.data, targets, left)
