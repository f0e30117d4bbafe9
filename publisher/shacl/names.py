"""The label of each resource a report names, in the report's language (else untagged, fi, sv,
en, any: the fallback marked), so that a steward reads "Koulu" beside the IRI of the concept
to correct. The label is the resource's own in the validated data (skos:prefLabel first, then
rdfs:label, dcterms:title and the other label properties of publisher.vocab)."""
from __future__ import annotations

from typing import Any, Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from publisher.docs.labels import pick_literal
from publisher.shacl.compiled.terms import to_oxigraph
from publisher.shacl.visible import visible
from publisher.vocab import LABEL_PREDICATES


def focus_names(data: ox.Store | Graph, focuses: Iterable[Node], lang: str) -> dict[str, dict[str, Any]]:
    """For each focus node (an IRI or a blank node) with a label: {"value", "lang",
    "fallback"}, keyed by the node as the results name it (str)."""
    names = {}
    for focus in focuses:
        if not isinstance(focus, (URIRef, BNode)):
            continue
        for predicate in LABEL_PREDICATES:
            chosen = pick_literal(_literals(data, focus, predicate), lang)
            if chosen is not None:
                names[str(focus)] = {**chosen, "value": visible(chosen["value"])}
                break
    return names


def _literals(data: ox.Store | Graph, subject: Node, predicate: str) -> list[ox.Literal]:
    """The literal values; a term the store cannot hold (a name rdflib let through) has none."""
    try:
        if isinstance(data, Graph):
            return [to_oxigraph(o) for o in data.objects(subject, URIRef(predicate))
                    if isinstance(o, Literal)]
        return [q.object for q in data.quads_for_pattern(to_oxigraph(subject),
                                                         ox.NamedNode(predicate), None, None)]
    except ValueError:
        return []
