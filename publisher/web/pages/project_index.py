"""The project index: what the project list and the project tables on other pages need,
read once per release, and the rows of those tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import pyoxigraph as ox

from publisher.docs.labels import collation_key, integer, local_name, pick_literal
from publisher.store import LABEL_PREDICATES, RDF_TYPE
from publisher.vocab import DCTERMS, SCHEMA_HTTP
from publisher.web.context import here, store
from publisher.web.pages.release_data import once_per_release
from publisher.web.pages.terms import kd


@dataclass
class ProjectIndex:
    """What the project list, the facets and the lists on organisation and concept pages
    need, read from the store once per release; labels stay literals so that each request
    picks its own language."""

    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    municipalities: set[str] = field(default_factory=set)
    regions: dict[str, str] = field(default_factory=dict)


_INDEXED = {"title": DCTERMS + "title", "number": "catalogueNumber", "status": "status",
            "lead": "leadOrganisation", "partners": "partnerMunicipality",
            "partner_orgs": "partnerOrganisation", "themes": DCTERMS + "subject",
            "programmes": SCHEMA_HTTP + "funding"}


def _indexed_predicates() -> dict[str, str]:
    return {name: p if ":" in p else kd(p) for name, p in _INDEXED.items()}


def project_index() -> ProjectIndex:
    return once_per_release("project-index", _read_project_index)


def _read_project_index() -> ProjectIndex:
    predicates = _indexed_predicates()
    by_iri = {iri: name for name, iri in predicates.items()}
    values = " ".join(f"<{p}>" for p in predicates.values())
    index = ProjectIndex()
    for row in store().select(
            f"SELECT ?p ?link ?o WHERE {{ ?p a <{kd('Project')}> "
            f"OPTIONAL {{ ?p ?link ?o VALUES ?link {{ {values} }} }} }}"):
        entry = index.projects.setdefault(row["p"].value, {
            "titles": [], "number": None, "status": None, "lead": [], "partners": [],
            "partner_orgs": [], "themes": [], "programmes": []})
        if "link" in row:
            _index_value(entry, by_iri[row["link"].value], row["o"])
    linked = " ".join(f"<{predicates[n]}>" for n in (
        "status", "lead", "partners", "partner_orgs", "themes", "programmes"))
    wanted = " ".join(f"<{p}>" for p in (*LABEL_PREDICATES, RDF_TYPE, kd("region")))
    for row in store().select(f"""
SELECT DISTINCT ?x ?pred ?v WHERE {{
  ?p a <{kd('Project')}> ; ?link ?x . VALUES ?link {{ {linked} }}
  ?x ?pred ?v . VALUES ?pred {{ {wanted} }}
}}"""):
        _index_label(index, row["x"].value, row["pred"].value, row["v"])
    for row in store().select(f"""
SELECT DISTINCT ?x ?pred ?v WHERE {{
  ?p a <{kd('Project')}> ; <{predicates['lead']}>|<{predicates['partners']}> ?m .
  ?m <{kd('region')}> ?x . ?x ?pred ?v . VALUES ?pred {{ {wanted} }}
}}"""):
        _index_label(index, row["x"].value, row["pred"].value, row["v"])
    return index


def _index_value(entry: dict[str, Any], name: str, value: Any) -> None:
    if name == "title":
        entry["titles"].append(value)
    elif name == "number":
        entry["number"] = integer(value)
    elif name == "status":
        entry["status"] = value.value
    elif isinstance(value, ox.NamedNode) and value.value not in entry[name]:
        entry[name].append(value.value)


def _index_label(index: ProjectIndex, iri: str, predicate: str, value: Any) -> None:
    if predicate == RDF_TYPE:
        if value.value == kd("Municipality"):
            index.municipalities.add(iri)
    elif predicate == kd("region"):
        index.regions[iri] = value.value
    else:
        index.labels.setdefault(iri, {}).setdefault(predicate, []).append(value)


def indexed_label(index: ProjectIndex, iri: str, lang: str) -> dict[str, Any]:
    found = index.labels.get(iri, {})
    for predicate in LABEL_PREDICATES:
        label = pick_literal(found.get(predicate, []), lang)
        if label:
            return label
    return {"value": local_name(iri), "lang": None, "fallback": False}


def indexed_link(index: ProjectIndex, iri: str, lang: str) -> dict[str, Any]:
    """A link to a resource the index labels (a status, a lead, a theme…)."""
    return {"iri": iri, "key": local_name(iri), "href": here().href(iri),
            "label": indexed_label(index, iri, lang)}


def project_row(index: ProjectIndex, iri: str) -> dict[str, Any]:
    """One line of a project table, labels in the request's language."""
    entry = index.projects[iri]
    lang = here().lang
    title = pick_literal(entry["titles"], lang) or {"value": local_name(iri), "lang": None,
                                                    "fallback": False}
    lead = entry["lead"][0] if entry["lead"] else None
    return {"iri": iri, "href": here().href(iri), "url": here().url(iri), "label": title,
            "number": entry["number"],
            "status": indexed_link(index, entry["status"], lang) if entry["status"] else None,
            "lead": indexed_link(index, lead, lang) if lead else None,
            "themes": [indexed_link(index, t, lang) for t in entry["themes"]]}


def project_rows(iris: Iterable[str], by_number: bool = False) -> list[dict[str, Any]]:
    """Table rows for projects, by title (or by catalogue number, as the catalogue lists a
    municipality's projects)."""
    index = project_index()
    rows = [project_row(index, iri) for iri in iris if iri in index.projects]

    def by_title(row: dict[str, Any]) -> str:
        return collation_key(row["label"]["value"])

    if by_number:
        rows.sort(key=lambda r: (r["number"] is None, r["number"] or 0, by_title(r)))
    else:
        rows.sort(key=by_title)
    return rows
