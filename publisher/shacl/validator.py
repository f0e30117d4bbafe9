"""The one way into SHACL validation, for the build gate, data stewards and the catalogue gate.

The compiled engine validates every top-level shape it compiles, on a pyoxigraph store; pyshacl
validates the others, each shape alone, and the two reports become one, as pyshacl would have
written it for the whole shapes graph (shapes are validated independently of each other).
pyshacl also takes a shape that reads literals a store writes in another form than the data
("1.50"^^xsd:decimal as "1.5"), and one with a SPARQL constraint of a steward's own (Oxigraph
and rdflib differ in corners of SPARQL; our profiles' queries are checked to agree). It takes
everything when the shapes graph as a whole holds what the engine does not compile (SHACL-AF
rules or functions, custom components), and when focus nodes are asked: pyshacl then filters
the focus nodes of nested shapes too, which the engine does not mirror.
"""
from __future__ import annotations

import logging
from typing import Collection, Sequence

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, Namespace
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.compiled.engine import EngineReport, validate_store
from publisher.shacl.compiled.terms import UnsupportedShapes
from publisher.shacl.graphs import to_rdflib, to_store
from publisher.shacl.names import focus_names
from publisher.shacl.outcome import Outcome
from publisher.shacl.pyshacl_run import run_pyshacl
from publisher.shacl.report import report_results, shape_name
from publisher.shacl.sources import source_lines

log = logging.getLogger("publisher.shacl")
SH = Namespace(vocab.SH)
ALL_SHAPES = "*"


def validate(data: ox.Store | Graph, shapes: Graph, *, lang: str = "en",
             focus_nodes: Sequence[str] = (), base_uri: str | None = None,
             unchecked_sparql: Collection[Node] = (), compiled: bool = True,
             workers: int | None = None) -> Outcome:
    """Validate the data (the union of a store's graphs, or an rdflib graph as it is) against
    the shapes. Results are read in `lang`; with `base_uri` each result's resource is located
    in the source texts. The shapes using a SPARQL constraint in `unchecked_sparql` (a
    steward's own: Oxigraph and rdflib differ in corners of SPARQL) are pyshacl's.
    `compiled=False` asks pyshacl alone (the engine's reference)."""
    graph = data if isinstance(data, Graph) else None
    found: EngineReport | None = None
    if not compiled:
        left = {ALL_SHAPES: "pyshacl was asked for"}
    elif focus_nodes:
        left = {ALL_SHAPES: "focus nodes were asked (pyshacl filters nested shapes' too)"}
    else:
        try:
            store, rewritten = (data, set()) if graph is None else to_store(graph)
            found = validate_store(store, shapes, rewritten=rewritten,
                                   unchecked_sparql=unchecked_sparql, workers=workers,
                                   namespaces=None if graph is None else graph.namespaces())
            left = found.left
        except UnsupportedShapes as reason:
            left = {ALL_SHAPES: str(reason)}
    if found is not None and not left:
        report, names = found.graph, (graph if graph is not None else found.data)
    else:
        names = graph if graph is not None else to_rdflib(data, keep_blank_ids=True)
        report = run_pyshacl(names, shapes, focus_nodes, found.targets if found else ())
        if found is not None:
            report = merged(found.graph, report)
    results = report_results(report, lang, shapes, names)
    conforms = not any(r.severity not in ("Warning", "Info") for r in results)
    by_pyshacl = {_named(node, shapes): why for node, why in left.items()}
    for name, why in by_pyshacl.items():
        log.info("SHACL through pyshacl: %s: %s", name, why)
    outcome = Outcome(conforms, results, report, lang=lang, by_pyshacl=by_pyshacl)
    named = {r.focus for r in results}
    outcome.names = focus_names(data, {n for n in report.objects(None, SH.focusNode)
                                       if str(n) in named}, lang)
    if base_uri is not None:
        outcome.sources = source_lines(data, {r.focus for r in results}, base_uri)
    return outcome


def merged(report: Graph, other: Graph) -> Graph:
    """The results of `other` under the sh:ValidationReport of `report` (changed in place);
    it conforms when both did."""
    node = report.value(None, RDF.type, SH.ValidationReport)
    other_node = other.value(None, RDF.type, SH.ValidationReport)
    conforms = bool(report.value(node, SH.conforms).value) and \
        bool(other.value(other_node, SH.conforms).value)
    report.set((node, SH.conforms, Literal(conforms)))
    for prefix, namespace in other.namespaces():
        report.bind(prefix, namespace, override=False)
    for s, p, o in other:
        if s == other_node:
            if p == SH.result:
                report.add((node, p, o))
        else:
            report.add((s, p, o))
    return report


def _named(node: Node | str, shapes: Graph) -> str:
    if node == ALL_SHAPES:
        return ALL_SHAPES
    return shape_name(node, shapes) or str(node)
