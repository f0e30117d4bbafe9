"""HTML pages (each also JSON, Datasette-style): home, the project list with filters, and the
page builders used for `/doc/…` (initiatives and projects, organisations, people, concepts and
concept schemes, documents, any other resource) and the vocabulary."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from publisher.store import LABEL_PREDICATES, RDF_TYPE
from publisher.web.common import (cacheable, etag_for, here, page_globals,
                                  publisher, safe_link, settings, store)
from publisher.web.cache import answer_once
from publisher.web.negotiation import PAGE_OFFERS, negotiate_or_406
from publisher.web.views import (DCT, OWL, RDFS, SKOS, Index, Labeller, all_literals,
                                 collation_key, derivation_spans, fragment_of, integer,
                                 inverse_view,
                                 literal_text, local_name, other_languages, pick_literal,
                                 properties_view, resource_view)

bp = Blueprint("pages", __name__)

PROV = "http://www.w3.org/ns/prov#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCAT = "http://www.w3.org/ns/dcat#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "http://schema.org/"
SCHEMA_HTTPS = "https://schema.org/"
_KEY = re.compile(r"[A-Za-z0-9_.-]{1,100}")
PAGE_SIZE = 50
MAX_SEARCH = 100
#: the list's filters, in the order their parameters appear in a shared URL
FILTERS = ("municipality", "region", "status", "theme", "programme")
_MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
#: where a resource came from: shown as its source spans, not as properties
_SOURCE_PREDICATES = (PROV + "qualifiedDerivation", PROV + "wasDerivedFrom")
#: types too general to tell a reader anything
_GENERIC_TYPES = {PROV + "Entity", OWL + "Thing", RDFS + "Resource"}
_PERSON_TYPES = {VCARD + "Individual", VCARD + "Kind", FOAF + "Person"}


def kd(local: str) -> str:
    return settings().base_uri + "def/" + local


def schema(local: str) -> tuple[str, str]:
    """A schema.org term under both of its namespaces."""
    return SCHEMA + local, SCHEMA_HTTPS + local


# --------------------------------------------------------------------------- per-release caches


def _cached(key: str, compute: Callable[[], Any]) -> Any:
    return publisher().cached(key, store().version, compute)


def term_labels() -> dict[str, list[Any]]:
    """rdfs:label / skos:prefLabel of every vocabulary term, once per release."""
    from publisher.web.resources import ontology_triples

    def compute() -> dict[str, list[Any]]:
        labels: dict[str, list[Any]] = defaultdict(list)
        for t in ontology_triples():
            if t.predicate.value in (RDFS + "label", SKOS + "prefLabel") and isinstance(
                    t.subject, ox.NamedNode):
                labels[t.subject.value].append(t.object)
        return dict(labels)

    return _cached("term-labels", compute)


def class_ancestors() -> dict[str, set[str]]:
    """Every class of the vocabulary with all its superclasses (rdfs:subClassOf, transitive),
    so a page for kd:Initiative also serves kd:Network, kd:Service…"""
    from publisher.web.resources import ontology_triples

    def compute() -> dict[str, set[str]]:
        parents: dict[str, set[str]] = defaultdict(set)
        for t in ontology_triples():
            if t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
                parents[t.subject.value].add(t.object.value)
        return {cls: _closure(cls, parents) for cls in parents}

    return _cached("class-ancestors", compute)


def _closure(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def expanded_types(types: Iterable[str]) -> set[str]:
    ancestors = class_ancestors()
    found = set(types)
    for cls in list(found):
        found |= ancestors.get(cls, set())
    return found


def document_lines(iri: str) -> list[str]:
    """The lines of a source document's text (kd:sourceText), once per release."""
    def compute() -> list[str]:
        rows = store().select(
            f"SELECT ?text WHERE {{ <{iri}> <{kd('sourceText')}> ?text }} LIMIT 1")
        return rows[0]["text"].value.split("\n") if rows else []

    return _cached("document-lines " + iri, compute)


@dataclass
class ProjectIndex:
    """What the project list, the facets and the lists on organisation and concept pages
    need, read from the store once per release; labels stay literals so that each request
    picks its own language."""

    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    municipalities: set[str] = field(default_factory=set)
    regions: dict[str, str] = field(default_factory=dict)


_INDEXED = {"title": DCT + "title", "number": "catalogueNumber", "status": "status",
            "lead": "leadOrganisation", "partners": "partnerMunicipality",
            "partner_orgs": "partnerOrganisation", "themes": DCT + "subject",
            "programmes": SCHEMA + "funding"}


def _indexed_predicates() -> dict[str, str]:
    return {name: p if ":" in p else kd(p) for name, p in _INDEXED.items()}


def project_index() -> ProjectIndex:
    return _cached("project-index", _read_project_index)


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


def _indexed_link(index: ProjectIndex, iri: str, lang: str) -> dict[str, Any]:
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
            "status": _indexed_link(index, entry["status"], lang) if entry["status"] else None,
            "lead": _indexed_link(index, lead, lang) if lead else None,
            "themes": [_indexed_link(index, t, lang) for t in entry["themes"]]}


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


def labeller(index: Index) -> Labeller:
    return Labeller(index, here().lang, settings().base_uri, term_labels(), here())


def _page_format(json_path: bool) -> str:
    """html or json: by the path, else by ``Accept`` (406 when neither fits)."""
    return "json" if json_path else negotiate_or_406(PAGE_OFFERS, request.headers.get("Accept"))


def _respond(template: str, context: dict[str, Any], etag: str | None, fmt: str,
             json_path: bool = False) -> Response:
    if fmt == "json":
        response = jsonify(context)
    else:
        response = Response(render_template(template, **page_globals(), **context),
                            mimetype="text/html")
    vary = [] if json_path else ["Accept"]
    if not here().lang_explicit:
        vary.append("Accept-Language")
    return cacheable(response, etag, vary)


# --------------------------------------------------------------------------- home


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
    items = [{**_indexed_link(index, iri, lang), "count": n,
              "list_href": list_href({_FILTER_OF[name]: local_name(iri)})}
             for iri, n in counts.items()]
    items.sort(key=lambda item: (-item["count"], collation_key(item["label"]["value"])))
    return items


def _documents() -> list[dict[str, Any]]:
    rows = store().select(f"""
SELECT ?d ?title ?language WHERE {{ ?d a <{FOAF}Document>
  OPTIONAL {{ ?d <{DCT}title> ?title }} OPTIONAL {{ ?d <{DCT}language> ?language }} }}""")
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


@bp.route("/")
@bp.route("/index.json")
def home() -> Response:
    json_path = request.path.endswith(".json")
    fmt = _page_format(json_path)
    etag = etag_for("home", here().lang, here().lang_explicit, here().rewrite, json_path, fmt)
    return answer_once("home", etag, lambda: _home(etag, fmt, json_path))


def _home(etag: str | None, fmt: str, json_path: bool) -> Response:
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
    context = {"page": "home", "release": {k: info.get(k) for k in ("version", "built", "issued")},
               "store": store().kind, "counts": counts, "links": links,
               "themes": _concept_counts(index, "themes"),
               "statuses": _concept_counts(index, "status"),
               "documents": _documents(), "base_uri": settings().base_uri}
    return _respond("home.html", context, etag, fmt, json_path)


# --------------------------------------------------------------------------- projects


def list_href(filters: dict[str, str | None], page: int = 1, json_path: bool = False) -> str:
    """The shareable address of one state of the project list."""
    params = [(name, filters[name]) for name in (*FILTERS, "q") if filters.get(name)]
    if page > 1:
        params.append(("page", str(page)))
    if here().lang_explicit:
        params.append(("lang", here().lang))
    path = here().page("projects.json" if json_path else "projects")
    return path + ("?" + urlencode(params) if params else "")


def _filter_value(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not _KEY.fullmatch(value):
        raise BadRequest(f"The {name} filter must be a key such as 049 or ongoing "
                         "(take one from the options of the list of projects).")
    return value


def _search_value() -> str | None:
    value = " ".join(request.args.get("q", "").split())
    if len(value) > MAX_SEARCH:
        raise BadRequest(f"The q parameter (text to look for in project names) is longer "
                         f"than {MAX_SEARCH} characters.")
    return value or None


def _page_number() -> int:
    raw = request.args.get("page", "1").strip() or "1"
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
        raise BadRequest("The page parameter must be a whole number from 1 upwards.")
    return int(raw)


def _facet_values(index: ProjectIndex, entry: dict[str, Any], name: str) -> set[str]:
    """The keys a project offers for one filter."""
    organisations = [*entry["lead"], *entry["partners"]]
    if name == "municipality":
        return {local_name(o) for o in (*organisations, *entry["partner_orgs"])}
    if name == "region":
        return {local_name(index.regions[o]) for o in organisations if o in index.regions}
    if name == "status":
        return {local_name(entry["status"])} if entry["status"] else set()
    return {local_name(v) for v in entry[{"theme": "themes", "programme": "programmes"}[name]]}


def _matches(index: ProjectIndex, entry: dict[str, Any], chosen: dict[str, str | None],
             leave_out: str | None = None) -> bool:
    for name in FILTERS:
        if name != leave_out and chosen[name] and chosen[name] not in _facet_values(
                index, entry, name):
            return False
    words = chosen.get("q")
    if words:
        titles = " ".join(t.value for t in entry["titles"]).casefold()
        return all(word in titles for word in words.casefold().split())
    return True


def _option_iris(index: ProjectIndex, name: str) -> set[str]:
    """The resources one filter can choose from (municipalities, regions, …)."""
    found: set[str] = set()
    for entry in index.projects.values():
        if name == "municipality":
            found.update(o for o in (*entry["lead"], *entry["partners"])
                         if o in index.municipalities)
        elif name == "region":
            found.update(index.regions[o] for o in (*entry["lead"], *entry["partners"])
                         if o in index.regions)
        elif name == "status":
            found.update([entry["status"]] if entry["status"] else [])
        else:
            found.update(entry[{"theme": "themes", "programme": "programmes"}[name]])
    return found


def _facet(index: ProjectIndex, name: str, chosen: dict[str, str | None]) -> list[dict[str, Any]]:
    """The options of one filter with how many projects each would give together with the
    other filters (Datasette's facets); options that would give none are left out."""
    counts: Counter[str] = Counter()
    for entry in index.projects.values():
        if _matches(index, entry, chosen, leave_out=name):
            counts.update(_facet_values(index, entry, name))
    lang = here().lang
    options = []
    for iri in _option_iris(index, name):
        key = local_name(iri)
        if counts[key] or key == chosen[name]:
            options.append({"iri": iri, "key": key, "label": indexed_label(index, iri, lang),
                            "count": counts[key], "selected": key == chosen[name]})
    options.sort(key=lambda o: collation_key(o["label"]["value"]))
    return options


def _active_filters(options: dict[str, list[dict[str, Any]]],
                    chosen: dict[str, str | None]) -> list[dict[str, Any]]:
    """Each chosen filter with a link that removes just it."""
    active = []
    for name in (*FILTERS, "q"):
        if not chosen.get(name):
            continue
        label = next((o["label"]["value"] for o in options.get(name, []) if o["selected"]),
                     chosen[name])
        active.append({"name": name, "value": chosen[name], "label": label,
                       "remove_href": list_href({**chosen, name: None})})
    return active


def _paging(total: int, page: int, chosen: dict[str, str | None],
            json_path: bool) -> dict[str, Any]:
    pages = max(1, -(-total // PAGE_SIZE))
    first = (page - 1) * PAGE_SIZE
    return {"page": page, "pages": pages, "size": PAGE_SIZE,
            "first": first + 1 if total > first else 0, "last": min(total, first + PAGE_SIZE),
            "prev": list_href(chosen, page - 1, json_path) if page > 1 else None,
            "next": list_href(chosen, page + 1, json_path) if page < pages else None}


@bp.route("/projects")
@bp.route("/projects.json")
def projects() -> Response:
    json_path = request.path.endswith(".json")
    chosen: dict[str, str | None] = {name: _filter_value(name) for name in FILTERS}
    chosen["q"] = _search_value()
    page = _page_number()
    fmt = _page_format(json_path)
    etag = etag_for("projects", here().lang, here().lang_explicit, here().rewrite, json_path,
                    sorted((k, v or "") for k, v in chosen.items()), page, fmt)
    return answer_once("projects", etag,
                       lambda: _projects(etag, fmt, json_path, chosen, page))


def _projects(etag: str | None, fmt: str, json_path: bool, chosen: dict[str, str | None],
              page: int) -> Response:
    index = project_index()
    matching = [iri for iri, entry in index.projects.items() if _matches(index, entry, chosen)]
    rows = project_rows(matching)
    options = {name: _facet(index, name, chosen) for name in FILTERS}
    paging = _paging(len(rows), page, chosen, json_path)
    context = {"page": "projects", "filters": chosen, "options": options,
               "active": _active_filters(options, chosen), "count": len(rows),
               "paging": paging, "json_href": list_href(chosen, page, json_path=True),
               "projects": rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]}
    return _respond("projects.html", context, etag, fmt, json_path)


# --------------------------------------------------------------------------- resource pages


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


def _links(index: Index, names: Labeller, subject: Any, *predicates: str) -> list[dict[str, Any]]:
    """The resources `subject` links to with any of `predicates`, by label."""
    seen: dict[str, dict[str, Any]] = {}
    for predicate in predicates:
        for o in index.objects(subject, predicate):
            if isinstance(o, ox.NamedNode) and o.value not in seen:
                seen[o.value] = names.link(o)
    return sorted(seen.values(), key=lambda link: collation_key(link["label"]["value"]))


def _literals(index: Index, subject: Any, *predicates: str) -> list[str]:
    return [o.value for p in predicates for o in index.objects(subject, p)
            if isinstance(o, ox.Literal)]


def _derivation_terms() -> dict[str, str]:
    return {"entity_of": PROV + "qualifiedDerivation", "entity": PROV + "entity",
            "first": kd("firstLine"), "last": kd("lastLine"), "text": kd("sourceText")}


def source_spans(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    """Where a resource came from: document, lines and the text of those lines."""
    spans = derivation_spans(index, names, node, _derivation_terms())
    for span in spans:
        if not span["excerpt"] and span["first"] is not None and span["last"] is not None \
                and 0 < span["first"] <= span["last"]:
            lines = document_lines(span["document"]["iri"])
            span["excerpt"] = [{"number": n, "text": lines[n - 1]}
                               for n in range(span["first"], min(span["last"], len(lines)) + 1)]
    if not spans:
        for document in index.objects(node, PROV + "wasDerivedFrom"):
            if isinstance(document, ox.NamedNode):
                link = names.link(document)
                spans.append({"document": link, "first": None, "last": None, "single": False,
                              "excerpt": [], "href": link["href"]})
    return spans


def _names(index: Index, node: Any) -> list[dict[str, Any]]:
    """The resource's name in every language it has one in."""
    for predicate in LABEL_PREDICATES:
        found = all_literals(index.objects(node, predicate))
        if found:
            return found
    return []


def _base(page: str, iri: str, index: Index, names: Labeller) -> dict[str, Any]:
    """What every resource page starts with."""
    node = ox.NamedNode(iri)
    return {"page": page, "iri": iri, "url": here().url(iri), "label": names.label(node),
            "names": _names(index, node),
            "types": [names.term_link(t) for t in index.types(node) if t not in _GENERIC_TYPES],
            "sources": source_spans(index, names, node)}


def _description(index: Index, node: Any, lang: str, *predicates: str) -> dict[str, Any]:
    """The description in the language asked (from the first predicate that has one in
    it, else the first that has any) and its versions in the other languages."""
    candidates = [(p, literal_text(index, node, p, lang)) for p in predicates]
    found = [(p, shown) for p, shown in candidates if shown]
    if not found:
        return {"description": None, "descriptions_other": []}
    predicate, shown = next(((p, s) for p, s in found if not s["fallback"]), found[0])
    return {"description": shown,
            "descriptions_other": other_languages(index.objects(node, predicate), shown)}


_SHOWN_ON_INITIATIVE = {
    "": (RDF_TYPE, DCT + "title", RDFS + "label", SKOS + "prefLabel", DCT + "description",
         SKOS + "definition", *schema("funder"),
         DCAT + "contactPoint", FOAF + "page", PROV + "qualifiedDerivation",
         PROV + "wasDerivedFrom", DCT + "subject", *schema("funding"), *schema("startDate"),
         *schema("endDate")),
    "kd": ("status", "catalogueNumber", "leadOrganisation", "partnerMunicipality",
           "partnerOrganisation", "section", "kind", "themeAssignment", "call"),
}


def _shown(table: dict[str, tuple[str, ...]]) -> set[str]:
    return {*table[""], *(kd(local) for local in table["kd"])}


def initiative_page(iri: str, index: Index) -> dict[str, Any]:
    """A project or any other initiative (network, service, event, forum, programme)."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    lang = here().lang
    status = index.first(node, kd("status"))
    is_project = kd("Project") in index.types(node)
    funded = _funded(iri)
    return {
        **_base("project" if is_project else "initiative", iri, index, names),
        "number": integer(index.first(node, kd("catalogueNumber"))),
        "status": names.link(status) if isinstance(status, ox.NamedNode) else None,
        "kinds": _links(index, names, node, kd("kind")),
        **_description(index, node, lang, DCT + "description", SKOS + "definition"),
        "lead": _links(index, names, node, kd("leadOrganisation")),
        "lead_is_municipality": all(kd("Municipality") in index.types(o) for o in
                                    index.objects(node, kd("leadOrganisation"))),
        "funders": _links(index, names, node, *schema("funder")),
        "partners": _links(index, names, node, kd("partnerMunicipality")),
        "partner_organisations": _links(index, names, node, kd("partnerOrganisation")),
        "themes": _themes(index, names, node),
        "programmes": _links(index, names, node, *schema("funding")),
        "dates": {"start": next(iter(_literals(index, node, *schema("startDate"))), None),
                  "end": next(iter(_literals(index, node, *schema("endDate"))), None)},
        "contacts": _contacts(index, names, node),
        "pages": [p.value for p in index.objects(node, FOAF + "page")
                  if isinstance(p, ox.NamedNode) and safe_link(p.value)],
        "sections": _sections(index, node, lang),
        "calls": _calls(index, names, node),
        "funded": funded,
        "other": properties_view(node, names, skip=_shown(_SHOWN_ON_INITIATIVE)),
        "inverse": inverse_view(node, names, skip=schema("funding") if funded else ()),
    }


def _contacts(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    contacts = []
    for contact in index.objects(node, DCAT + "contactPoint"):
        if not isinstance(contact, ox.NamedNode):
            continue
        email = index.first(contact, VCARD + "hasEmail")
        email_href = email.value if isinstance(email, ox.NamedNode) and safe_link(
            email.value) and email.value.startswith("mailto:") else None
        organisation = pick_literal(index.objects(contact, VCARD + "organization-name"),
                                    here().lang)
        contacts.append({**names.link(contact), "organisation": organisation,
                         "anchor": fragment_of(contact),
                         "email": email_href[len("mailto:"):] if email_href else None,
                         "email_href": email_href,
                         "telephone": next(iter(_telephones(index, contact)), None)})
    contacts.sort(key=lambda c: collation_key(c["label"]["value"]))
    return contacts


def _telephones(index: Index, node: Any) -> list[str]:
    phones = []
    for value in index.objects(node, VCARD + "hasTelephone"):
        text = value.value
        phones.append(text[len("tel:"):] if text.startswith("tel:") else text)
    return phones


def _sections(index: Index, node: Any, lang: str) -> list[dict[str, Any]]:
    sections = []
    for section in index.objects(node, kd("section")):
        sections.append({"title": pick_literal(index.objects(section, DCT + "title"), lang),
                         "anchor": fragment_of(section),
                         "order": integer(index.first(section, kd("order"))),
                         "description": literal_text(index, section, DCT + "description", lang)})
    sections.sort(key=lambda s: (s["order"] is None, s["order"] or 0))
    return sections


_MATCHED = re.compile(r"^'(?P<words>.*)' (?P<file>[\w-]+)\.txt:(?P<line>\d+)(?P<rest>.*)$")


def _themes(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    """The themes with why each was given: the rule and the words it matched, each word
    linked to the line of the source text it was found on."""
    why: dict[str, dict[str, Any]] = {}
    documents = {d.value for d in index.objects(node, PROV + "wasDerivedFrom")
                 if isinstance(d, ox.NamedNode)}
    for assignment in index.objects(node, kd("themeAssignment")):
        theme = index.first(assignment, kd("assignedTheme"))
        if not isinstance(theme, ox.NamedNode):
            continue
        rule = index.first(assignment, kd("assignedBy"))
        words = sorted(_literals(index, assignment, kd("matchedText")))
        why[theme.value] = {"rule": names.link(rule) if isinstance(rule, ox.NamedNode) else None,
                            "anchor": fragment_of(assignment),
                            "words": [_matched_word(text, documents) for text in words]}
    return [{**link, "why": why.get(link["iri"])}
            for link in _links(index, names, node, DCT + "subject")]


def _matched_word(text: str, documents: set[str]) -> dict[str, Any]:
    """`'eVaka' 004_f0ab….txt:20` → the words, the line and a link to that line."""
    found = _MATCHED.match(text)
    if not found:
        return {"text": text, "href": None}
    document = settings().base_uri + "id/document/" + found["file"].replace("_", "-")
    href = here().href(document) + f"#L{found['line']}" if document in documents else None
    return {"text": text, "words": found["words"], "line": int(found["line"]),
            "note": found["rest"].strip(), "href": href}


def _calls(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    calls = [{**names.link(call), "anchor": call.value.rpartition("#")[2],
              "date": next(iter(_literals(index, call, DCT + "date")), None)}
             for call in index.objects(node, kd("call")) if isinstance(call, ox.NamedNode)]
    calls.sort(key=lambda c: (c["date"] or "", collation_key(c["label"]["value"])))
    return calls


def _funded(iri: str) -> dict[str, Any] | None:
    """For a funding programme: how many projects it funds, and the list of them."""
    index = project_index()
    count = sum(1 for entry in index.projects.values() if iri in entry["programmes"])
    if not count:
        return None
    return {"count": count, "href": list_href({"programme": local_name(iri)})}


def organisation_page(iri: str, index: Index) -> dict[str, Any]:
    """A municipality or another organisation with the projects it leads and takes part in."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    code_list = index.first(node, kd("municipalityCode"))
    region = index.first(node, kd("region"))
    identifier = index.first(node, DCT + "identifier")
    projects = project_index().projects
    lead = [p for p, entry in projects.items() if iri in entry["lead"]]
    partner = [p for p, entry in projects.items()
               if iri in entry["partners"] or iri in entry["partner_orgs"]]
    is_municipality = kd("Municipality") in index.types(node)
    shown = {RDF_TYPE, SKOS + "prefLabel", RDFS + "label", DCT + "identifier",
             kd("municipalityCode"), kd("region"), PROV + "qualifiedDerivation",
             PROV + "wasDerivedFrom"}
    return {
        **_base("municipality" if is_municipality else "organisation", iri, index, names),
        "code": identifier.value if isinstance(identifier, ox.Literal) and is_municipality
        else None,
        "code_list": code_list.value if isinstance(code_list, ox.NamedNode)
        and safe_link(code_list.value) else None,
        "region": names.link(region) if isinstance(region, ox.NamedNode) else None,
        "region_href": list_href({"region": local_name(region.value)})
        if isinstance(region, ox.NamedNode) else None,
        "lead_projects": project_rows(lead, by_number=True),
        "partner_projects": project_rows(partner),
        "projects_href": list_href({"municipality": local_name(iri)})
        if lead or partner else None,
        "members": sorted((names.link(s) for s in index.subjects(ORG + "memberOf", node)
                           if isinstance(s, ox.NamedNode)),
                          key=lambda link: collation_key(link["label"]["value"])),
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names, skip=(
            kd("leadOrganisation"), kd("partnerMunicipality"), kd("partnerOrganisation"),
            ORG + "memberOf")),
    }


def person_page(iri: str, index: Index) -> dict[str, Any]:
    """A contact person: organisation, how to reach them, what they are the contact for."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    emails = [o.value for o in index.objects(node, VCARD + "hasEmail")
              if isinstance(o, ox.NamedNode) and o.value.startswith("mailto:")]
    shown = {RDF_TYPE, VCARD + "fn", RDFS + "label", ORG + "memberOf",
             VCARD + "organization-name", VCARD + "hasEmail", VCARD + "hasTelephone",
             VCARD + "role", PROV + "qualifiedDerivation", PROV + "wasDerivedFrom"}
    contact_for = [names.link(s) for s in dict.fromkeys(index.subjects(DCAT + "contactPoint",
                                                                       node))
                   if isinstance(s, ox.NamedNode)]
    contact_for.sort(key=lambda link: collation_key(link["label"]["value"]))
    return {
        **_base("person", iri, index, names),
        "organisations": _links(index, names, node, ORG + "memberOf"),
        "organisation_name": pick_literal(index.objects(node, VCARD + "organization-name"),
                                          here().lang),
        "roles": [{"value": r.value, "lang": r.language or None, "fallback": False}
                  for r in index.objects(node, VCARD + "role") if isinstance(r, ox.Literal)],
        "emails": [{"href": e, "text": e[len("mailto:"):]} for e in emails],
        "telephones": _telephones(index, node),
        "contact_for": contact_for,
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names, skip=(DCAT + "contactPoint",)),
    }


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
             *(SKOS + m for m in _MATCHES), *_SOURCE_PREDICATES}
    other_initiatives = [names.link(s) for s in dict.fromkeys(index.subjects(DCT + "subject",
                                                                             node))
                         if isinstance(s, ox.NamedNode) and s.value not in listed]
    other_initiatives.sort(key=lambda link: collation_key(link["label"]["value"]))
    return {
        **_base("concept", iri, index, names),
        "alt_labels": all_literals(index.objects(node, SKOS + "altLabel")),
        **_description(index, node, lang, SKOS + "definition", DCT + "description"),
        "notation": next(iter(_literals(index, node, SKOS + "notation")), None),
        "schemes": _links(index, names, node, SKOS + "inScheme", SKOS + "topConceptOf"),
        "broader": _links(index, names, node, SKOS + "broader")
        or _subject_links(index, names, SKOS + "narrower", node),
        "narrower": _links(index, names, node, SKOS + "narrower")
        or _subject_links(index, names, SKOS + "broader", node),
        "related": _links(index, names, node, SKOS + "related"),
        "mappings": [{"predicate": names.term_link(SKOS + m),
                      "targets": _links(index, names, node, SKOS + m)}
                     for m in _MATCHES if index.objects(node, SKOS + m)],
        "scheme_concepts": scheme_concepts(iri, index, names),
        "projects": project_rows(projects),
        "projects_href": list_href({filter_name: local_name(iri)}) if filter_name else None,
        "other_initiatives": other_initiatives,
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names, skip=(
            DCT + "subject", kd("status"), kd("assignedTheme"), SKOS + "inScheme",
            SKOS + "hasTopConcept",
            SKOS + "topConceptOf", SKOS + "broader", SKOS + "narrower", *schema("funding"))),
    }


def _subject_links(index: Index, names: Labeller, predicate: str,
                   obj: Any) -> list[dict[str, Any]]:
    links = [names.link(s) for s in dict.fromkeys(index.subjects(predicate, obj))
             if isinstance(s, ox.NamedNode)]
    return sorted(links, key=lambda link: collation_key(link["label"]["value"]))


def scheme_concepts(iri: str, index: Index, names: Labeller) -> list[dict[str, Any]]:
    """For a concept scheme: its concepts (top concepts first) with their definitions and
    how many projects each applies to; [] for anything else."""
    node = ox.NamedNode(iri)
    if SKOS + "ConceptScheme" not in index.types(node):
        return []
    top = {c for c in index.objects(node, SKOS + "hasTopConcept")}
    top |= set(index.subjects(SKOS + "topConceptOf", node))
    members = top | set(index.subjects(SKOS + "inScheme", node))
    counts: Counter[str] = Counter()
    for entry in project_index().projects.values():
        counts.update({*entry["themes"], *([entry["status"]] if entry["status"] else [])})
    concepts = []
    for concept in members:
        if not isinstance(concept, ox.NamedNode):
            continue
        projects, filter_name = _concept_projects(concept.value)
        concepts.append({
            **names.link(concept), "top": concept in top,
            "definition": pick_literal(index.objects(concept, SKOS + "definition"), names.lang),
            "count": counts[concept.value],
            "list_href": list_href({filter_name: local_name(concept.value)})
            if filter_name else None})
    concepts.sort(key=lambda c: (not c["top"], collation_key(c["label"]["value"])))
    return concepts


def document_page(iri: str, index: Index) -> dict[str, Any]:
    """A source text: what it is, what was taken from which of its lines, and the text
    itself with numbered, linkable lines."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    shown = {RDF_TYPE, kd("sourceText"), DCT + "title", RDFS + "label", DCT + "description",
             *_SOURCE_PREDICATES}
    derived, quoted = _derived_from(iri)
    whole = document_lines(iri)
    return {
        **_base("document", iri, index, names),
        **_description(index, node, here().lang, DCT + "description"),
        "properties": properties_view(node, names, skip=shown),
        "derived": derived,
        "inverse": inverse_view(node, names, skip=(PROV + "entity", PROV + "wasDerivedFrom")),
        "lines": [{"number": n, "text": text} for n, text in enumerate(whole, start=1)]
        if whole else _with_gaps(quoted),
        "text_complete": bool(whole),
    }


def _with_gaps(quoted: dict[int, str]) -> list[dict[str, Any]]:
    """The lines the derivations quote, in order, with a gap marker where lines the data
    does not hold are left out (the document itself carries no kd:sourceText)."""
    lines: list[dict[str, Any]] = []
    previous = 0
    for number in sorted(quoted):
        if number > previous + 1:
            lines.append({"gap": True, "first": previous + 1, "last": number - 1})
        lines.append({"number": number, "text": quoted[number]})
        previous = number
    return lines


def _derived_from(document: str) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Every resource with a derivation from `document` (its label and the lines, in the
    order they appear in the text), and the text of the lines the derivations quote."""
    label_values = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
    rows = store().select(f"""
SELECT ?x ?first ?last ?text ?pred ?label WHERE {{
  ?x <{PROV}qualifiedDerivation> ?d . ?d <{PROV}entity> <{document}> .
  OPTIONAL {{ ?d <{kd('firstLine')}> ?first }} OPTIONAL {{ ?d <{kd('lastLine')}> ?last }}
  OPTIONAL {{ ?d <{kd('sourceText')}> ?text }}
  OPTIONAL {{ ?x ?pred ?label VALUES ?pred {{ {label_values} }} }}
}}""")
    triples = []
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    quoted: dict[int, str] = {}
    for row in rows:
        x = row["x"]
        if "label" in row:
            triples.append(ox.Triple(x, ox.NamedNode(row["pred"].value), row["label"]))
        first = integer(row.get("first"))
        if first is not None:
            spans[x.value].add((first, integer(row.get("last")) or first))
            if "text" in row:
                for offset, line in enumerate(row["text"].value.split("\n")):
                    quoted.setdefault(first + offset, line)
        else:
            spans.setdefault(x.value, set())
    names = labeller(Index(triples))
    href = here().href(document)
    derived = []
    for iri, found in spans.items():
        ordered = sorted(found)
        derived.append({**names.link(ox.NamedNode(iri)),
                        "anchor": iri.partition("#")[2] if iri.startswith(document + "#") else None,
                        "spans": [
            {"first": a, "last": b, "single": a == b, "href": f"{href}#L{a}"} for a, b in ordered],
            "first_line": ordered[0][0] if ordered else 0})
    derived.sort(key=lambda d: (d["first_line"], collation_key(d["label"]["value"])))
    return derived, quoted


def generic_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    view = resource_view(iri, names, skip=_SOURCE_PREDICATES)
    return {"page": "resource", "resource": view, "names": _names(index, ox.NamedNode(iri)),
            "sources": source_spans(index, names, ox.NamedNode(iri))}


# --------------------------------------------------------------------------- vocabulary


_CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
_PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                   "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"}


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
    ontology = ox.NamedNode(base + "def/")
    if not index.has(ontology):
        ontology = next((s for s in index.out if OWL + "Ontology" in index.types(s)), ontology)
    title = pick_literal(index.objects(ontology, DCT + "title")
                         or index.objects(ontology, RDFS + "label"), lang)
    description = literal_text(index, ontology, DCT + "description", lang) or literal_text(
        index, ontology, RDFS + "comment", lang)
    return {"page": "vocabulary", "iri": ontology.value if isinstance(ontology, ox.NamedNode)
            else base + "def/", "title": title, "description": description,
            "namespace": here().local(base + "def/"),
            "version": next(iter(_literals(index, ontology, OWL + "versionInfo")), None),
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
