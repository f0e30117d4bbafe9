"""Our JSON-LD context: the prefixes of the published data and a term for each class and
property of our own vocabulary.

Readers of our JSON-LD then see ``"leadOrganisation": "…/id/organisation/049"`` rather than
full IRIs and value objects. The context is made from the release's own vocabulary graph at
release time (written as ``context.jsonld`` beside the dumps); the web serves that file and
compacts with it, and only rebases it for a host other than the base URI. It stays in the
JSON-LD 1.0 subset (no ``@version``, no containers), which every processor reads.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import pyoxigraph as ox

from publisher.vocab import OWL, RDF, RDF_TYPE, RDFS, XSD

#: Datatypes whose values stay strings or language maps: no coercion for them.
_PLAIN_RANGES = {XSD + "string", RDF + "langString", RDFS + "Literal", RDF + "PlainLiteral"}
_CLASSES = {OWL + "Class", RDFS + "Class"}
_OBJECT_PROPERTIES = {OWL + "ObjectProperty"}
_PROPERTIES = {OWL + "DatatypeProperty", OWL + "AnnotationProperty", RDF + "Property",
               OWL + "ObjectProperty"}
#: Names a term must not take: an absolute IRI of these schemes written as a value would be
#: read as a compact IRI by a JSON-LD 1.0 processor if a term had the scheme's name.
_SCHEMES = {"http", "https", "mailto", "tel", "urn", "ftp", "file", "data", "tag", "doi"}


def build_context(prefixes: Mapping[str, str], vocabulary: Iterable[ox.Triple]) -> dict[str, Any]:
    """The context document: ``prefixes`` (with ``kd`` for our vocabulary) and a term per
    class and property of the ``kd`` namespace described in ``vocabulary``.

    Object properties are coerced to IRIs; datatype properties with an XSD range other
    than a string to that datatype; others stay plain. Terms are sorted, so the same
    vocabulary gives the same bytes."""
    namespace = prefixes.get("kd")
    kinds: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for triple in vocabulary:
        subject = triple.subject
        if (namespace is None or not isinstance(subject, ox.NamedNode)
                or not subject.value.startswith(namespace)):
            continue
        local = subject.value[len(namespace):]
        if not isinstance(triple.object, ox.NamedNode):
            continue
        if triple.predicate.value == RDF_TYPE:
            kinds.setdefault(local, set()).add(triple.object.value)
        elif triple.predicate.value == RDFS + "range":
            ranges.setdefault(local, set()).add(triple.object.value)
    taken = set(prefixes) | _SCHEMES
    terms: dict[str, Any] = {}
    for local in sorted(kinds):
        if not _usable_name(local) or local in taken:
            continue
        definition = _definition(f"kd:{local}", kinds[local], ranges.get(local, set()),
                                 "xsd:" if prefixes.get("xsd") == XSD else XSD)
        if definition is not None:
            terms[local] = definition
    return {"@context": {**dict(prefixes), **terms}}


def _usable_name(name: str) -> bool:
    """A plain JSON-LD term: not empty, no keyword form, nothing read as an IRI."""
    return bool(name) and not name.startswith("@") and not any(c in name for c in ":/#?")


def _definition(iri: str, kinds: set[str], ranges: set[str], xsd: str) -> Any:
    if kinds & _CLASSES and not kinds & _PROPERTIES:
        return iri
    if not kinds & _PROPERTIES:
        return None
    if kinds & _OBJECT_PROPERTIES:
        return {"@id": iri, "@type": "@id"}
    typed = [r for r in ranges if r.startswith(XSD) and r not in _PLAIN_RANGES]
    if len(ranges) == 1 and len(typed) == 1:
        return {"@id": iri, "@type": xsd + typed[0][len(XSD):]}
    return iri


def rebase_context(document: Mapping[str, Any], source: str, target: str) -> dict[str, Any]:
    """The context with IRIs under ``source`` moved under ``target`` (a server answering on
    another host than the base URI publishes its IRIs, and so its context, rewritten)."""
    def moved(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(source):
            return target + value[len(source):]
        if isinstance(value, dict):
            return {k: moved(v) for k, v in value.items()}
        return value

    return {"@context": {name: moved(value)
                         for name, value in document.get("@context", {}).items()}}
