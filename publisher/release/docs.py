"""The release's human documentation, written at build time: the vocabulary (`ontology.html`)
and the data profile (`shapes.html`). Both come from the templates the web app uses for `/def`
(publisher.docs) and `/shapes` (publisher.shacl), so a reader finds the same words in the
release and on the service. Written in English, each label and definition in every language it
has; everything from the RDF is escaped."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from publisher.docs import vocabulary_html
from publisher.shacl import shapes_page


def _triples(graph: Graph) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(graph.serialize(format="nt", encoding="utf-8"),
                                       format=ox.RdfFormat.N_TRIPLES)]


def ontology_html(graph: Graph, examples: Graph | None = None, lang: str = "en") -> str:
    """The ontology (with its concept schemes) as one self-contained HTML page, with an
    example from the data (`examples`) for each term."""
    return vocabulary_html(_triples(graph), _triples(examples) if examples is not None else (),
                           lang)


def shapes_html(shapes: Graph, title: str = "SHACL shapes", lang: str = "en") -> str:
    """A readable summary of a shapes graph: each node shape, its targets and its checks."""
    return shapes_page(shapes, title, lang)
