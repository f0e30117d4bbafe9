"""The vocabulary documented: the page of the whole (the view and templates shared with the
release's ontology.html, publisher.docs) and the page of one term."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, Labeller, all_literals, collation_key
from publisher.docs.vocabulary import term_summary, vocabulary_anchor, vocabulary_view
from publisher.vocab import RDF_TYPE, RDFS, SKOS, vocabulary
from publisher.web.context import here, settings
from publisher.web.pages.concept import concept_counts, scheme_concepts
from publisher.web.pages.parts import labeller
from publisher.web.pages.properties import properties_view


def vocabulary_page(index: Index) -> dict[str, Any]:
    return vocabulary_view(index, labeller(index), here().local(vocabulary(settings().base_uri)),
                           concept_counts())


def term_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    node = ox.NamedNode(iri)
    summary = term_summary(iri, index, names)
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
            "vocabulary_href": here().nav("def/") + "#" + vocabulary_anchor(iri, index)}


def _subject_term_links(index: Index, names: Labeller, predicate: str,
                        obj: Any) -> list[dict[str, Any]]:
    links = [names.term_link(s.value) for s in index.subjects(predicate, obj)
             if isinstance(s, ox.NamedNode)]
    return sorted(links, key=lambda link: collation_key(link["label"]["value"]))
