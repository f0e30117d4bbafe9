"""The validation report graph, written triple for triple as pyshacl writes it."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox
from pyshacl.rdfutil import clone_blank_node
from rdflib import RDF, BNode, Graph, Literal
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Names, Result
from publisher.shacl.compiled.terms import Term, to_rdflib


class ReportWriter:
    """The validation report graph, triple for triple as pyshacl writes it."""

    def __init__(self, shapes: Graph, store: ox.Store,
                 namespaces: Iterable[tuple[str, str]] | None = None) -> None:
        self.shapes = shapes
        self.store = store
        self.graph = Graph(bind_namespaces="core")
        for prefix, namespace in shapes.namespace_manager.namespaces():
            self.graph.namespace_manager.bind(prefix, namespace)
        # the prefixes of the data graph pyshacl would see: rdflib's defaults for a store
        self.data = Graph() if namespaces is None else Graph(bind_namespaces="none")
        for prefix, namespace in namespaces or ():
            self.data.bind(prefix, namespace, override=True, replace=True)
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
