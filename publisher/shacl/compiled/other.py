"""Other constraints: sh:in, sh:hasValue, sh:closed."""
from __future__ import annotations

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Constraint, Evaluator, Focus, Hit, Names, Shape, ValueCheck
from publisher.shacl.compiled.terms import matchable, sparql, to_rdflib


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


class HasValue(Constraint):
    component = SH.HasValueConstraintComponent

    def __init__(self, shape: Shape, wanted: Node, wanted_all: set[Node]) -> None:
        super().__init__(shape)
        self.wanted, self.wanted_all = wanted, wanted_all

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
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


class Closed(Constraint):
    component = SH.ClosedConstraintComponent

    def __init__(self, shape: Shape, allowed: set[Node]) -> None:
        super().__init__(shape)
        self.allowed = allowed

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
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
