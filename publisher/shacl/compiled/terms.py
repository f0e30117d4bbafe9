"""Terms of the store and of rdflib, as pyshacl sees them, and what the engine cannot read."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node


class UnsupportedShapes(Exception):
    """A shape uses a feature this engine does not compile; validate with pyshacl instead."""


Term = ox.NamedNode | ox.BlankNode | ox.Literal


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
