"""The page of a SKOS concept (Skosmos-like: names in every language, definition,
hierarchy, matches elsewhere) with the projects it applies to, or of a concept scheme with
its concepts."""
from __future__ import annotations

from collections import Counter
from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, Labeller, all_literals, collation_key, local_name
from publisher.docs.vocabulary import ConceptExtra
from publisher.docs.vocabulary import scheme_concepts as shared_scheme_concepts
from publisher.store import RDF_TYPE
from publisher.vocab import DCTERMS, RDFS, SKOS
from publisher.web.context import here
from publisher.web.pages.parts import (SOURCE_PREDICATES, descriptions, labeller, linked,
                                       literal_values, page_start)
from publisher.web.pages.project_index import project_index, project_rows
from publisher.web.pages.project_list import list_href
from publisher.web.pages.properties import inverse_view, properties_view
from publisher.web.pages.terms import kd, schema

_MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


def _concept_projects(iri: str) -> tuple[list[str], str | None]:
    """Projects that have `iri` as their theme, status or programme, and the list filter
    that shows them."""
    index = project_index()
    for name, field_name in (("theme", "themes"), ("status", "status"),
                             ("programme", "programmes")):
        found = [p for p, entry in index.projects.items()
                 if iri == entry[field_name] or (isinstance(entry[field_name], list)
                                                 and iri in entry[field_name])]
        if found:
            return found, name
    return [], None


def concept_page(iri: str, index: Index) -> dict[str, Any]:
    """A SKOS concept (Skosmos-like: names in every language, definition, hierarchy,
    matches elsewhere) with the projects it applies to; or a concept scheme."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    lang = here().lang
    projects, filter_name = _concept_projects(iri)
    listed = set(projects)
    shown = {RDF_TYPE, SKOS + "prefLabel", RDFS + "label", SKOS + "altLabel", SKOS + "definition",
             SKOS + "notation", SKOS + "inScheme", SKOS + "topConceptOf", SKOS + "broader",
             SKOS + "narrower", SKOS + "related", SKOS + "hasTopConcept",
             *(SKOS + m for m in _MATCHES), *SOURCE_PREDICATES}
    other_initiatives = [names.link(s) for s in dict.fromkeys(index.subjects(DCTERMS + "subject",
                                                                             node))
                         if isinstance(s, ox.NamedNode) and s.value not in listed]
    other_initiatives.sort(key=lambda link: collation_key(link["label"]["value"]))
    return {
        **page_start("concept", iri, index, names),
        "alt_labels": all_literals(index.objects(node, SKOS + "altLabel")),
        **descriptions(index, node, lang, SKOS + "definition", DCTERMS + "description"),
        "notation": next(iter(literal_values(index, node, SKOS + "notation")), None),
        "schemes": linked(index, names, node, SKOS + "inScheme", SKOS + "topConceptOf"),
        "broader": linked(index, names, node, SKOS + "broader")
        or _subject_links(index, names, SKOS + "narrower", node),
        "narrower": linked(index, names, node, SKOS + "narrower")
        or _subject_links(index, names, SKOS + "broader", node),
        "related": linked(index, names, node, SKOS + "related"),
        "mappings": [{"predicate": names.term_link(SKOS + m),
                      "targets": linked(index, names, node, SKOS + m)}
                     for m in _MATCHES if index.objects(node, SKOS + m)],
        "scheme_concepts": scheme_concepts(iri, index, names),
        "projects": project_rows(projects),
        "projects_href": list_href({filter_name: local_name(iri)}) if filter_name else None,
        "other_initiatives": other_initiatives,
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names, skip=(
            DCTERMS + "subject", kd("status"), kd("assignedTheme"), SKOS + "inScheme",
            SKOS + "hasTopConcept",
            SKOS + "topConceptOf", SKOS + "broader", SKOS + "narrower", *schema("funding"))),
    }


def _subject_links(index: Index, names: Labeller, predicate: str,
                   obj: Any) -> list[dict[str, Any]]:
    links = [names.link(s) for s in dict.fromkeys(index.subjects(predicate, obj))
             if isinstance(s, ox.NamedNode)]
    return sorted(links, key=lambda link: collation_key(link["label"]["value"]))


def concept_counts() -> ConceptExtra:
    """What a concept of a scheme gets on our pages: how many projects it applies to, and the
    list that shows them (the counts made once, when first asked)."""
    counts: Counter[str] = Counter()

    def extra(iri: str) -> dict[str, Any]:
        if not counts:
            for entry in project_index().projects.values():
                counts.update({*entry["themes"], *([entry["status"]] if entry["status"] else [])})
        _, filter_name = _concept_projects(iri)
        return {"count": counts[iri],
                "list_href": list_href({filter_name: local_name(iri)}) if filter_name else None}

    return extra


def scheme_concepts(iri: str, index: Index, names: Labeller) -> list[dict[str, Any]]:
    """For a concept scheme: its concepts (top concepts first) with their definitions and
    how many projects each applies to; [] for anything else."""
    return shared_scheme_concepts(iri, index, names, concept_counts())
