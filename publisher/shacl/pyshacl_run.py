"""pyshacl, as the compiled engine mirrors it (`inference="none", advanced=True,
allow_warnings=True`): the reference the engine is held to, and what validates the shapes the
engine does not compile."""
from __future__ import annotations

from typing import Iterable, Sequence

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.errors import UnreadableInput
from publisher.shacl.graphs import PreparedQueryGraph

SH = Namespace(vocab.SH)


def run_pyshacl(data: Graph, shapes: Graph, focus_nodes: Sequence[str] = (),
                skip: Iterable[tuple[Node, Node, Node]] = ()) -> Graph:
    """pyshacl's report graph. `skip` are triples of the shapes graph that give shapes their
    targets: pyshacl leaves those shapes to whoever validated them (they still count where
    another shape uses them). Shapes pyshacl cannot use raise UnreadableInput."""
    skipped = set(skip)
    if skipped:
        shapes = _without(shapes, skipped)
    target = _validation_graph(data, shapes)
    try:
        _, report, text = pyshacl.validate(
            target, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
            inplace=True, focus_nodes=[URIRef(f) for f in focus_nodes] if focus_nodes else None)
    except ReportableRuntimeError as error:
        raise UnreadableInput(f"the shapes cannot be used: {error.message}",
                              where="shapes") from None
    except RecursionError:
        raise UnreadableInput("the data nests blank nodes too deeply to validate; give the "
                              "nested resources IRIs or flatten the structure") from None
    if not isinstance(report, Graph):
        raise UnreadableInput(f"the shapes cannot be used: {text}", where="shapes")
    return report


def _has_rules(shapes: Graph) -> bool:
    return any(shapes.triples((None, SH["rule"], None)))


def _validation_graph(data: Graph, shapes: Graph) -> Graph:
    """The graph pyshacl works on in place. It shares the data's store unless SHACL rules
    would write into it; then it is a copy."""
    if not _has_rules(shapes) and type(data) in (Graph, PreparedQueryGraph):
        return PreparedQueryGraph(store=data.store, identifier=data.identifier,
                                  namespace_manager=data.namespace_manager)
    graph = PreparedQueryGraph()
    for triple in data:
        graph.add(triple)
    graph.namespace_manager = data.namespace_manager
    return graph


def _without(shapes: Graph, triples: set[tuple[Node, Node, Node]]) -> Graph:
    """A copy of the shapes graph without those triples, with its name and prefixes (pyshacl
    reads sh:declare on the graph's name and writes messages with its prefixes)."""
    copy = Graph(identifier=shapes.identifier, bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    for triple in shapes:
        if triple not in triples:
            copy.add(triple)
    return copy
