"""Where a result's resource comes from: the source text and lines our data records for it
(`prov:qualifiedDerivation` with `kd:firstLine`, `kd:lastLine` and `prov:entity`), so that a
finding leads back to the line to correct. One format for the build gate and for stewards:
"004-f0ab 12–19" (the document's key, then the lines)."""
from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.compiled.terms import to_oxigraph, to_rdflib

PROV = Namespace(vocab.PROV)


def source_lines(data: ox.Store | Graph, focuses: Iterable[str], base_uri: str) -> dict[str, str]:
    """For each focus IRI: the document and lines of the resource it belongs to (a fragment
    belongs to the resource without it), where the data records a derivation for it."""
    kd = Namespace(vocab.vocabulary(base_uri))
    lines = {}
    for focus in (f for f in focuses if f.startswith(("http://", "https://"))):
        owner = URIRef(focus.split("#", 1)[0])
        for derivation in _objects(data, owner, PROV.qualifiedDerivation):
            first = _value(data, derivation, kd.firstLine)
            last = _value(data, derivation, kd.lastLine)
            entity = _value(data, derivation, PROV.entity)
            if first is not None and entity is not None:
                document = str(entity).rstrip("/").rsplit("/", 1)[-1]
                lines[focus] = f"{document} {first}–{last if last is not None else first}"
                break
    return lines


def _value(data: ox.Store | Graph, subject: Node, predicate: URIRef) -> Node | None:
    return next(iter(_objects(data, subject, predicate)), None)


def _objects(data: ox.Store | Graph, subject: Node, predicate: URIRef) -> list[Node]:
    if isinstance(data, Graph):
        return list(data.objects(subject, predicate))
    return [to_rdflib(q.object) for q in
            data.quads_for_pattern(to_oxigraph(subject), to_oxigraph(predicate), None, None)]

