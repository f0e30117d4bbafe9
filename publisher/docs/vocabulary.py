"""The vocabulary documented, as one view built from the ontology's triples: the web's `/def`
page and the release's `ontology.html` both render it with the templates beside this package,
so the two never drift apart. `full` adds what a page read away from the service needs: every
language of each definition, super-properties, the IRIs and examples from the data."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable

import pyoxigraph as ox

from publisher.docs.labels import (Index, Labeller, all_literals, collation_key, local_name,
                                   pick_literal)
from publisher.docs.texts import literal_text, other_languages
from publisher.vocab import DCTERMS, OWL, RDF, RDF_TYPE, RDFS, SKOS, vocabulary

CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                  RDF + "Property"}
#: what a page adds to each concept of a scheme (the web: how many projects, and their list)
ConceptExtra = Callable[[str], dict[str, Any]]
EXAMPLE_LENGTH = 120


def term_labels(triples: Iterable[ox.Triple]) -> dict[str, list[Any]]:
    """rdfs:label / skos:prefLabel of every term the triples name."""
    labels: dict[str, list[Any]] = defaultdict(list)
    for t in triples:
        if t.predicate.value in (RDFS + "label", SKOS + "prefLabel") and isinstance(
                t.subject, ox.NamedNode):
            labels[t.subject.value].append(t.object)
    return dict(labels)


def term_links(index: Index, names: Labeller, node: Any, predicate: str) -> list[dict[str, Any]]:
    return [names.term_link(o.value) for o in index.objects(node, predicate)
            if isinstance(o, ox.NamedNode)]


def _definitions(index: Index, node: Any) -> list[Any]:
    """skos:definition where the term has one, else rdfs:comment."""
    return index.objects(node, SKOS + "definition") or index.objects(node, RDFS + "comment")


def term_summary(iri: str, index: Index, names: Labeller, full: bool = False) -> dict[str, Any]:
    """A class or property: label, definition in the language asked, names, domain, range."""
    node = ox.NamedNode(iri)
    definition = None
    for predicate in (SKOS + "definition", RDFS + "comment"):
        definition = pick_literal(index.objects(node, predicate), names.lang)
        if definition:
            break
    summary = {"iri": iri, "href": names.href(iri), "url": names.url(iri),
               "anchor": local_name(iri), "label": names.label(node), "definition": definition,
               "names": all_literals(index.objects(node, RDFS + "label")
                                     or index.objects(node, SKOS + "prefLabel")),
               "curie": names.term_link(iri)["curie"],
               "domain": term_links(index, names, node, RDFS + "domain"),
               "range": term_links(index, names, node, RDFS + "range"),
               "superclasses": term_links(index, names, node, RDFS + "subClassOf")}
    if full:
        summary["definitions"] = all_literals(_definitions(index, node))
        summary["superproperties"] = term_links(index, names, node, RDFS + "subPropertyOf")
    return summary


def scheme_concepts(iri: str, index: Index, names: Labeller, extra: ConceptExtra | None = None,
                    full: bool = False) -> list[dict[str, Any]]:
    """For a concept scheme: its concepts (top concepts first) with their definitions, and
    what `extra` adds to each; [] for anything else."""
    node = ox.NamedNode(iri)
    if SKOS + "ConceptScheme" not in index.types(node):
        return []
    top = {c for c in index.objects(node, SKOS + "hasTopConcept")}
    top |= set(index.subjects(SKOS + "topConceptOf", node))
    members = top | set(index.subjects(SKOS + "inScheme", node))
    concepts = []
    for concept in members:
        if not isinstance(concept, ox.NamedNode):
            continue
        entry = {**names.link(concept), "top": concept in top,
                 "definition": pick_literal(index.objects(concept, SKOS + "definition"),
                                            names.lang),
                 **(extra(concept.value) if extra else {})}
        if full:
            entry["names"] = all_literals(index.objects(concept, SKOS + "prefLabel"))
            entry["definitions"] = all_literals(index.objects(concept, SKOS + "definition"))
        concepts.append(entry)
    concepts.sort(key=lambda c: (not c["top"], collation_key(c["label"]["value"])))
    return concepts


def vocabulary_anchor(iri: str, index: Index) -> str:
    """The id of a term's entry on the vocabulary page."""
    if SKOS + "ConceptScheme" in index.types(ox.NamedNode(iri)):
        return "scheme-" + local_name(iri)
    return local_name(iri)


def examples(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """One use from the data of each term, as N-Triples-like text: `<s> a <Class>` for a class,
    `<s> <p> value` for a property (long literals cut)."""
    found: dict[str, str] = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            found.setdefault(t.object.value, f"<{t.subject.value}> a <{t.object.value}>")
        shown = f'"{t.object.value}"' if isinstance(t.object, ox.Literal) else f"<{t.object.value}>"
        if len(shown) > EXAMPLE_LENGTH:
            shown = shown[:EXAMPLE_LENGTH - 3] + '…"'
        found.setdefault(t.predicate.value, f"<{t.subject.value}> <{t.predicate.value}> {shown}")
    return found


def vocabulary_view(index: Index, names: Labeller, namespace: str,
                    concept_extra: ConceptExtra | None = None,
                    used: dict[str, str] | None = None, full: bool = False) -> dict[str, Any]:
    """The whole vocabulary: title, description, version, classes, properties and concept
    schemes with their concepts, in the labeller's language. `namespace` is the vocabulary's
    IRI as the reader should see it; `used` maps terms to an example (see `examples`)."""
    base, lang = names.base, names.lang
    classes, properties, schemes = [], [], []
    for subject in list(index.out):
        if not isinstance(subject, ox.NamedNode):
            continue
        types = set(index.types(subject))
        if types & CLASS_TYPES:
            classes.append(term_summary(subject.value, index, names, full))
        elif types & PROPERTY_TYPES:
            properties.append(term_summary(subject.value, index, names, full))
        elif SKOS + "ConceptScheme" in types:
            scheme = {**names.link(subject), "anchor": vocabulary_anchor(subject.value, index),
                      "concepts": scheme_concepts(subject.value, index, names, concept_extra,
                                                  full)}
            if full:
                scheme["names"] = all_literals(index.objects(subject, SKOS + "prefLabel"))
                scheme["definitions"] = all_literals(_definitions(index, subject))
            schemes.append(scheme)
    for group in (classes, properties, schemes):
        group.sort(key=lambda term: collation_key(term["label"]["value"]))
    if used:
        for term in classes + properties:
            term["example"] = used.get(term["iri"])
    ontology = ox.NamedNode(vocabulary(base))
    if not index.has(ontology):
        ontology = next((s for s in index.out if OWL + "Ontology" in index.types(s)), ontology)
    title = pick_literal(index.objects(ontology, DCTERMS + "title")
                         or index.objects(ontology, RDFS + "label"), lang)
    description = literal_text(index, ontology, DCTERMS + "description", lang) or literal_text(
        index, ontology, RDFS + "comment", lang)
    view = {"page": "vocabulary", "iri": ontology.value if isinstance(ontology, ox.NamedNode)
            else vocabulary(base), "title": title, "description": description,
            "namespace": namespace,
            "version": next((o.value for o in index.objects(ontology, OWL + "versionInfo")
                             if isinstance(o, ox.Literal)), None),
            "classes": classes, "properties": properties, "schemes": schemes,
            "concepts": [c for s in schemes for c in s["concepts"]]}
    if full:
        view["descriptions_other"] = other_languages(
            index.objects(ontology, DCTERMS + "description"), description)
    return view
