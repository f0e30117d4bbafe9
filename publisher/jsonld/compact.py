"""Triples as compacted JSON-LD with our context, written so that expanding them gives back
exactly the same triples.

Not the general JSON-LD compaction algorithm: our context has only prefixes and simple or
type-coerced terms (:mod:`publisher.jsonld.context`), so each value has one safe compact
form, decided here term by term. ``@id`` values stay absolute IRIs, literals keep their
lexical form (never JSON numbers, which a reader may rewrite), and a value whose kind a
term's coercion does not fit is written as an explicit value or node object.
"""
from __future__ import annotations

import json
from itertools import groupby
from operator import attrgetter
from typing import Any, BinaryIO, Iterable, Mapping

import pyoxigraph as ox

from publisher.vocab import RDF_TYPE, XSD

_STRING = XSD + "string"


class Compactor:
    """Compacts node by node with one context (the ``@context`` object of our document)."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.prefixes: list[tuple[str, str]] = []
        simple: dict[str, str] = {}
        definitions: list[tuple[str, str, str | None]] = []
        for name, value in context.items():
            if name.startswith("@"):
                continue
            if isinstance(value, str):
                simple[name] = value
                if value.endswith(("/", "#")) and ":" in value:
                    self.prefixes.append((name, value))
            elif isinstance(value, dict) and isinstance(value.get("@id"), str):
                definitions.append((name, value["@id"], value.get("@type")))
        namespaces = dict(self.prefixes)
        self.prefixes.sort(key=lambda item: (-len(item[1]), item[0]))
        #: IRI → (term, coercion: None, "@id" or a datatype IRI)
        self.terms: dict[str, tuple[str, str | None]] = {}
        for name, iri in sorted(simple.items()):
            if name not in namespaces:
                self.terms.setdefault(_expand(iri, namespaces), (name, None))
        for name, iri, coercion in sorted(definitions):
            if coercion not in (None, "@id"):
                coercion = _expand(coercion, namespaces)
            self.terms.setdefault(_expand(iri, namespaces), (name, coercion))
        self._keys: dict[str, tuple[str, str | None]] = {}

    # ------------------------------------------------------------------ names

    def vocab_name(self, iri: str) -> str:
        """A property, class or datatype IRI as a term, a compact IRI or itself."""
        term = self.terms.get(iri)
        if term is not None:
            return term[0]
        for name, namespace in self.prefixes:
            if iri.startswith(namespace):
                suffix = iri[len(namespace):]
                if suffix and not suffix.startswith("//"):
                    return f"{name}:{suffix}"
        return iri

    def key(self, predicate: str) -> tuple[str, str | None]:
        """The key of a property and the coercion its values meet."""
        found = self._keys.get(predicate)
        if found is None:
            term = self.terms.get(predicate)
            found = term if term is not None else (self.vocab_name(predicate), None)
            self._keys[predicate] = found
        return found

    # ------------------------------------------------------------------ values

    def value(self, term: Any, coercion: str | None) -> Any:
        """One object as its compact JSON value under a key with ``coercion``."""
        if isinstance(term, ox.NamedNode):
            return term.value if coercion == "@id" else {"@id": term.value}
        if isinstance(term, ox.BlankNode):
            label = "_:" + term.value
            return label if coercion == "@id" else {"@id": label}
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            datatype = term.datatype.value
            if datatype == _STRING:
                return term.value if coercion is None else {"@value": term.value}
            if datatype == coercion:
                return term.value
            return {"@value": term.value, "@type": self.vocab_name(datatype)}
        raise ValueError(f"JSON-LD 1.0 has no form for {term!r}")

    def node(self, subject: Any, triples: Iterable[ox.Triple]) -> dict[str, Any]:
        """The node object of ``subject`` from its triples (types first, then properties
        in the order met; one value stays unwrapped)."""
        types: list[str] = []
        properties: dict[str, list[Any]] = {}
        for triple in triples:
            predicate, obj = triple.predicate.value, triple.object
            if predicate == RDF_TYPE and isinstance(obj, (ox.NamedNode, ox.BlankNode)):
                types.append(self.vocab_name(obj.value) if isinstance(obj, ox.NamedNode)
                             else "_:" + obj.value)
                continue
            key, coercion = self.key(predicate)
            properties.setdefault(key, []).append(self.value(obj, coercion))
        node: dict[str, Any] = {"@id": _node_id(subject)}
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        for key, values in properties.items():
            node[key] = values[0] if len(values) == 1 else values
        return node

    # ------------------------------------------------------------------ documents

    def document(self, triples: Iterable[ox.Triple], context_url: str,
                 main: str | None = None) -> bytes:
        """A whole (small) graph as one indented document, a node per subject: the one of
        the IRI ``main`` first, then in the order the subjects first appear."""
        grouped: dict[Any, list[ox.Triple]] = {}
        if main is not None:
            grouped[ox.NamedNode(main)] = []
        for triple in triples:
            grouped.setdefault(triple.subject, []).append(triple)
        if main is not None and not grouped[ox.NamedNode(main)]:
            del grouped[ox.NamedNode(main)]
        body = {"@context": context_url,
                "@graph": [self.node(subject, items) for subject, items in grouped.items()]}
        return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"

    def write(self, triples: Iterable[ox.Triple], out: BinaryIO, context_url: str) -> int:
        """Stream a graph sorted by subject (the dumps' canonical order) as one document,
        a node object per line; returns the number of nodes."""
        out.write(b'{"@context": ' + json.dumps(context_url).encode() + b',\n"@graph": [')
        count = 0
        for subject, items in groupby(triples, key=attrgetter("subject")):
            line = json.dumps(self.node(subject, items), ensure_ascii=False,
                              separators=(",", ":"))
            out.write((b"\n" if count == 0 else b",\n") + line.encode("utf-8"))
            count += 1
        out.write(b"\n]}\n")
        return count


def _node_id(subject: Any) -> str:
    if isinstance(subject, ox.BlankNode):
        return "_:" + subject.value
    if isinstance(subject, ox.NamedNode):
        return subject.value
    raise ValueError(f"JSON-LD 1.0 has no form for the subject {subject!r}")


def _expand(value: str, namespaces: Mapping[str, str]) -> str:
    """A compact IRI of the context (``kd:Project``) as its IRI."""
    prefix, colon, suffix = value.partition(":")
    if colon and prefix in namespaces and not suffix.startswith("//"):
        return namespaces[prefix] + suffix
    return value
