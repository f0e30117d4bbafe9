"""The home page: what the dataset holds (counts, themes, statuses, source documents) and
where to go from here."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from publisher.docs.labels import (Index, Labeller, collation_key, integer, local_name,
                                        pick_literal)
from publisher.vocab import DCTERMS, FOAF, ORG, VCARD
from publisher.web.context import here, publisher, settings, store
from publisher.web.maps.figures import spec_of
from publisher.web.pages.project_index import ProjectIndex, indexed_link, project_index
from publisher.web.pages.project_list import list_href
from publisher.web.pages.release_changes import release_changes
from publisher.web.pages.schema_org import dataset
from publisher.web.pages.terms import kd


def _count(sparql: str) -> int:
    rows = store().select(sparql)
    return integer(rows[0].get("n")) or 0 if rows else 0


def _involved_municipalities(index: ProjectIndex) -> set[str]:
    involved = {iri for entry in index.projects.values()
                for iri in (*entry["lead"], *entry["partners"])}
    return involved & index.municipalities


_FILTER_OF = {"themes": "theme", "status": "status", "programmes": "programme"}


def _concept_counts(index: ProjectIndex, name: str) -> list[dict[str, Any]]:
    """Themes or statuses with the number of projects that have each, most first."""
    counts: Counter[str] = Counter()
    for entry in index.projects.values():
        values = entry[name] if isinstance(entry[name], list) else [entry[name]]
        counts.update(v for v in values if v)
    lang = here().lang
    items = [{**indexed_link(index, iri, lang), "count": n,
              "list_href": list_href({_FILTER_OF[name]: local_name(iri)})}
             for iri, n in counts.items()]
    items.sort(key=lambda item: (-item["count"], collation_key(item["label"]["value"])))
    return items


def _documents() -> list[dict[str, Any]]:
    rows = store().select(f"""
SELECT ?d ?title ?language WHERE {{ ?d a <{FOAF}Document>
  OPTIONAL {{ ?d <{DCTERMS}title> ?title }} OPTIONAL {{ ?d <{DCTERMS}language> ?language }} }}""")
    titles: dict[str, list[Any]] = defaultdict(list)
    languages: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        titles[row["d"].value]
        if "title" in row:
            titles[row["d"].value].append(row["title"])
        if "language" in row:
            languages[row["d"].value].add(row["language"].value)
    names = Labeller(Index([]), here().lang, settings().base_uri, {}, here())
    documents = [{"iri": iri, "href": here().href(iri),
                  "label": pick_literal(found, here().lang) or {
                      "value": local_name(iri), "lang": None, "fallback": False},
                  "languages": sorted(names.term_label(lang)["value"]
                                      for lang in languages[iri])}
                 for iri, found in titles.items()]
    documents.sort(key=lambda d: d["iri"])
    return documents


def home_page() -> dict[str, Any]:
    """What the home page shows (also its JSON)."""
    info = publisher().release_info()
    index = project_index()
    counts = {
        "projects": len(index.projects),
        "municipalities": len(_involved_municipalities(index)),
        "organisations": _count(f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a <{ORG}Organization> "
                                f"FILTER NOT EXISTS {{ ?o a <{kd('Municipality')}> }} }}"),
        "people": _count(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{VCARD}Individual> }}"),
        "documents": _count(f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{FOAF}Document> }}"),
        "triples": int(info["triples"]) if str(info.get("triples", "")).isdigit()
        else _count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
    }
    current = here()
    links = {name: current.url(settings().base_uri + path) for name, path in (
        ("projects", "projects"), ("sparql", "sparql"), ("dumps", "dumps/"),
        ("catalog", "catalog"), ("void", "void"), ("ontology", "def/"), ("shapes", "shapes"))}
    page = {"page": "home", "release": {k: info.get(k) for k in ("version", "built", "issued")},
            "store": store().kind, "counts": counts, "links": links,
            "themes": _concept_counts(index, "themes"),
            "statuses": _concept_counts(index, "status"),
            "documents": _documents(), "base_uri": settings().base_uri,
            "changes": release_changes(),
            "map": spec_of("home")}
    return {**page, "schema_org": dataset(page)}
