"""A compiled SHACL engine for the build gate: shapes become SPARQL queries that Oxigraph runs.

pyshacl walks an rdflib copy of the whole graph node by node in Python; at 30 000 records
(1.8 M triples) that costs minutes and gigabytes. Here every constraint is evaluated for
all focus nodes at once, directly on the `pyoxigraph.Store` (the union of its named graphs
is the data graph, the ontology graph included, which is what pyshacl's `ont_graph=`
gives). The property shapes of a node shape share a few queries: one UNION scan for all
their value checks, one for "at least one value", one self-join for "at most one value"
and unique languages; only candidate failures come back to Python. Queries release the
GIL, so independent ones run on several threads.

The semantics are pyshacl 0.40's (with `inference="none", advanced=True,
allow_warnings=True`, as `publisher.shacl.validation.validate_graph` calls it), quirks included, so
the report equals a pyshacl run on the same graph: which nodes are shapes, rdflib's view of
literals (ill-typed values, Python regular expressions, rdflib's ordering for sh:lessThan),
one result per failing language for sh:uniqueLang, sh:detail under sh:node results, every
sh:message variant as a result message, SPARQL messages filled and stripped of their
language, pyshacl's wording where a shape has no message. The report's sh:conforms is
pyshacl's (a sh:Warning shape always conforms); the outcome's `conforms` is
validate_graph's (no result above sh:Warning). Where SPARQL cannot decide exactly
(datatypes other than strings and integers, ranges over anything but integers and decimals,
patterns outside a small regular-expression subset) SPARQL only narrows the candidates and
Python decides with rdflib's terms.

Anything not compiled raises `UnsupportedShapes` naming the shape and the feature, so a
caller can fall back to pyshacl; nothing is silently skipped.
"""
from __future__ import annotations

import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from datetime import date, datetime, time
from typing import Any

import pyoxigraph as ox
from pyshacl.errors import ValidationFailure
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.rdfutil import clone_blank_node, compare_literal, stringify_node
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from publisher.shacl.validation import ValidationOutcome, report_results

SH = Namespace("http://www.w3.org/ns/shacl#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
Term = ox.NamedNode | ox.BlankNode | ox.Literal

ALLOWED_SEVERITIES = frozenset({SH.Warning, SH.Info})     # allow_warnings=True
SMALL_FOCUS = 2000      # up to this many focus nodes, merged scans start from the focus nodes
STRING_TYPES = f"(<{XSD.string}>, <{RDF.langString}>)"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
#: Features pyshacl evaluates (advanced mode) that this engine does not compile.
UNCOMPILED_PARAMETERS = {SH.qualifiedValueShape: "sh:qualifiedValueShape",
                         SH.qualifiedMinCount: "sh:qualifiedMinCount",
                         SH.qualifiedMaxCount: "sh:qualifiedMaxCount",
                         SH.expression: "sh:expression (SHACL-AF node expressions)",
                         SH.target: "sh:target (SHACL-AF custom targets)",
                         SH.rule: "sh:rule (SHACL-AF rules)"}
UNCOMPILED_TYPES = {SH.SPARQLFunction: "SHACL-AF functions", SH.Function: "SHACL-AF functions",
                    SH.SPARQLTargetType: "SHACL-AF target types",
                    SH.TargetType: "SHACL-AF target types", SH.SPARQLRule: "SHACL-AF rules",
                    SH.TripleRule: "SHACL-AF rules"}


class UnsupportedShapes(Exception):
    """A shape uses a feature this engine does not compile; validate with pyshacl instead."""


# ====================================================================== terms

def to_rdflib(term: Term) -> Node:
    """The rdflib term pyshacl sees for a store term (through N-Triples: xsd:string is plain)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise UnsupportedShapes(f"RDF-star term {term} in the data: not compiled")


def to_oxigraph(node: Node) -> Term:
    """The store term for an rdflib term of the shapes graph."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))
    raise UnsupportedShapes(f"unexpected node {node!r} in the shapes graph")


def matchable(node: Node) -> Term | None:
    """The store term equal (in rdflib's sense) to a shapes-graph term, if any can be.

    The store rewrites some literals (xsd:nonNegativeInteger becomes xsd:integer, "+1"
    becomes "1"), so a shape's literal may equal no stored term at all."""
    if isinstance(node, BNode):
        return None          # a blank node of the shapes graph is never a data node
    term = stored(to_oxigraph(node))
    return term if to_rdflib(term) == node else None


def stored(term: Term) -> Term:
    """The term as a store keeps it."""
    if not isinstance(term, ox.Literal):
        return term
    scratch = ox.Store()
    scratch.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), term))
    return next(iter(scratch)).object


def sparql(node: Node | Term) -> str:
    """A term in SPARQL syntax."""
    return str(node if isinstance(node, (ox.NamedNode, ox.BlankNode, ox.Literal))
               else to_oxigraph(node))


def string_literal(text: str) -> str:
    return str(ox.Literal(text))


# ====================================================================== focus nodes

@dataclass(frozen=True)
class Focus:
    """The focus nodes of one evaluation, as a SPARQL group that binds the placeholder ?__F."""

    template: str
    depth: int = 0

    def bind(self, var: str) -> str:
        return self.template.replace("?__F", var)

    def nested(self, path: str) -> Focus:
        """The value nodes reached from these focus nodes through `path`, distinct."""
        parent = f"?__p{self.depth}"
        return Focus(f"{{ SELECT DISTINCT ?__F WHERE {{ {self.bind(parent)} "
                     f"{parent} {path} ?__F }} }}", self.depth + 1)


# ====================================================================== compiled shapes

@dataclass(eq=False)
class Shape:
    node: Node
    path: Node | None              # the rdflib path node (reported as sh:resultPath)
    sparql_path: str | None
    severity: Node
    messages: tuple[Literal, ...]
    deactivated: bool
    label: str                     # how error messages name the shape
    constraints: list[Constraint] = field(default_factory=list)

    @property
    def is_property(self) -> bool:
        return self.path is not None

    @property
    def may_fail(self) -> bool:
        """pyshacl (allow_warnings) counts a Warning or Info shape as conforming."""
        return self.severity not in ALLOWED_SEVERITIES

    def value_var(self) -> str:
        return "?value" if self.is_property else "?this"

    def value_pattern(self) -> str:
        return f"?this {self.sparql_path} ?value ." if self.is_property else ""


@dataclass
class Hit:
    """One validation result a constraint found, in store terms."""

    focus: Term
    value: Term | None = None
    path: Node | None = None            # overrides the shape's path (sh:closed, SPARQL ?path)
    details: list[Result] = field(default_factory=list)
    bindings: Any = None                # SPARQL variables for filling messages
    source: Node | None = None          # the sh:sparql node


@dataclass
class Result:
    constraint: Constraint
    hit: Hit


@dataclass
class Outcome:
    """What evaluating a shape gave: results per focus node and the focus nodes that fail."""

    results: dict[Term, list[Result]] = field(default_factory=lambda: defaultdict(list))
    failing: set[Term] = field(default_factory=set)

    def add(self, result: Result, fails: bool) -> None:
        self.results[result.hit.focus].append(result)
        if fails:
            self.failing.add(result.hit.focus)

    def merge(self, other: Outcome) -> None:
        for focus, results in other.results.items():
            self.results[focus].extend(results)
        self.failing |= other.failing


class Names:
    """Renders nodes as pyshacl does in its messages (data nodes with rdflib's default prefixes)."""

    def __init__(self, shapes: Graph, data: Graph) -> None:
        self.shapes = shapes
        self.data = data

    def shape_node(self, node: Node) -> str:
        return stringify_node(self.shapes, node)

    def data_node(self, node: Node | Term | None) -> str:
        rdf = to_rdflib(node) if isinstance(node, (ox.NamedNode, ox.BlankNode, ox.Literal)) else node
        try:
            return stringify_node(self.data, rdf)
        except (LookupError, ValueError):
            return str(rdf)


# ====================================================================== constraints

class Constraint:
    """One constraint component of one shape."""

    component: URIRef

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        raise NotImplementedError

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return []

    def messages(self, hit: Hit, names: Names) -> list[Literal]:
        """The shape's sh:message values, all languages; pyshacl's wording when there are none."""
        return list(self.shape.messages) or self.generic_messages(hit, names)

    def path_text(self, names: Names) -> str:
        return names.shape_node(self.shape.path)


class ValueCheck(Constraint):
    """A constraint on each value node alone: checked for all values in one scan per shape.

    `condition` is a SPARQL expression over the value variable that is true for every value
    that may fail; `confirm` decides those exactly when SPARQL alone cannot."""

    exact = True
    looks_up = False        # the condition reads the graph (rdf:type of the value)

    def condition(self, var: str) -> str:
        raise NotImplementedError

    def confirm(self, value: Node) -> bool:
        """True if the value fails (only called when `exact` is False)."""
        raise NotImplementedError


class ClassCheck(ValueCheck):
    component = SH.ClassConstraintComponent
    looks_up = True

    def __init__(self, shape: Shape, cls: Node, classes: list[Node], subclasses: list[Term]) -> None:
        super().__init__(shape)
        self.cls, self.classes, self.subclasses = cls, classes, subclasses

    def condition(self, var: str) -> str:
        if len(self.subclasses) == 1:
            return f"NOT EXISTS {{ {var} <{RDF.type}> {sparql(self.subclasses[0])} }}"
        listed = " ".join(sparql(c) for c in self.subclasses)
        return f"NOT EXISTS {{ VALUES ?__t {{ {listed} }} {var} <{RDF.type}> ?__t }}"

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.classes) < 2:
            return [Literal(f"Value does not have class {names.shape_node(self.classes[0])}")]
        rules = ", ".join(names.shape_node(c) for c in self.classes)
        return [Literal(f"Value class is not in classes ({rules})")]


class DatatypeCheck(ValueCheck):
    component = SH.DatatypeConstraintComponent

    def __init__(self, shape: Shape, datatype: Node) -> None:
        super().__init__(shape)
        self.datatype = datatype
        self.exact = datatype in (XSD.string, RDF.langString)

    def condition(self, var: str) -> str:
        if self.datatype == XSD.string:
            return f"!(isLiteral({var}) && datatype({var}) = <{XSD.string}>)"
        if self.datatype == RDF.langString:
            return f"!(isLiteral({var}) && LANG({var}) != \"\")"
        if self.datatype == XSD.integer:
            return (f"!(isLiteral({var}) && datatype({var}) = <{XSD.integer}> && "
                    f"REGEX(STR({var}), \"^[+-]?[0-9]+$\"))")
        return "true"

    def confirm(self, value: Node) -> bool:
        return not datatype_matches(value, self.datatype)

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"Value is not Literal with datatype {names.shape_node(self.datatype)}")]


def datatype_matches(value: Node, rule: Node) -> bool:
    """pyshacl's sh:datatype test on an rdflib term."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == rule:
        return not getattr(value, "ill_typed", False) and actual_datatype(value, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and rule == XSD.string:
        return actual_datatype(value, rule)
    if rule == RDF.langString and value.language:
        return actual_datatype(value, rule)
    return False


ACTUAL_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def actual_datatype(value: Literal, rule: Node) -> bool:
    expected = ACTUAL_TYPES.get(rule)
    return True if expected is None else isinstance(value.value, expected)


NODE_KINDS = {SH.IRI: "!isIRI({v})", SH.BlankNode: "!isBlank({v})", SH.Literal: "!isLiteral({v})",
              SH.BlankNodeOrIRI: "isLiteral({v})", SH.BlankNodeOrLiteral: "isIRI({v})",
              SH.IRIOrLiteral: "isBlank({v})"}


class NodeKindCheck(ValueCheck):
    component = SH.NodeKindConstraintComponent

    def __init__(self, shape: Shape, kind: Node) -> None:
        super().__init__(shape)
        self.kind = kind

    def condition(self, var: str) -> str:
        return NODE_KINDS.get(self.kind, "true").format(v=var)

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"Value is not of Node Kind {names.shape_node(self.kind)}")]


RANGES = {  # parameter: (component, SPARQL operator, pyshacl's test on compare_literal, word)
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, ">", lambda c: c > 0, ">"),
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, ">=", lambda c: c >= 0, ">="),
    SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, "<", lambda c: c < 0, "<"),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, "<=", lambda c: c <= 0, "<=")}
NUMERIC = (XSD.integer, XSD.decimal)


class RangeCheck(ValueCheck):
    exact = False

    def __init__(self, shape: Shape, parameter: URIRef, bound: Literal, bounds: list[Node]) -> None:
        super().__init__(shape)
        self.component, self.operator, self.passes, self.word = RANGES[parameter]
        self.bound, self.bounds = bound, bounds

    def condition(self, var: str) -> str:
        if self.bound.datatype not in NUMERIC or getattr(self.bound, "ill_typed", False):
            return "true"
        return (f"!(isLiteral({var}) && datatype({var}) IN (<{XSD.integer}>, <{XSD.decimal}>) && "
                f"{var} {self.operator} {sparql(self.bound)})")

    def confirm(self, value: Node) -> bool:
        if not isinstance(value, Literal):
            return True
        if isinstance(self.bound.value, str) != isinstance(value.value, str):
            return True
        try:
            return not self.passes(compare_literal(value, self.bound))
        except (TypeError, NotImplementedError):
            return True

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.bounds) < 2:
            return [Literal(f"Value is not {self.word} {names.shape_node(self.bounds[0])}")]
        rules = ", ".join(names.shape_node(b) for b in self.bounds)
        return [Literal(f"Value is not {self.word} in ({rules})")]


def value_string(value: Node) -> str:
    """pyshacl's string form of a value node for length and pattern checks."""
    if isinstance(value, Literal) and value.value is not None and \
            value.datatype in (None, RDF.langString, XSD.string):
        return str(value.value)
    return str(value)


def maybe_not_string(var: str) -> str:
    """Values whose string pyshacl takes from rdflib rather than from the store."""
    return f"isBlank({var}) || (isLiteral({var}) && !(datatype({var}) IN {STRING_TYPES}))"


class LengthCheck(ValueCheck):
    exact = False

    def __init__(self, shape: Shape, limit: Literal, minimum: bool) -> None:
        super().__init__(shape)
        self.limit, self.minimum = limit, minimum
        self.component = SH.MinLengthConstraintComponent if minimum else SH.MaxLengthConstraintComponent

    def condition(self, var: str) -> str:
        operator = "<" if self.minimum else ">"
        return f"{maybe_not_string(var)} || STRLEN(STR({var})) {operator} {int(self.limit.value)}"

    def confirm(self, value: Node) -> bool:
        if isinstance(value, BNode):
            return True
        length = len(value_string(value))
        return length < self.limit.value if self.minimum else length > self.limit.value

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        word = ">=" if self.minimum else "<="
        return [Literal(f"String length not {word} {names.data_node(self.limit)}")]


#: Regular expressions that Rust's regex crate (Oxigraph) and Python's re read alike on
#: strings without a line break: literal characters, simple classes, groups without "(?",
#: the usual quantifiers and anchors, and backslash before punctuation only.
SAFE_REGEX = re.compile(r"(?:[^\\\[\]{}]|\\[^A-Za-z0-9\s]|\{\d+(?:,\d*)?\}"
                        r"|\[\^?(?:[^\\\[\]]|\\[^A-Za-z0-9\s])+\])*")


def rust_compatible(pattern: str) -> bool:
    return (SAFE_REGEX.fullmatch(pattern) is not None and "(?" not in pattern
            and not any(op in pattern for op in ("&&", "--", "~~")))


class PatternCheck(ValueCheck):
    component = SH.PatternConstraintComponent
    exact = False

    def __init__(self, shape: Shape, pattern: Literal, patterns: list[Literal],
                 flags: str, oxigraph_ok: bool) -> None:
        super().__init__(shape)
        self.pattern, self.patterns, self.flags = pattern, patterns, flags
        self.oxigraph_ok = oxigraph_ok and "i" not in flags
        python_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
        text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
        self.regex = re.compile(text, python_flags)
        self.text = text

    def condition(self, var: str) -> str:
        if not self.oxigraph_ok:
            return "true"
        flags = "m" if "m" in self.flags else ""
        return (f"{maybe_not_string(var)} || CONTAINS(STR({var}), \"\\n\") || "
                f"!REGEX(STR({var}), {string_literal(self.text)}, \"{flags}\")")

    def confirm(self, value: Node) -> bool:
        if isinstance(value, BNode):
            return True
        return self.regex.search(value_string(value)) is None

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.patterns) < 2:
            return [Literal(f"Value does not match pattern '{self.patterns[0].value}'")]
        rules = "', '".join(str(p.value) for p in self.patterns)
        return [Literal(f"Value does not match every pattern in ('{rules}')")]


class LanguageInCheck(ValueCheck):
    component = SH.LanguageInConstraintComponent

    def __init__(self, shape: Shape, list_node: Node, languages: set[str]) -> None:
        super().__init__(shape)
        self.list_node, self.languages = list_node, languages

    def condition(self, var: str) -> str:
        untagged = f"!isLiteral({var}) || LANG({var}) = \"\""
        if "*" in self.languages:
            return untagged
        listed = ", ".join(string_literal(lang) for lang in sorted(self.languages))
        if not listed:
            return "true"
        return (f"{untagged} || !(LCASE(LANG({var})) IN ({listed}) || (CONTAINS(LANG({var}), \"-\")"
                f" && LCASE(STRBEFORE(LANG({var}), \"-\")) IN ({listed})))")

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"String language is not in {names.shape_node(self.list_node)}")]


class InCheck(ValueCheck):
    component = SH.InConstraintComponent

    def __init__(self, shape: Shape, members: set[Node]) -> None:
        super().__init__(shape)
        self.members = members                    # a set, iterated as pyshacl iterates it
        self.terms = [t for t in (matchable(m) for m in members) if t is not None]

    def condition(self, var: str) -> str:
        if not self.terms:
            return "true"
        return "!(" + " || ".join(f"sameTerm({var}, {sparql(t)})" for t in self.terms) + ")"

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        listed = [names.shape_node(m) for m in self.members]
        return [Literal(f"Value {names.data_node(hit.value)} not in list {listed}")]


# ---------------------------------------------------------------- counting and focus-level

class CountConstraint(Constraint):
    """sh:minCount or sh:maxCount: how many distinct values the path gives."""

    word = ""

    def __init__(self, shape: Shape, count: Literal) -> None:
        super().__init__(shape)
        self.count = count

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"{self.word} than {self.count.value} values on "
                        f"{names.data_node(hit.focus)}->{self.path_text(names)}")]


class MinCount(CountConstraint):
    component = SH.MinCountConstraintComponent
    word = "Less"

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        n = int(self.count.value)
        if n == 0:
            return []
        path = self.shape.sparql_path
        if n == 1:
            query = (f"SELECT DISTINCT ?this WHERE {{ {focus.bind('?this')} "
                     f"FILTER NOT EXISTS {{ ?this {path} ?__v }} }}")
        else:
            query = (f"SELECT ?this WHERE {{ {focus.bind('?this')} OPTIONAL {{ ?this {path} ?__v }} }}"
                     f" GROUP BY ?this HAVING (COUNT(DISTINCT ?__v) < {n})")
        return [Hit(row["this"]) for row in engine.select(query)]


class MaxCount(CountConstraint):
    component = SH.MaxCountConstraintComponent
    word = "More"

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        query = (f"SELECT ?this WHERE {{ {focus.bind('?this')} ?this {self.shape.sparql_path} ?__v }}"
                 f" GROUP BY ?this HAVING (COUNT(DISTINCT ?__v) > {int(self.count.value)})")
        return [Hit(row["this"]) for row in engine.select(query)]


class UniqueLang(Constraint):
    component = SH.UniqueLangConstraintComponent

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        query = (f"SELECT ?this ?__l WHERE {{ {focus.bind('?this')} ?this {self.shape.sparql_path} "
                 f"?__v FILTER(isLiteral(?__v) && LANG(?__v) != \"\") BIND(LCASE(LANG(?__v)) AS ?__l) }}"
                 f" GROUP BY ?this ?__l HAVING (COUNT(DISTINCT ?__v) > 1)")
        return [Hit(row["this"]) for row in engine.select(query)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal("More than one String shares the same Language")]


class HasValue(Constraint):
    component = SH.HasValueConstraintComponent

    def __init__(self, shape: Shape, wanted: Node, wanted_all: set[Node]) -> None:
        super().__init__(shape)
        self.wanted, self.wanted_all = wanted, wanted_all

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        term = matchable(self.wanted)
        if term is None:
            condition = ""
        elif self.shape.is_property:
            condition = f"FILTER NOT EXISTS {{ ?this {self.shape.sparql_path} {sparql(term)} }}"
        else:
            condition = f"FILTER(!sameTerm(?this, {sparql(term)}))"
        query = f"SELECT DISTINCT ?this WHERE {{ {focus.bind('?this')} {condition} }}"
        return [Hit(row["this"]) for row in engine.select(query)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        wanted = [names.shape_node(w) for w in self.wanted_all]
        if self.shape.is_property:
            return [Literal(f"Node {names.data_node(hit.focus)}->{self.path_text(names)} "
                            f"does not contain a value in the set: {wanted}")]
        return [Literal(f"Node {names.data_node(hit.focus)} value is not a in the set of values: {wanted}")]


# ---------------------------------------------------------------- property pairs

class PairConstraint(Constraint):
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals against one other property."""

    word = ""

    def __init__(self, shape: Shape, other: Node, others: set[Node]) -> None:
        super().__init__(shape)
        self.other, self.others = other, others

    def base(self, focus: Focus) -> str:
        return f"{focus.bind('?this')} {self.shape.value_pattern()}"

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.others) < 2:
            rules = names.shape_node(next(iter(self.others)))
        else:
            rules = ", ".join(names.shape_node(p) for p in self.others)
        return [Literal(f"Value of {names.data_node(hit.focus)}->{rules} {self.word} "
                        f"{names.data_node(hit.value)}")]


class Equals(PairConstraint):
    component = SH.EqualsConstraintComponent
    word = "!="

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        v, other = self.shape.value_var(), sparql(self.other)
        missing = (f"SELECT DISTINCT ?this ({v} AS ?__x) WHERE {{ {self.base(focus)} "
                   f"FILTER NOT EXISTS {{ ?this {other} {v} }} }}")
        own = f"?this {self.shape.sparql_path} ?__x" if self.shape.is_property else "FILTER(sameTerm(?this, ?__x))"
        extra = (f"SELECT DISTINCT ?this ?__x WHERE {{ {focus.bind('?this')} ?this {other} ?__x "
                 f"FILTER NOT EXISTS {{ {own} }} }}")
        return [Hit(row["this"], row["__x"]) for query in (missing, extra) for row in engine.select(query)]


class Disjoint(PairConstraint):
    component = SH.DisjointConstraintComponent
    word = "=="

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        v = self.shape.value_var()
        query = (f"SELECT DISTINCT ?this ({v} AS ?__x) WHERE {{ {self.base(focus)} "
                 f"?this {sparql(self.other)} {v} }}")
        return [Hit(row["this"], row["__x"]) for row in engine.select(query)]


class LessThan(PairConstraint):
    """Each value against each value of the other property, as pyshacl compares rdflib terms."""

    def __init__(self, shape: Shape, other: Node, others: set[Node], or_equal: bool) -> None:
        super().__init__(shape, other, others)
        self.or_equal = or_equal
        self.component = (SH.LessThanOrEqualsConstraintComponent if or_equal
                          else SH.LessThanConstraintComponent)
        self.word = "<" if or_equal else "<="

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        v, op = self.shape.value_var(), "<=" if self.or_equal else "<"
        clear = (f"datatype({v}) IN (<{XSD.integer}>, <{XSD.decimal}>) && "
                 f"datatype(?__c) IN (<{XSD.integer}>, <{XSD.decimal}>) && {v} {op} ?__c")
        query = (f"SELECT DISTINCT ?this ({v} AS ?__x) ?__c WHERE {{ {self.base(focus)} "
                 f"OPTIONAL {{ ?this {sparql(self.other)} ?__c }} FILTER(isBlank({v}) || "
                 f"(BOUND(?__c) && (isBlank(?__c) || !COALESCE({clear}, false)))) }}")
        hits = []
        for row in engine.select(query):
            if isinstance(row["__x"], ox.BlankNode) or isinstance(row["__c"], ox.BlankNode):
                raise UnsupportedShapes(f"{self.shape.label}: pyshacl cannot compare the blank node "
                                        f"value of {row['this']} with sh:lessThan(OrEquals)")
            if row["__c"] is not None and self.fails(to_rdflib(row["__x"]), to_rdflib(row["__c"])):
                hits.append(Hit(row["this"], row["__x"]))
        return hits

    def fails(self, value: Node, other: Node) -> bool:
        """pyshacl's comparison: strings (IRIs and string literals) only with strings."""
        left, left_str = comparable(value)
        right, right_str = comparable(other)
        if left_str != right_str:
            return True
        return not (left <= right if self.or_equal else left < right)


def comparable(node: Node) -> tuple[Any, bool]:
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


class Closed(Constraint):
    component = SH.ClosedConstraintComponent

    def __init__(self, shape: Shape, allowed: set[Node]) -> None:
        super().__init__(shape)
        self.allowed = allowed

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        v = self.shape.value_var()
        listed = ", ".join(sparql(p) for p in self.allowed if isinstance(p, URIRef))
        allowed = f"FILTER(!(?__p IN ({listed})))" if listed else ""
        query = (f"SELECT DISTINCT ?this ({v} AS ?__s) ?__p ?__o WHERE {{ {focus.bind('?this')} "
                 f"{self.shape.value_pattern()} {v} ?__p ?__o {allowed} "
                 f"FILTER(!(sameTerm(?__p, <{RDF.type}>) && sameTerm(?__o, <{RDFS.Resource}>))) }}")
        return [Hit(row["this"], row["__o"], path=to_rdflib(row["__p"])) for row in engine.select(query)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"Node {names.data_node(hit.focus)} is closed. "
                        f"It cannot have value: {names.data_node(hit.value)}")]


# ---------------------------------------------------------------- shape-based

class NestedConstraint(Constraint):
    """A constraint that evaluates other shapes on this shape's value nodes."""

    def value_focus(self, focus: Focus) -> Focus:
        return focus.nested(self.shape.sparql_path) if self.shape.is_property else focus

    def pairs(self, engine: Engine, focus: Focus, values: set[Term]) -> list[tuple[Term, Term]]:
        """(focus, value) pairs for the given value nodes."""
        if not values:
            return []
        if not self.shape.is_property:
            return [(v, v) for v in values]
        listed = " ".join(sparql(v) for v in values)
        query = (f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?value {{ {listed} }} "
                 f"{focus.bind('?this')} {self.shape.value_pattern()} }}")
        return [(row["this"], row["value"]) for row in engine.select(query)]

    def all_values(self, engine: Engine, focus: Focus) -> set[Term]:
        inner = self.value_focus(focus)
        return {row["v"] for row in engine.select(f"SELECT DISTINCT ?v WHERE {{ {inner.bind('?v')} }}")}


class NodeConstraint(NestedConstraint):
    component = SH.NodeConstraintComponent

    def __init__(self, shape: Shape, target: Shape, targets: list[Node]) -> None:
        super().__init__(shape)
        self.target, self.targets = target, targets

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        outcome = engine.evaluate(self.target, self.value_focus(focus))
        failing = set(outcome.failing) | {f for f, results in outcome.results.items() if results}
        return [Hit(f, v, details=list(outcome.results.get(v, ())))
                for f, v in self.pairs(engine, focus, failing)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.targets) < 2:
            text = f"Value does not conform to Shape {names.shape_node(self.targets[0])}."
        else:
            rules = "', '".join(names.shape_node(t) for t in self.targets)
            text = f"Value must conform to every Shape in ('{rules}')."
        return [Literal(text + " See details for more information.")]


class PropertyConstraint(NestedConstraint):
    """sh:property under a property shape: the child's results, attributed to our focus.

    (Under a node shape the child shapes are evaluated as part of the parent instead.)"""

    component = SH.PropertyConstraintComponent

    def __init__(self, shape: Shape, child: Shape) -> None:
        super().__init__(shape)
        self.child = child

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        raise AssertionError("property constraints are expanded by Engine.evaluate")


class LogicalConstraint(NestedConstraint):
    """sh:or, sh:and, sh:xone, sh:not: each value node against member shapes' conformance."""

    keyword = ""

    def __init__(self, shape: Shape, members: list[Shape], list_node: Node, lists: list[Node]) -> None:
        super().__init__(shape)
        self.members, self.list_node, self.lists = members, list_node, lists

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        inner = self.value_focus(focus)
        failing = [engine.evaluate(m, inner).failing for m in self.members]
        return [Hit(f, v) for f, v in self.pairs(engine, focus, self.violators(engine, focus, failing))]

    def violators(self, engine: Engine, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        raise NotImplementedError

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        def items(list_node: Node) -> str:
            return " , ".join(names.shape_node(m) for m in names.shapes.items(list_node))
        if len(self.lists) < 2:
            text = items(self.lists[0])
        else:
            text = " and ".join(f"({items(n)})" for n in self.lists)
        return [Literal(f"Node {names.data_node(hit.value)} must conform to {self.keyword} {text}")]


class Or(LogicalConstraint):
    component = SH.OrConstraintComponent
    keyword = "one or more shapes in"

    def violators(self, engine: Engine, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        return set.intersection(*failing) if failing else set()


class And(LogicalConstraint):
    component = SH.AndConstraintComponent
    keyword = "all shapes in"

    def violators(self, engine: Engine, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        return set.union(*failing) if failing else set()


class Xone(LogicalConstraint):
    component = SH.XoneConstraintComponent
    keyword = "exactly one shape in"

    def violators(self, engine: Engine, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        if not failing:
            return set()
        return {v for v in self.all_values(engine, focus)
                if sum(v not in f for f in failing) != 1}


class Not(NestedConstraint):
    component = SH.NotConstraintComponent

    def __init__(self, shape: Shape, member: Shape, members: list[Node]) -> None:
        super().__init__(shape)
        self.member, self.member_nodes = member, members

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        failing = engine.evaluate(self.member, self.value_focus(focus)).failing
        conforming = self.all_values(engine, focus) - failing
        return [Hit(f, v) for f, v in self.pairs(engine, focus, conforming)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        value = names.data_node(hit.value)
        if len(self.member_nodes) == 1:
            return [Literal(f"Node {value} must not conform to shape "
                            f"{names.shape_node(self.member_nodes[0])}")]
        listed = " , ".join(names.shape_node(n) for n in self.member_nodes)
        return [Literal(f"Node {value} must not conform to any shapes in {listed}")]


class InlineLogical(ValueCheck):
    """sh:or, sh:and, sh:xone or sh:not whose member shapes are plain value checks (such as
    `[ sh:class vcard:Kind ]`): decided in the value scan of the shape that uses it."""

    def __init__(self, original: Constraint, members: list[Shape], combine: str) -> None:
        super().__init__(original.shape)
        self.original, self.members, self.combine = original, members, combine
        self.component = original.component
        self.looks_up = any(c.looks_up for m in members for c in m.constraints)

    @staticmethod
    def inlinable(member: Shape) -> bool:
        return not member.is_property and all(isinstance(c, ValueCheck) and c.exact
                                              for c in member.constraints)

    @staticmethod
    def member_fails(member: Shape, var: str) -> str:
        if member.deactivated or not member.may_fail or not member.constraints:
            return "false"
        return "(" + " || ".join(f"COALESCE({c.condition(var)}, true)" for c in member.constraints) + ")"

    def condition(self, var: str) -> str:
        fails = [self.member_fails(m, var) for m in self.members]
        if self.combine == "or":
            return "(" + " && ".join(fails) + ")"
        if self.combine == "and":
            return "(" + " || ".join(fails) + ")"
        if self.combine == "xone":
            return "((" + " + ".join(f"IF({f}, 0, 1)" for f in fails) + ") != 1)"
        return f"!{fails[0]}"

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return self.original.generic_messages(hit, names)


def inline(constraint: Constraint, members: list[Shape], combine: str) -> Constraint:
    """The logical constraint as a value check when all its members allow it."""
    if members and all(InlineLogical.inlinable(m) for m in members):
        return InlineLogical(constraint, members, combine)
    return constraint


# ---------------------------------------------------------------- SHACL-SPARQL

class SparqlConstraint(Constraint):
    """A sh:sparql SELECT constraint, with pyshacl's pre-binding, results and messages."""

    component = SH.SPARQLConstraintComponent

    def __init__(self, shape: Shape, node: Node, query: SelectQuery,
                 messages: set[Literal] | None) -> None:
        super().__init__(shape)
        self.node, self.query, self.extra = node, query, messages

    def run(self, engine: Engine, focus: Focus) -> list[Hit]:
        rows: Iterable[tuple[Term, dict[str, Term]]]
        if self.query.injectable:
            text = self.query.injected(focus.bind("?this"))
            rows = ((row["this"], self.row_dict(row, variables)) for row, variables in
                    engine.select_with_variables(text))
        else:
            rows = self.per_focus_rows(engine, focus)
        return self.hits(rows)

    def per_focus_rows(self, engine: Engine, focus: Focus) -> Iterator[tuple[Term, dict[str, Term]]]:
        """Queries the injection could change (subqueries, aggregates): one run per focus node,
        with SPARQL substitution standing in for pyshacl's pre-binding."""
        nodes = [row["this"] for row in engine.select(f"SELECT DISTINCT ?this WHERE {{ {focus.bind('?this')} }}")]
        text = self.query.per_focus()
        for node in nodes:
            for row, variables in engine.select_with_variables(text, {ox.Variable("this"): node}):
                yield node, self.row_dict(row, variables)

    def row_dict(self, row: ox.QuerySolution, variables: list[str]) -> dict[str, Term]:
        """The row's bound variables among those the constraint's own SELECT projects."""
        return {name: row[name] for name in variables
                if name in self.query.projected and row[name] is not None}

    def hits(self, rows: Iterable[tuple[Term, dict[str, Term]]]) -> list[Hit]:
        """pyshacl's reading of result rows, deduplicated per focus node."""
        result_value = None if self.shape.is_property else "focus"
        seen: set[tuple[Any, ...]] = set()
        hits = []
        for focus, values in rows:
            values = dict(values)
            if "failure" in values:
                values.pop("failure")
                key = (focus, True)
                if key not in seen:
                    seen.add(key)
                    hits.append(Hit(focus, focus if result_value else None, bindings=self.rdf(values),
                                    source=self.node))
                continue
            path, value, this = values.pop("path", None), values.pop("value", None), values.pop("this", None)
            if path is None and value is None and this is None:
                continue
            key = (focus, this, path, value, tuple(sorted(values.items(), key=lambda kv: kv[0])))
            if key in seen:
                continue
            seen.add(key)
            target = this or focus
            shown = value if value is not None else (focus if result_value else None)
            bound = (to_rdflib(this) if this is not None else None,
                     to_rdflib(path) if path is not None else None,
                     to_rdflib(shown) if shown is not None else None, self.rdf(values))
            hits.append(Hit(target, shown, path=to_rdflib(path) if path is not None else None,
                            bindings=bound, source=self.node))
        return hits

    @staticmethod
    def rdf(values: dict[str, Term]) -> dict[str, Node]:
        return {name: to_rdflib(term) for name, term in values.items()}

    def messages(self, hit: Hit, names: Names) -> list[Literal]:
        """make_v_result of pyshacl: constraint messages filled with the row and untagged."""
        own = list(self.shape.messages)
        out: list[Literal] = []
        if self.extra:
            for message in self.extra:
                if message in own:
                    continue
                out.append(Literal(fill_message(str(message.value), hit.bindings)))
        for message in own:
            out.append(Literal(fill_message(str(message.value), hit.bindings)))
        return out


def fill_message(text: str, bindings: Any) -> str:
    """pyshacl's {?var} substitution, including its use of re.sub."""
    values: dict[str, Node] = {}
    if isinstance(bindings, tuple):
        this, path, value, extra = bindings
        values.update(extra)
        for name, node in (("this", this), ("path", path), ("value", value)):
            if node is not None:
                values[name] = node
    elif isinstance(bindings, dict):
        values.update(bindings)
    for name, node in values.items():
        text = re.sub("{{[?$]{}}}".format(name), str(node), text)
    return text


@dataclass
class SelectQuery:
    """The text of a sh:select with its prefixes, and how it can be run for many focus nodes."""

    text: str
    projected: set[str]
    injectable: bool
    insert_at: int

    def with_projection(self, names: Sequence[str]) -> tuple[str, int]:
        """The query also projecting `names` (pre-bound variables must be projected)."""
        missing = "".join(f" ?{n}" for n in names if n not in self.projected)
        head, tail = self.text[:self.insert_at], self.text[self.insert_at:]
        head = re.sub(r"(?i)\bSELECT(\s+(?:DISTINCT|REDUCED))?", lambda m: m.group(0) + missing, head,
                      count=1)
        return head + tail, len(head)

    def injected(self, focus_pattern: str) -> str:
        """The query with the focus nodes bound at the start of its WHERE group (one run)."""
        text, at = self.with_projection(["this"])
        return f"{text[:at]} {focus_pattern} {text[at:]}"

    def per_focus(self) -> str:
        return self.with_projection(["this"])[0]


def projected_variables(projection: str) -> set[str]:
    """Variables a SELECT clause projects: bare ones and those named by AS."""
    clause = re.split(r"(?i)\bSELECT\b", projection, maxsplit=1)[-1]
    named = set(re.findall(r"(?i)\bAS\s+[$?](\w+)", clause))
    depth, bare = 0, []
    for token in re.findall(r"\(|\)|[$?]\w+", clause):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            bare.append(token[1:])
    return named | set(bare)


# ====================================================================== compiling

class Compiler:
    """Turns the shapes graph into `Shape` objects, checking what pyshacl would reject."""

    def __init__(self, shapes: Graph, store_classes: Callable[[Node], list[Term]],
                 oxigraph_regex: Callable[[str, str], bool]) -> None:
        self.graph = shapes
        self.subclasses = store_classes
        self.oxigraph_regex = oxigraph_regex
        self.kinds = self.discover()
        self.compiled: dict[Node, Shape] = {}
        self.compiling: set[Node] = set()
        self.check_global_features()

    # ---------------------------------------------------------------- discovery

    def discover(self) -> dict[Node, bool]:
        """Every shape pyshacl knows (node -> is it a property shape), as pyshacl finds them."""
        g = self.graph
        node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
        prop_shapes = set(g.subjects(RDF.type, SH.PropertyShape))
        for s in node_shapes:
            if (s, SH.path, None) in g:
                raise UnsupportedShapes(f"{self.name(s)}: a sh:NodeShape with sh:path (pyshacl rejects it)")
        for s in prop_shapes:
            if s in node_shapes or len(set(g.objects(s, SH.path))) != 1:
                raise UnsupportedShapes(f"{self.name(s)}: a sh:PropertyShape needs exactly one sh:path")
        implied = {s for p in TARGETS + (SH.property, SH.node) for s in g.subjects(p, None)}
        used = {o for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape) for o in g.objects(None, p)}
        for p in (SH["and"], SH["or"], SH.xone):
            for list_node in g.objects(None, p):
                members = list(g.items(list_node))
                if not members:
                    raise UnsupportedShapes(f"{self.name(list_node)}: an empty list of shapes")
                used.update(members)
        kinds = {s: False for s in node_shapes}
        kinds.update({s: True for s in prop_shapes})
        for s in (implied | used) - set(kinds):
            paths = set(g.objects(s, SH.path))
            if len(paths) > 1:
                raise UnsupportedShapes(f"{self.name(s)}: more than one sh:path")
            kinds[s] = bool(paths)
        return kinds

    def check_global_features(self) -> None:
        g = self.graph
        for t, feature in UNCOMPILED_TYPES.items():
            for node in g.subjects(RDF.type, t):
                user = next(g.subjects(None, node), node)
                raise UnsupportedShapes(f"{self.name(user)}: {feature} are not compiled")
        for s in g.subjects(RDF.type, SH.ConstraintComponent):
            if not str(s).startswith(str(SH)):
                raise UnsupportedShapes(f"{self.name(s)}: custom constraint components are not compiled")
        for s in g.subjects(RDFS.subClassOf, SH.ConstraintComponent):
            raise UnsupportedShapes(f"{self.name(s)}: custom constraint components are not compiled")

    def top_level(self) -> list[Node]:
        """Shapes that select their own focus nodes (the others are only reached from these)."""
        return [s for s in self.kinds if self.has_targets(s)]

    def has_targets(self, node: Node) -> bool:
        """Targets of its own (SHACL-AF sh:target too: refused when the shape is compiled)."""
        return any((node, p, None) in self.graph for p in TARGETS + (SH.target,)) \
            or self.implicit_class(node)

    def implicit_class(self, node: Node) -> bool:
        classes = set(self.graph.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class, OWL.Class}
        return any(t in classes for t in self.graph.objects(node, RDF.type))

    def target_classes(self, node: Node) -> list[Node]:
        found = list(self.graph.objects(node, SH.targetClass))
        return found + [node] if self.implicit_class(node) else found

    def name(self, node: Node) -> str:
        """A shape as people read it: its name, or its node shape and path."""
        if isinstance(node, URIRef):
            return stringify_node(self.graph, node)
        parent = next(self.graph.subjects(SH.property, node), None)
        path = self.graph.value(node, SH.path)
        if parent is not None and path is not None:
            return f"{self.name(parent)} › {stringify_node(self.graph, path)}"
        return stringify_node(self.graph, node)

    # ---------------------------------------------------------------- shapes

    def shape(self, node: Node) -> Shape:
        if node in self.compiling:
            raise UnsupportedShapes(f"{self.name(node)}: recursive shapes are not compiled")
        if node in self.compiled:
            return self.compiled[node]
        if node not in self.kinds:
            raise UnsupportedShapes(f"{self.name(node)} is used as a shape but is not one")
        self.compiling.add(node)
        shape = self.header(node)
        if not shape.deactivated:      # pyshacl never reads a deactivated shape's constraints
            shape.constraints = self.constraints(shape)
        self.compiling.discard(node)
        self.compiled[node] = shape
        return shape

    def header(self, node: Node) -> Shape:
        g = self.graph
        deactivated = list(g.objects(node, SH.deactivated))
        if len(deactivated) > 1 or (deactivated and not isinstance(deactivated[0], Literal)):
            raise UnsupportedShapes(f"{self.name(node)}: sh:deactivated must be one literal")
        severities = set(g.objects(node, SH.severity))
        if len(severities) > 1:
            raise UnsupportedShapes(f"{self.name(node)}: more than one sh:severity")
        path = g.value(node, SH.path) if self.kinds[node] else None
        return Shape(node=node, path=path,
                     sparql_path=self.path(path, node) if path is not None else None,
                     severity=next(iter(severities), SH.Violation),
                     messages=tuple(set(g.objects(node, SH.message))),
                     deactivated=bool(deactivated and deactivated[0].value), label=self.name(node))

    def path(self, node: Node, shape: Node, inverse: bool = False, depth: int = 0) -> str:
        """A SHACL path as a SPARQL property path, read the way pyshacl walks it."""
        g = self.graph
        if isinstance(node, URIRef):
            return ("^" if inverse else "") + sparql(node)
        if isinstance(node, Literal) or depth >= 10:
            raise UnsupportedShapes(f"{self.name(shape)}: the path {node} cannot be read")
        first = g.value(node, RDF.first)
        if first is not None:
            rest = g.value(node, RDF.rest)
            if rest in (None, RDF.nil):
                if depth == 0:
                    raise UnsupportedShapes(f"{self.name(shape)}: a sequence path needs two steps")
                return self.path(first, shape, inverse, depth + 1)
            return f"({self.path(first, shape, inverse, depth + 1)}/{self.path(rest, shape, inverse, depth + 1)})"
        inner = g.value(node, SH.inversePath)
        if inner is not None:
            return self.path(inner, shape, not inverse, depth + 1)
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            items = [self.path(a, shape, inverse, depth + 1) for a in g.items(alternatives)]
            if len(items) < 2:
                raise UnsupportedShapes(f"{self.name(shape)}: sh:alternativePath needs two paths")
            return "(" + "|".join(items) + ")"
        for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return f"({self.path(inner, shape, inverse, depth + 1)}){suffix}"
        raise UnsupportedShapes(f"{self.name(shape)}: the path {node} is not a SHACL path")

    # ---------------------------------------------------------------- constraints

    def constraints(self, shape: Shape) -> list[Constraint]:
        g, node = self.graph, shape.node
        present = {p for p, _ in g.predicate_objects(node)}
        for parameter, feature in UNCOMPILED_PARAMETERS.items():
            if parameter in present:
                raise UnsupportedShapes(f"{shape.label}: {feature} is not compiled")
        built: list[Constraint] = []
        for parameter, build in self.builders.items():
            if parameter in present:
                built.extend(build(shape, list(g.objects(node, parameter))))
        return built

    @cached_property
    def builders(self) -> dict[URIRef, Callable[[Shape, list[Node]], list[Constraint]]]:
        """How each constraint parameter is compiled (in pyshacl's order of components)."""
        return {
            SH["class"]: self.classes, SH.datatype: self.datatype, SH.nodeKind: self.node_kind,
            SH.minCount: self.min_count, SH.maxCount: self.max_count,
            SH.minExclusive: self.ranges(SH.minExclusive), SH.minInclusive: self.ranges(SH.minInclusive),
            SH.maxExclusive: self.ranges(SH.maxExclusive), SH.maxInclusive: self.ranges(SH.maxInclusive),
            SH["not"]: self.negation, SH["and"]: self.logical(And),
            SH["or"]: self.logical(Or), SH.xone: self.logical(Xone),
            SH.minLength: self.length(True), SH.maxLength: self.length(False),
            SH.pattern: self.pattern, SH.languageIn: self.language_in, SH.uniqueLang: self.unique_lang,
            SH.equals: self.pairs(Equals), SH.disjoint: self.pairs(Disjoint),
            SH.lessThan: self.less_than(False), SH.lessThanOrEquals: self.less_than(True),
            SH.node: self.node, SH.property: self.property, SH.closed: self.closed,
            SH.ignoredProperties: self.ignored, SH.hasValue: self.has_value, SH["in"]: self.members,
            SH.sparql: self.sparql}

    def one(self, shape: Shape, values: list[Node], parameter: str) -> Node:
        if len(values) != 1:
            raise UnsupportedShapes(f"{shape.label}: {parameter} must have exactly one value")
        return values[0]

    def integer(self, shape: Shape, values: list[Node], parameter: str, property_only: bool) -> Literal:
        value = self.one(shape, values, parameter)
        if property_only and not shape.is_property:
            raise UnsupportedShapes(f"{shape.label}: {parameter} on a node shape (pyshacl rejects it)")
        if not isinstance(value, Literal) or not isinstance(value.value, int) or value.value < 0 \
                or isinstance(value.value, bool):
            raise UnsupportedShapes(f"{shape.label}: {parameter} must be a non-negative integer")
        return value

    def classes(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        return [ClassCheck(shape, c, values, self.subclasses(c)) for c in values]

    def datatype(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        return [DatatypeCheck(shape, self.one(shape, values, "sh:datatype"))]

    def node_kind(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        return [NodeKindCheck(shape, self.one(shape, values, "sh:nodeKind"))]

    def min_count(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        count = self.integer(shape, values, "sh:minCount", property_only=True)
        if count.datatype != XSD.integer:
            raise UnsupportedShapes(f"{shape.label}: sh:minCount must be an xsd:integer")
        return [MinCount(shape, count)]

    def max_count(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        count = self.integer(shape, values, "sh:maxCount", property_only=True)
        if count.datatype != XSD.integer:
            raise UnsupportedShapes(f"{shape.label}: sh:maxCount must be an xsd:integer")
        return [MaxCount(shape, count)]

    def ranges(self, parameter: URIRef) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            if not all(isinstance(v, Literal) for v in values):
                raise UnsupportedShapes(f"{shape.label}: a range bound must be a literal")
            return [RangeCheck(shape, parameter, v, values) for v in values]
        return build

    def length(self, minimum: bool) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            name = "sh:minLength" if minimum else "sh:maxLength"
            limit = self.integer(shape, values, name, property_only=False)
            if minimum and limit.value == 0:
                return []
            return [LengthCheck(shape, limit, minimum)]
        return build

    def pattern(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        if not all(isinstance(v, Literal) for v in values):
            raise UnsupportedShapes(f"{shape.label}: sh:pattern must be a literal")
        flags_node = next(iter(set(self.graph.objects(shape.node, SH.flags))), None)
        flags = str(flags_node.value).lower() if flags_node is not None and flags_node.value else ""
        checks = []
        for p in values:
            text = str(p.value) if p.value is not None and len(p.value) > 1 else str(p)
            try:
                re.compile(text)
            except re.error as error:
                raise UnsupportedShapes(f"{shape.label}: sh:pattern {text!r} is not a regular "
                                        f"expression: {error}") from error
            fast = rust_compatible(text) and self.oxigraph_regex(text, "m" if "m" in flags else "")
            checks.append(PatternCheck(shape, p, values, flags, fast))
        return checks

    def language_in(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        list_node = self.one(shape, values, "sh:languageIn")
        languages = set()
        for item in self.graph.items(list_node):
            if not isinstance(item, Literal) or not isinstance(item.value, str):
                raise UnsupportedShapes(f"{shape.label}: sh:languageIn takes string literals")
            languages.add(str(item.value).lower())
        return [LanguageInCheck(shape, list_node, languages)]

    def unique_lang(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        flag = self.one(shape, values, "sh:uniqueLang")
        if not shape.is_property or not isinstance(flag, Literal) or not isinstance(flag.value, bool):
            raise UnsupportedShapes(f"{shape.label}: sh:uniqueLang must be a boolean on a property shape")
        if not flag.value:
            raise UnsupportedShapes(f"{shape.label}: sh:uniqueLang false (pyshacl fails the shape "
                                    "without a result) is not compiled")
        return [UniqueLang(shape)]

    def pairs(self, kind: type[PairConstraint]) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            others = set(values)
            return [kind(shape, v, others) for v in others]
        return build

    def less_than(self, or_equal: bool) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            others = set(values)
            if not shape.is_property or not all(isinstance(v, URIRef) for v in others):
                raise UnsupportedShapes(f"{shape.label}: sh:lessThan(OrEquals) takes IRIs, "
                                        "on a property shape")
            return [LessThan(shape, v, others, or_equal) for v in others]
        return build

    def node(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for value in values:
            target = self.shape(value)
            if target.is_property:
                raise UnsupportedShapes(f"{shape.label}: sh:node points to a property shape")
            built.append(NodeConstraint(shape, target, values))
        return built

    def property(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for value in values:
            child = self.shape(value)
            if not child.is_property:
                raise UnsupportedShapes(f"{shape.label}: sh:property points to {child.label}, "
                                        "which is not a property shape")
            built.append(PropertyConstraint(shape, child))
        return built

    def negation(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for value in values:
            member = self.shape(value)
            built.append(inline(Not(shape, member, values), [member], "not"))
        return built

    def logical(self, kind: type[LogicalConstraint]) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            built = []
            for list_node in values:
                items = list(self.graph.items(list_node))
                if kind is not Xone:
                    items = list(dict.fromkeys(items))      # pyshacl takes a set
                members = [self.shape(i) for i in items]
                built.append(inline(kind(shape, members, list_node, values), members,
                                    kind.__name__.lower()))
            return built
        return build

    def closed(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        flag = self.one(shape, values, "sh:closed")
        if not isinstance(flag, Literal):
            raise UnsupportedShapes(f"{shape.label}: sh:closed must be a boolean literal")
        if not flag.value:
            return []
        allowed = set()
        for list_node in self.graph.objects(shape.node, SH.ignoredProperties):
            allowed.update(self.graph.items(list_node))
        for child in self.graph.objects(shape.node, SH.property):
            child_shape = self.shape(child)
            if not child_shape.is_property:
                raise UnsupportedShapes(f"{shape.label}: sh:property of a closed shape is not a "
                                        "property shape")
            allowed.add(child_shape.path)
        return [Closed(shape, allowed)]

    def ignored(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        if (shape.node, SH.closed, None) not in self.graph:
            raise UnsupportedShapes(f"{shape.label}: sh:ignoredProperties without sh:closed")
        return []        # read by `closed`

    def has_value(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        wanted = set(values)
        return [HasValue(shape, v, wanted) for v in wanted]

    def members(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        members: set[Node] = set()
        for item in self.graph.items(self.one(shape, values, "sh:in")):
            members.add(item)
        return [InCheck(shape, members)]

    def sparql(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for node in set(values):
            selects = list(self.graph.objects(node, SH.select))
            if len(selects) != 1 or not isinstance(selects[0], Literal):
                raise UnsupportedShapes(f"{shape.label}: a sh:sparql constraint needs one sh:select "
                                        "(ASK-based constraints are not compiled)")
            deactivated = self.graph.value(node, SH.deactivated)
            if deactivated is not None and bool(deactivated.value):
                continue
            messages = set(self.graph.objects(node, SH.message)) or None
            built.append(SparqlConstraint(shape, node, self.select(shape, node, str(selects[0])), messages))
        return built

    # ---------------------------------------------------------------- SPARQL text

    def select(self, shape: Shape, node: Node, text: str) -> SelectQuery:
        try:      # pyshacl's own rules: no MINUS, VALUES, SERVICE; $this in nested SELECTs
            SPARQLQueryHelper(None, node, text).check_invalid_sparql(text)
        except ValidationFailure as error:
            raise UnsupportedShapes(f"{shape.label}: pyshacl refuses this SPARQL constraint: "
                                    f"{error.args[0] if error.args else error}") from error
        if re.search(r"[$?]shapesGraph\b", text):
            raise UnsupportedShapes(f"{shape.label}: $shapesGraph in a SPARQL constraint (pyshacl "
                                    "does not support it)")
        if shape.is_property:
            text = re.sub(r"([\s{}()])[$?]PATH", lambda m: m.group(1) + shape.sparql_path, text)
        elif re.search(r"[$?]PATH\b", text):
            raise UnsupportedShapes(f"{shape.label}: $PATH in a SPARQL constraint of a node shape")
        full = self.prefixes(node) + text
        start = where_group_start(full)
        if start is None:
            raise UnsupportedShapes(f"{shape.label}: cannot find the WHERE group of the SPARQL constraint")
        projection = full[:start]
        if re.search(r"(?i)SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", projection):
            raise UnsupportedShapes(f"{shape.label}: SELECT * in a SPARQL constraint is not compiled")
        full = projection + self.current_shape(shape, projection, full[start:])
        complex_query = re.search(r"(?i)\b(SELECT|GROUP\s+BY|HAVING|LIMIT|OFFSET|ORDER\s+BY)\b",
                                  full[start:]) is not None
        return SelectQuery(text=full, projected=projected_variables(projection),
                           injectable=not complex_query, insert_at=start + 1)

    def current_shape(self, shape: Shape, projection: str, body: str) -> str:
        """$currentShape written in as the shape's IRI (what pyshacl pre-binds it to)."""
        if not re.search(r"[$?]currentShape\b", body):
            return body
        if re.search(r"[$?]currentShape\b", projection) or not isinstance(shape.node, URIRef):
            raise UnsupportedShapes(f"{shape.label}: $currentShape projected, or of a blank node "
                                    "shape, is not compiled")
        return re.sub(r"[$?]currentShape\b", sparql(shape.node), body)

    def prefixes(self, node: Node) -> str:
        """PREFIX lines as pyshacl collects them (sh:prefixes, sh:declare of ontologies)."""
        g = self.graph
        found = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        values = set(g.objects(node, SH.prefixes))
        if values:
            named = set(g.objects(g.identifier, SH.declare)) if g.identifier else set()
            ontologies = set(g.subjects(RDF.type, OWL.Ontology))
            global_declares = named | {d for o in ontologies for d in g.objects(o, SH.declare)}
            for value in values:
                own = set(g.objects(value, SH.declare))
                declares = own | named if own and value in ontologies else global_declares | own
                for declare in declares:
                    prefix, namespace = g.value(declare, SH.prefix), g.value(declare, SH.namespace)
                    if prefix is None or namespace is None:
                        raise UnsupportedShapes(f"{self.name(node)}: sh:declare needs sh:prefix and "
                                                "sh:namespace")
                    found[str(prefix.value)] = str(namespace.value)
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in found.items()) + "\n"


def where_group_start(text: str) -> int | None:
    """Index of the '{' that opens the query's WHERE group (outside strings and comments)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i = i + len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            i += re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]).end()
            continue
        elif c == "{":
            return i
        i += 1
    return None


# ====================================================================== evaluation

class Engine:
    """Runs compiled shapes on a store; caches nested evaluations; threads at the top level."""

    def __init__(self, store: ox.Store, workers: int) -> None:
        self.store = store
        self.workers = workers
        self.cache: dict[tuple[int, str], Outcome] = {}
        self.tops: dict[int, tuple[Focus, Outcome]] = {}     # top-level outcomes, for reuse
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

    def jobs(self, shape: Shape, focus: Focus) -> list[Callable[[], Outcome]]:
        """Independent units of work for a shape on some focus nodes. Under a node shape
        the property shapes share the focus nodes, so their checks are merged into a few
        scans (see `group_jobs`)."""
        if shape.deactivated:
            return []
        if shape.is_property:
            return self.group_jobs([shape], focus)
        units: list[Callable[[], Outcome]] = []
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

    def group_jobs(self, shapes: list[Shape], focus: Focus) -> list[Callable[[], Outcome]]:
        """Property shapes on the same focus nodes: those with a plain predicate as path share
        one scan of their values, one query for "at least one value" and one self-join for
        "at most one value" and unique languages; everything else runs on its own."""
        active = [s for s in shapes if not s.deactivated]
        simple = [s for s in active if s.sparql_path and s.sparql_path.startswith("<")]
        units: list[Callable[[], Outcome]] = []
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

    def property_of_property(self, shape: Shape, constraint: PropertyConstraint, focus: Focus) -> Outcome:
        """sh:property under a property shape: the child runs on our value nodes."""
        inner = self.evaluate(constraint.child, constraint.value_focus(focus))
        outcome = Outcome()
        concerned = set(inner.results) | inner.failing
        for f, v in constraint.pairs(self, focus, concerned):
            for result in inner.results.get(v, ()):
                outcome.results[f].append(result)
            if v in inner.failing and shape.may_fail:
                outcome.failing.add(f)
        return outcome

    def outcome(self, shape: Shape, constraint: Constraint, hits: list[Hit]) -> Outcome:
        outcome = Outcome()
        for hit in hits:
            outcome.add(Result(constraint, hit), shape.may_fail)
        return outcome

    # ---------------------------------------------------------------- running

    def evaluate(self, shape: Shape, focus: Focus) -> Outcome:
        """All results of `shape` on `focus` (nested use: in the calling thread, cached)."""
        key = (id(shape), focus.template)
        with self.lock:
            cached = self.cache.get(key)
        if cached is not None:
            return cached
        reused = self.reuse(shape, focus)
        if reused is not None:
            return reused
        outcome = Outcome()
        for job in self.jobs(shape, focus):
            outcome.merge(job())
        with self.lock:
            return self.cache.setdefault(key, outcome)

    def reuse(self, shape: Shape, focus: Focus) -> Outcome | None:
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

    def run_top_level(self, plans: list[tuple[Shape, Focus]]) -> list[Outcome]:
        """Every job of every top-level shape, on `workers` threads; one outcome per shape.
        Shapes that others reach through sh:node, sh:or... run first, so their outcomes
        can be reused."""
        levels = dependency_levels([shape for shape, _ in plans])
        outcomes = [Outcome() for _ in plans]
        for level in sorted(set(levels)):
            chosen = [i for i, lv in enumerate(levels) if lv == level]
            jobs = [(i, job) for i in chosen for job in self.jobs(*plans[i])]
            for index, outcome in self.run_jobs(jobs):
                outcomes[index].merge(outcome)
            for i in chosen:
                self.tops[id(plans[i][0])] = (plans[i][1], outcomes[i])
        return outcomes

    def run_jobs(self, jobs: list[tuple[int, Callable[[], Outcome]]]) -> list[tuple[int, Outcome]]:
        if self.workers > 1 and len(jobs) > 1:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                return list(pool.map(lambda item: (item[0], item[1]()), jobs))
        return [(index, job()) for index, job in jobs]

    def scan(self, shape: Shape, checks: list[ValueCheck], focus: Focus) -> Outcome:
        """All value checks of a shape in one pass over its (focus, value) pairs."""
        v = shape.value_var()
        conditions = [f"COALESCE({c.condition(v)}, true)" for c in checks]
        flags = " ".join(f"({c} AS ?__c{i})" for i, c in enumerate(conditions))
        query = (f"SELECT DISTINCT ?this ({v} AS ?__v) {flags} WHERE {{ {focus.bind('?this')} "
                 f"{shape.value_pattern()} FILTER({' || '.join(conditions)}) }}")
        outcome = Outcome()
        converted: dict[Term, Node] = {}
        for row in self.select(query):
            self.confirm_row(outcome, shape, checks, row, [f"__c{i}" for i in range(len(checks))],
                             row["__v"], converted)
        return outcome

    def value_union(self, scans: list[tuple[Shape, list[ValueCheck]]], focus: Focus) -> Outcome:
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
        outcome = Outcome()
        converted: dict[Term, Node] = {}
        for row in self.select(query):
            k = int(row["__k"].value)
            shape, checks = scans[k]
            self.confirm_row(outcome, shape, checks, row, [f"__c{k}_{i}" for i in range(len(checks))],
                             row["value"], converted)
        return outcome

    def confirm_row(self, outcome: Outcome, shape: Shape, checks: list[ValueCheck], row: ox.QuerySolution,
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

    def min_union(self, constraints: list[MinCount], focus: Focus) -> Outcome:
        """sh:minCount 1 of several property shapes: focus nodes without a value."""
        listed = " ".join(f"({k} {c.shape.sparql_path})" for k, c in enumerate(constraints))
        query = (f"SELECT DISTINCT ?this ?__k WHERE {{ {focus.bind('?this')} VALUES (?__k ?__p) "
                 f"{{ {listed} }} FILTER NOT EXISTS {{ ?this ?__p ?__v }} }}")
        return self.keyed_hits(constraints, query)

    def pair_union(self, constraints: list[Constraint], focus: Focus) -> Outcome:
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

    def keyed_hits(self, constraints: Sequence[Constraint], query: str) -> Outcome:
        """One result per focus node and constraint (and language, for sh:uniqueLang)."""
        outcome, seen = Outcome(), set()
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


def lift(job: Callable[[], Outcome], parent: Shape) -> Callable[[], Outcome]:
    """A property shape's failures fail its node shape unless that one may not fail."""
    if parent.may_fail:
        return job
    return lambda: Outcome(job().results, set())


# ====================================================================== targets

def target_focus(compiler: Compiler, node: Node) -> Focus:
    """The SPARQL group selecting a top-level shape's focus nodes (duplicates allowed)."""
    g, parts = compiler.graph, []
    classes = [c for target in compiler.target_classes(node) for c in compiler.subclasses(target)]
    if classes:
        listed = " ".join(sparql(c) for c in dict.fromkeys(classes))
        parts.append(f"VALUES ?__tc {{ {listed} }} ?__F <{RDF.type}> ?__tc .")
    nodes = [n for n in g.objects(node, SH.targetNode)]
    if any(isinstance(n, BNode) for n in nodes):
        raise UnsupportedShapes(f"{compiler.name(node)}: a blank node as sh:targetNode is not compiled")
    if nodes:
        parts.append("VALUES ?__F { " + " ".join(sparql(n) for n in nodes) + " }")
    for predicate in g.objects(node, SH.targetSubjectsOf):
        parts.append(f"?__F {sparql(predicate)} ?__any .")
    for predicate in g.objects(node, SH.targetObjectsOf):
        parts.append(f"?__any {sparql(predicate)} ?__F .")
    if len(parts) == 1:
        return Focus(parts[0])
    return Focus("{ SELECT DISTINCT ?__F WHERE { " + " UNION ".join(f"{{ {p} }}" for p in parts) + " } }")


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


# ====================================================================== report

class ReportWriter:
    """The validation report graph, triple for triple as pyshacl writes it."""

    def __init__(self, shapes: Graph, store: ox.Store) -> None:
        self.shapes = shapes
        self.store = store
        self.graph = Graph(bind_namespaces="core")
        for prefix, namespace in shapes.namespace_manager.namespaces():
            self.graph.namespace_manager.bind(prefix, namespace)
        self.data = Graph()            # rdflib's default prefixes, as the data graph pyshacl sees
        self.names = Names(shapes, self.data)

    def write(self, conforms: bool, results: list[Result]) -> Graph:
        self.copy_blank_data(results)
        report = BNode()
        self.graph.add((report, RDF.type, SH.ValidationReport))
        self.graph.add((report, SH.conforms, Literal(conforms)))
        for result in results:
            self.graph.add((report, SH.result, self.result(result)))
        return self.graph

    def result(self, result: Result) -> BNode:
        constraint, hit, g = result.constraint, result.hit, self.graph
        shape, node = constraint.shape, BNode()
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.sourceConstraintComponent, constraint.component))
        g.add((node, SH.sourceShape, self.from_shapes(shape.node)))
        g.add((node, SH.resultSeverity, shape.severity))
        g.add((node, SH.focusNode, self.from_data(hit.focus)))
        if hit.value is not None:
            g.add((node, SH.value, self.from_data(hit.value)))
        path = hit.path if hit.path is not None else shape.path
        if path is not None:
            g.add((node, SH.resultPath, self.from_shapes(path)))
        if hit.source is not None:
            g.add((node, SH.sourceConstraint, self.from_shapes(hit.source)))
        for message in constraint.messages(hit, self.names):
            g.add((node, SH.resultMessage, message))
        for detail in hit.details:
            g.add((node, SH.detail, self.result(detail)))
        return node

    def from_shapes(self, node: Node) -> Node:
        if isinstance(node, BNode):
            return clone_blank_node(self.shapes, node, self.graph, keepid=True)
        return node

    def from_data(self, term: Term) -> Node:
        node = to_rdflib(term)
        if isinstance(node, BNode):
            return clone_blank_node(self.data, node, self.graph, keepid=True)
        return node

    def copy_blank_data(self, results: list[Result]) -> None:
        """Blank nodes of the data that results name, with what they say (for the report and
        messages) and how they are reached (for naming them), as rdflib triples."""
        blanks = [t for r in walk(results) for t in (r.hit.focus, r.hit.value)
                  if isinstance(t, ox.BlankNode)]
        self.follow(blanks, lambda t: self.store.quads_for_pattern(t, None, None, None),
                    lambda q: q.object, depth=12)
        self.follow(blanks, lambda t: self.store.quads_for_pattern(None, None, t, None),
                    lambda q: q.subject, depth=4)

    def follow(self, start: list[Term], quads: Callable[[Term], Iterable[ox.Quad]],
               onward: Callable[[ox.Quad], Term], depth: int) -> None:
        """Copy the triples `quads` gives for each node, going on through blank nodes."""
        layer, seen = list(dict.fromkeys(start)), set(start)
        for _ in range(depth):
            following = []
            for term in layer:
                for quad in quads(term):
                    self.data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                                   to_rdflib(quad.object)))
                    nxt = onward(quad)
                    if isinstance(nxt, ox.BlankNode) and nxt not in seen:
                        seen.add(nxt)
                        following.append(nxt)
            layer = following


def walk(results: Sequence[Result]) -> Iterator[Result]:
    for result in results:
        yield result
        yield from walk(result.hit.details)


# ====================================================================== entry point

def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def validate_store(store: ox.Store, shapes: Graph, *, lang: str = "en",
                   workers: int | None = None) -> ValidationOutcome:
    """Validate the union of the store's graphs against `shapes`, as pyshacl would.

    Raises UnsupportedShapes (before any query on the data) when a shape uses a feature
    that is not compiled."""
    engine = Engine(store, workers or default_workers())
    compiler = Compiler(shapes, subclass_finder(engine), regex_checker(engine))
    top = [(compiler.shape(node), target_focus(compiler, node)) for node in compiler.top_level()]
    outcomes = engine.run_top_level(top)
    results = [r for outcome in outcomes for rs in outcome.results.values() for r in rs]
    pyshacl_conforms = not any(outcome.failing for outcome in outcomes)
    if not pyshacl_conforms and not results:
        raise UnsupportedShapes("the data does not conform but no result explains why")
    writer = ReportWriter(shapes, store)
    report = writer.write(pyshacl_conforms, results)
    found = report_results(report, lang, shapes, writer.data)
    conforms = not any(r.severity not in ("Warning", "Info") for r in found)    # as validate_graph
    return ValidationOutcome(conforms, found, report, lang=lang)
