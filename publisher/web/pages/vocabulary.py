"""The vocabulary documented: the page of the whole (classes, properties, concept schemes)
and the page of one term."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.store import RDF_TYPE
from publisher.vocab import DCTERMS, OWL, RDF, RDFS, SKOS, vocabulary
from publisher.web.context import here, settings
from publisher.web.pages.concept import scheme_concepts
from publisher.web.pages.labels import (Index, Labeller, all_literals, collation_key,
                                        local_name, pick_literal)
from publisher.web.pages.parts import labeller, literal_values
from publisher.web.pages.properties import properties_view
from publisher.web.pages.texts import literal_text


_CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
_PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                   RDF + "Property"}


def _term_summary(iri: str, index: Index, names: Labeller) -> dict[str, Any]:
    node = ox.NamedNode(iri)
    lang = here().lang
    definition = None
    for predicate in (SKOS + "definition", RDFS + "comment"):
        definition = pick_literal(index.objects(node, predicate), lang)
        if definition:
            break
    return {"iri": iri, "href": here().href(iri), "url": here().url(iri),
            "anchor": local_name(iri), "label": names.label(node), "definition": definition,
            "names": all_literals(index.objects(node, RDFS + "label")
                                  or index.objects(node, SKOS + "prefLabel")),
            "curie": names.term_link(iri)["curie"],
            "domain": _term_links(index, names, node, RDFS + "domain"),
            "range": _term_links(index, names, node, RDFS + "range"),
            "superclasses": _term_links(index, names, node, RDFS + "subClassOf")}


def _term_links(index: Index, names: Labeller, node: Any, predicate: str) -> list[dict[str, Any]]:
    return [names.term_link(o.value) for o in index.objects(node, predicate)
            if isinstance(o, ox.NamedNode)]


def vocabulary_page(index: Index) -> dict[str, Any]:
    names = labeller(index)
    base = settings().base_uri
    lang = here().lang
    classes, properties, schemes = [], [], []
    for subject in list(index.out):
        if not isinstance(subject, ox.NamedNode):
            continue
        types = set(index.types(subject))
        if types & _CLASS_TYPES:
            classes.append(_term_summary(subject.value, index, names))
        elif types & _PROPERTY_TYPES:
            properties.append(_term_summary(subject.value, index, names))
        elif SKOS + "ConceptScheme" in types:
            schemes.append({**names.link(subject), "anchor": _vocabulary_anchor(
                subject.value, index), "concepts": scheme_concepts(subject.value, index, names)})
    for group in (classes, properties, schemes):
        group.sort(key=lambda term: collation_key(term["label"]["value"]))
    ontology = ox.NamedNode(vocabulary(base))
    if not index.has(ontology):
        ontology = next((s for s in index.out if OWL + "Ontology" in index.types(s)), ontology)
    title = pick_literal(index.objects(ontology, DCTERMS + "title")
                         or index.objects(ontology, RDFS + "label"), lang)
    description = literal_text(index, ontology, DCTERMS + "description", lang) or literal_text(
        index, ontology, RDFS + "comment", lang)
    return {"page": "vocabulary", "iri": ontology.value if isinstance(ontology, ox.NamedNode)
            else vocabulary(base), "title": title, "description": description,
            "namespace": here().local(vocabulary(base)),
            "version": next(iter(literal_values(index, ontology, OWL + "versionInfo")), None),
            "classes": classes, "properties": properties, "schemes": schemes,
            "concepts": [c for s in schemes for c in s["concepts"]]}


def term_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    node = ox.NamedNode(iri)
    summary = _term_summary(iri, index, names)
    shown = {RDF_TYPE, SKOS + "definition", RDFS + "comment", RDFS + "domain", RDFS + "range",
             RDFS + "subClassOf", RDFS + "label", SKOS + "prefLabel", SKOS + "hasTopConcept"}
    return {"page": "term", **summary,
            "types": [names.term_link(t) for t in index.types(node)],
            "definitions": all_literals(index.objects(node, SKOS + "definition")
                                        or index.objects(node, RDFS + "comment")),
            "subclasses": _subject_term_links(index, names, RDFS + "subClassOf", node),
            "properties_with_domain": _subject_term_links(index, names, RDFS + "domain", node),
            "properties_with_range": _subject_term_links(index, names, RDFS + "range", node),
            "scheme_concepts": scheme_concepts(iri, index, names),
            "other": properties_view(node, names, skip=shown),
            "vocabulary_href": here().nav("def/") + "#" + _vocabulary_anchor(iri, index)}


def _vocabulary_anchor(iri: str, index: Index) -> str:
    """The id of a term's entry on the vocabulary page."""
    if SKOS + "ConceptScheme" in index.types(ox.NamedNode(iri)):
        return "scheme-" + local_name(iri)
    return local_name(iri)


def _subject_term_links(index: Index, names: Labeller, predicate: str,
                        obj: Any) -> list[dict[str, Any]]:
    links = [names.term_link(s.value) for s in index.subjects(predicate, obj)
             if isinstance(s, ox.NamedNode)]
    return sorted(links, key=lambda link: collation_key(link["label"]["value"]))
