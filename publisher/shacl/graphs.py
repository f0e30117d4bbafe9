"""The data both ways: pyoxigraph triples as an rdflib graph (what pyshacl reads), and an
rdflib graph in a pyoxigraph store (what the compiled engine reads)."""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any, Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.compiled.terms import UnsupportedShapes, to_oxigraph
from publisher.shacl.compiled.terms import to_rdflib as rdflib_term

XSD_STRING = vocab.XSD + "string"
HOLDER = ox.NamedNode("urn:x-holder")         # the subject and predicate of a scratch quad


@lru_cache(maxsize=512)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Any:
    return translateQuery(parseQuery(text), base, dict(namespaces))


class PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once.

    pyshacl hands rdflib the text of a SPARQL constraint once per focus node, and rdflib parses
    it every time: about 85 % of the time of the vocabulary profile went into parsing the same
    dozen queries. The parsed query is reused (rdflib's prepared queries are made for that).
    """

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Any = None, initBindings: Any = None, use_store_provided: bool = True,
              **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            query_object = _prepared(query_object, kwargs.get("base"), namespaces)
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


def _rdflib_term(term: Any, blanks: dict[str, BNode] | None) -> Node:
    if blanks is not None and isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, BNode())
    return rdflib_term(term)


def to_rdflib(triples: Iterable[Any], *, keep_blank_ids: bool = False) -> Graph:
    """pyoxigraph triples (or quads) → an rdflib graph, term by term. Blank nodes get new
    identifiers (a parsed file's `_:b0` must not meet another graph's), unless
    `keep_blank_ids`: a store's view keeps them, as the engine names them so."""
    graph = PreparedQueryGraph()
    blanks: dict[str, BNode] | None = None if keep_blank_ids else {}
    add = graph.add
    for item in triples:
        triple = item.triple if isinstance(item, ox.Quad) else item
        add((_rdflib_term(triple.subject, blanks), _rdflib_term(triple.predicate, blanks),
             _rdflib_term(triple.object, blanks)))
    return graph


def to_store(graph: Graph) -> tuple[ox.Store, set[str]]:
    """The graph in a store, its blank nodes keeping their identifiers, and the predicates
    some of whose literals the store rewrote: a store keeps literals in their canonical form
    ("01"^^xsd:integer as "1", "true" for "1"^^xsd:boolean) where pyshacl reads them as
    written, so shapes that read those predicates are pyshacl's."""
    typed: dict[ox.Literal, set[str]] = defaultdict(set)
    for _, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) != XSD_STRING:
            typed[to_oxigraph(o)].add(str(p))
    scratch = ox.Store()
    scratch.extend(ox.Quad(HOLDER, HOLDER, term) for term in typed)
    kept = {q.object for q in scratch}
    rewritten = {p for term, predicates in typed.items() if term not in kept for p in predicates}
    store = ox.Store()
    try:
        store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    except ValueError as error:          # a term pyoxigraph refuses (a blank node's identifier)
        raise UnsupportedShapes(f"the store cannot hold a term of the data: {error}") from error
    return store, rewritten
