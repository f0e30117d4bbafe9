"""Which page a resource gets, by its types (and their superclasses); the page of any
other resource."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index
from publisher.vocab import FOAF, ORG, SKOS, VCARD
from publisher.web.pages.concept import concept_page
from publisher.web.pages.document import document_page
from publisher.web.pages.initiative import initiative_page
from publisher.web.pages.organisation import organisation_page
from publisher.web.pages.parts import SOURCE_PREDICATES, all_names, labeller, source_spans
from publisher.web.pages.person import person_page
from publisher.web.pages.properties import resource_view
from publisher.web.pages.release_data import expanded_types
from publisher.web.pages.terms import kd

_PERSON_TYPES = {VCARD + "Individual", VCARD + "Kind", FOAF + "Person"}


def resource_page(iri: str, index: Index) -> tuple[str, dict[str, Any]]:
    """Pick the page for a resource by its types; returns (template, context)."""
    types = expanded_types(index.types(ox.NamedNode(iri)))
    if types & {kd("Project"), kd("Initiative")}:
        return "project.html", initiative_page(iri, index)
    if types & {ORG + "Organization", kd("Municipality")}:
        return "municipality.html", organisation_page(iri, index)
    if types & _PERSON_TYPES:
        return "person.html", person_page(iri, index)
    if types & {SKOS + "Concept", SKOS + "ConceptScheme"}:
        return "concept.html", concept_page(iri, index)
    if FOAF + "Document" in types:
        return "document.html", document_page(iri, index)
    return "resource.html", generic_page(iri, index)


def generic_page(iri: str, index: Index) -> dict[str, Any]:
    """Any other resource: its properties, who links to it, where it came from."""
    names = labeller(index)
    view = resource_view(iri, names, skip=SOURCE_PREDICATES)
    return {"page": "resource", "resource": view, "names": all_names(index, ox.NamedNode(iri)),
            "sources": source_spans(index, names, ox.NamedNode(iri))}
