"""Property pair constraints: sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Constraint, Evaluator, Focus, Hit, Names, Shape
from publisher.shacl.compiled.terms import UnsupportedShapes, sparql, to_rdflib


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

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
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

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
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

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
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
