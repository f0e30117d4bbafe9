"""HTML pages (each also JSON, Datasette-style): home, the project list with filters, and the
page builders used for `/doc/…` (project, municipality, concept, document, any resource) and
the vocabulary."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from publisher.store import RDF_TYPE
from publisher.web.common import (cacheable, etag_for, here, not_modified, page_globals,
                                  publisher, safe_link, settings, store)
from publisher.web.negotiation import PAGE_OFFERS, negotiate_or_406
from publisher.web.views import (DCT, OWL, RDFS, SKOS, Index, Labeller, all_literals, integer,
                                 inverse_view, literal_text, local_name, pick_literal,
                                 properties_view, resource_view)

bp = Blueprint("pages", __name__)

PROV = "http://www.w3.org/ns/prov#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCAT = "http://www.w3.org/ns/dcat#"
_KEY = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def kd(local: str) -> str:
    return settings().base_uri + "def/" + local


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

    return publisher().cached("term-labels", store().version, compute)


def labeller(index: Index) -> Labeller:
    return Labeller(index, here().lang, settings().base_uri, term_labels(), here())


def _respond(template: str, context: dict[str, Any], etag: str | None,
             json_path: bool = False) -> Response:
    fmt = "json" if json_path else negotiate_or_406(PAGE_OFFERS, request.headers.get("Accept"))
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


@bp.route("/")
@bp.route("/index.json")
def home() -> Response:
    json_path = request.path.endswith(".json")
    etag = etag_for("home", here().lang, here().rewrite, json_path)
    cached = not_modified(etag)
    if cached is not None:
        return cached
    info = publisher().release_info()
    counts = {
        "projects": _count(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{kd('Project')}> }}"),
        "municipalities": _count(
            f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?p a <{kd('Project')}> ; "
            f"<{kd('leadOrganisation')}>|<{kd('partnerMunicipality')}> ?m . "
            f"?m a <{kd('Municipality')}> }}"),
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
               "base_uri": settings().base_uri}
    return _respond("home.html", context, etag, json_path)


# --------------------------------------------------------------------------- projects


def project_rows(filters: str = "") -> list[dict[str, Any]]:
    """Every project (matching `filters`, a SPARQL group fragment on ?p) with its title,
    number, status and lead municipality, labels in the request's language."""
    rows = store().select(f"""
SELECT ?p ?title ?n ?status ?statusLabel ?lead ?leadLabel WHERE {{
  ?p a <{kd('Project')}> . {filters}
  OPTIONAL {{ ?p <{DCT}title> ?title }}
  OPTIONAL {{ ?p <{kd('catalogueNumber')}> ?n }}
  OPTIONAL {{ ?p <{kd('status')}> ?status OPTIONAL {{ ?status <{SKOS}prefLabel> ?statusLabel }} }}
  OPTIONAL {{ ?p <{kd('leadOrganisation')}> ?lead OPTIONAL {{ ?lead <{SKOS}prefLabel> ?leadLabel }} }}
}}""")
    lang = here().lang
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        iri = row["p"].value
        entry = grouped.setdefault(iri, {"titles": set(), "n": None, "status": None,
                                         "statusLabels": set(), "lead": None,
                                         "leadLabels": set()})
        if "title" in row:
            entry["titles"].add(row["title"])
        if "n" in row:
            entry["n"] = integer(row["n"])
        if "status" in row:
            entry["status"] = row["status"].value
            if "statusLabel" in row:
                entry["statusLabels"].add(row["statusLabel"])
        if "lead" in row:
            entry["lead"] = row["lead"].value
            if "leadLabel" in row:
                entry["leadLabels"].add(row["leadLabel"])
    current = here()
    projects = []
    for iri, entry in grouped.items():
        title = pick_literal(entry["titles"], lang) or {"value": local_name(iri), "lang": None,
                                                       "fallback": False}
        project = {"iri": iri, "href": current.href(iri), "url": current.url(iri),
                   "label": title, "number": entry["n"], "status": None, "lead": None}
        if entry["status"]:
            project["status"] = {"iri": entry["status"], "href": current.href(entry["status"]),
                                 "label": pick_literal(entry["statusLabels"], lang)
                                 or {"value": local_name(entry["status"]), "lang": None,
                                     "fallback": False},
                                 "key": local_name(entry["status"])}
        if entry["lead"]:
            project["lead"] = {"iri": entry["lead"], "href": current.href(entry["lead"]),
                               "label": pick_literal(entry["leadLabels"], lang)
                               or {"value": local_name(entry["lead"]), "lang": None,
                                   "fallback": False}}
        projects.append(project)
    projects.sort(key=lambda p: (p["number"] is None, p["number"] or 0,
                                 p["label"]["value"].lower()))
    return projects


def _options(sparql: str) -> list[dict[str, Any]]:
    lang = here().lang
    labels: dict[str, set] = defaultdict(set)
    for row in store().select(sparql):
        labels[row["x"].value]
        if "label" in row:
            labels[row["x"].value].add(row["label"])
    options = [{"iri": iri, "key": local_name(iri),
                "label": pick_literal(found, lang) or {"value": local_name(iri), "lang": None,
                                                       "fallback": False}}
               for iri, found in labels.items()]
    options.sort(key=lambda o: o["label"]["value"].lower())
    return options


def _filter_value(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not _KEY.fullmatch(value):
        raise BadRequest(f"The {name} filter must be a key such as 049 or ongoing.")
    return value


@bp.route("/projects")
@bp.route("/projects.json")
def projects() -> Response:
    json_path = request.path.endswith(".json")
    chosen = {name: _filter_value(name) for name in ("municipality", "region", "status")}
    etag = etag_for("projects", here().lang, here().rewrite, json_path, sorted(
        (k, v or "") for k, v in chosen.items()))
    cached = not_modified(etag)
    if cached is not None:
        return cached
    involved = f"<{kd('leadOrganisation')}>|<{kd('partnerMunicipality')}>"
    municipalities = _options(
        f"SELECT DISTINCT ?x ?label WHERE {{ ?p a <{kd('Project')}> ; {involved} ?x . "
        f"?x a <{kd('Municipality')}> OPTIONAL {{ ?x <{SKOS}prefLabel> ?label }} }}")
    regions = _options(
        f"SELECT DISTINCT ?x ?label WHERE {{ ?p a <{kd('Project')}> ; {involved} ?m . "
        f"?m <{kd('region')}> ?x OPTIONAL {{ ?x <{SKOS}prefLabel> ?label }} }}")
    statuses = _options(
        f"SELECT DISTINCT ?x ?label WHERE {{ ?p a <{kd('Project')}> ; <{kd('status')}> ?x "
        f"OPTIONAL {{ ?x <{SKOS}prefLabel> ?label }} }}")
    base = settings().base_uri
    clauses = []
    if chosen["municipality"]:
        clauses.append(f"?p {involved}|<{kd('partnerOrganisation')}> "
                       f"<{base}id/organisation/{chosen['municipality']}> .")
    if chosen["region"]:
        region = next((o["iri"] for o in regions if o["key"] == chosen["region"]), None)
        clauses.append(f"?p {involved} ?m_ . ?m_ <{kd('region')}> <{region}> ."
                       if region else "FILTER(false)")
    if chosen["status"]:
        clauses.append(f"?p <{kd('status')}> <{base}id/status/{chosen['status']}> .")
    filters = f"FILTER EXISTS {{ {' '.join(clauses)} }}" if clauses else ""
    rows = project_rows(filters)
    for name, options in (("municipality", municipalities), ("region", regions),
                          ("status", statuses)):
        for option in options:
            option["selected"] = option["key"] == chosen[name]
    context = {"page": "projects", "filters": {k: v for k, v in chosen.items()},
               "options": {"municipality": municipalities, "region": regions,
                           "status": statuses},
               "count": len(rows), "projects": rows}
    return _respond("projects.html", context, etag, json_path)


# --------------------------------------------------------------------------- resource pages


def resource_page(iri: str, index: Index) -> tuple[str, dict[str, Any]]:
    """Pick the page for a resource by its types; returns (template, context)."""
    types = set(index.types(ox.NamedNode(iri)))
    if kd("Project") in types:
        return "project.html", project_page(iri, index)
    if kd("Municipality") in types:
        return "municipality.html", municipality_page(iri, index)
    if types & {SKOS + "Concept", SKOS + "ConceptScheme"}:
        return "concept.html", concept_page(iri, index)
    if FOAF + "Document" in types:
        return "document.html", document_page(iri, index)
    view = resource_view(iri, labeller(index))
    return "resource.html", {"page": "resource", "resource": view}


def _links(index: Index, names: Any, subject: Any, predicate: str) -> list[dict[str, Any]]:
    links = [names.link(o) for o in index.objects(subject, predicate)
             if isinstance(o, ox.NamedNode)]
    links.sort(key=lambda link: link["label"]["value"].lower())
    return links


def _source_span(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    spans = []
    for derivation in index.objects(node, PROV + "qualifiedDerivation"):
        document = index.first(derivation, PROV + "entity")
        first = integer(index.first(derivation, kd("firstLine")))
        last = integer(index.first(derivation, kd("lastLine")))
        if document is None:
            continue
        span = {"document": names.link(document), "first": first, "last": last,
                "excerpt": []}
        if first is not None and last is not None and 0 < first <= last and isinstance(
                document, ox.NamedNode):
            rows = store().select(
                f"SELECT ?text WHERE {{ <{document.value}> <{kd('sourceText')}> ?text }} LIMIT 1")
            if rows:
                lines = rows[0]["text"].value.split("\n")
                span["excerpt"] = [{"number": n, "text": lines[n - 1]}
                                   for n in range(first, min(last, len(lines)) + 1)]
        spans.append(span)
    if not spans:
        for document in index.objects(node, PROV + "wasDerivedFrom"):
            spans.append({"document": names.link(document), "first": None, "last": None,
                          "excerpt": []})
    return spans


def project_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    node = ox.NamedNode(iri)
    lang = here().lang
    status = index.first(node, kd("status"))
    contacts = []
    for contact in index.objects(node, DCAT + "contactPoint"):
        email = index.first(contact, VCARD + "hasEmail")
        organisation = pick_literal(index.objects(contact, VCARD + "organization-name"), lang)
        contacts.append({**names.link(contact), "organisation": organisation,
                         "email": email.value[len("mailto:"):] if isinstance(
                             email, ox.NamedNode) and email.value.startswith("mailto:") else None,
                         "email_href": email.value if isinstance(email, ox.NamedNode) else None})
    sections = []
    for section in index.objects(node, kd("section")):
        sections.append({"title": pick_literal(index.objects(section, DCT + "title"), lang),
                         "order": integer(index.first(section, kd("order"))),
                         "description": literal_text(index, section, DCT + "description", lang)})
    sections.sort(key=lambda s: (s["order"] is None, s["order"] or 0))
    shown = {RDF_TYPE, DCT + "title", RDFS + "label", DCT + "description", kd("status"),
             kd("catalogueNumber"), kd("leadOrganisation"), kd("partnerMunicipality"),
             kd("partnerOrganisation"), DCAT + "contactPoint", FOAF + "page", kd("section"),
             PROV + "qualifiedDerivation", PROV + "wasDerivedFrom", DCT + "subject"}
    return {
        "page": "project",
        "iri": iri,
        "url": here().url(iri),
        "label": names.label(node),
        "number": integer(index.first(node, kd("catalogueNumber"))),
        "status": names.link(status) if isinstance(status, ox.NamedNode) else None,
        "description": literal_text(index, node, DCT + "description", lang),
        "lead": _links(index, names, node, kd("leadOrganisation")),
        "partners": _links(index, names, node, kd("partnerMunicipality")),
        "partner_organisations": _links(index, names, node, kd("partnerOrganisation")),
        "themes": _links(index, names, node, DCT + "subject"),
        "contacts": contacts,
        "pages": [p.value for p in index.objects(node, FOAF + "page")
                  if isinstance(p, ox.NamedNode) and safe_link(p.value)],
        "sections": sections,
        "sources": _source_span(index, names, node),
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names),
    }


def municipality_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    node = ox.NamedNode(iri)
    base = settings().base_uri
    code_list = index.first(node, kd("municipalityCode"))
    region = index.first(node, kd("region"))
    lead = project_rows(f"?p <{kd('leadOrganisation')}> <{iri}> .")
    partner = project_rows(f"?p <{kd('partnerMunicipality')}>|<{kd('partnerOrganisation')}> <{iri}> .")
    shown = {RDF_TYPE, SKOS + "prefLabel", RDFS + "label", DCT + "identifier",
             kd("municipalityCode"), kd("region")}
    identifier = index.first(node, DCT + "identifier")
    return {
        "page": "municipality",
        "iri": iri,
        "url": here().url(iri),
        "label": names.label(node),
        "names": all_literals(index.objects(node, SKOS + "prefLabel")
                              or index.objects(node, RDFS + "label")),
        "code": identifier.value if isinstance(identifier, ox.Literal) else None,
        "code_list": code_list.value if isinstance(code_list, ox.NamedNode)
        and safe_link(code_list.value) else None,
        "region": names.link(region) if isinstance(region, ox.NamedNode) else None,
        "region_key": local_name(region.value) if isinstance(region, ox.NamedNode) else None,
        "lead_projects": lead,
        "partner_projects": partner,
        "projects_href": here().page(f"projects?municipality={local_name(iri)}")
        if iri.startswith(base + "id/organisation/") else None,
        "other": properties_view(node, names, skip=shown),
    }


def concept_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    node = ox.NamedNode(iri)
    lang = here().lang
    shown = {RDF_TYPE, SKOS + "prefLabel", SKOS + "definition"}
    return {
        "page": "concept",
        "iri": iri,
        "url": here().url(iri),
        "label": names.label(node),
        "types": [names.term_link(t) for t in index.types(node)],
        "names": all_literals(index.objects(node, SKOS + "prefLabel")),
        "definition": literal_text(index, node, SKOS + "definition", lang),
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names),
    }


def document_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    node = ox.NamedNode(iri)
    source = index.first(node, kd("sourceText"))
    lines = []
    if isinstance(source, ox.Literal):
        lines = [{"number": n, "text": text} for n, text in
                 enumerate(source.value.split("\n"), start=1)]
    return {
        "page": "document",
        "iri": iri,
        "url": here().url(iri),
        "label": names.label(node),
        "types": [names.term_link(t) for t in index.types(node)],
        "properties": properties_view(node, names, skip={RDF_TYPE, kd("sourceText")}),
        "inverse": inverse_view(node, names),
        "lines": lines,
    }


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
            "curie": names.term_link(iri)["curie"],
            "domain": [names.term_link(o.value) for o in index.objects(node, RDFS + "domain")
                       if isinstance(o, ox.NamedNode)],
            "range": [names.term_link(o.value) for o in index.objects(node, RDFS + "range")
                      if isinstance(o, ox.NamedNode)],
            "superclasses": [names.term_link(o.value) for o in
                             index.objects(node, RDFS + "subClassOf")
                             if isinstance(o, ox.NamedNode)]}


def vocabulary_page(index: Index) -> dict[str, Any]:
    names = labeller(index)
    base = settings().base_uri
    lang = here().lang
    classes, properties, concepts = [], [], []
    for subject in list(index.out):
        if not isinstance(subject, ox.NamedNode):
            continue
        types = set(index.types(subject))
        if types & _CLASS_TYPES:
            classes.append(_term_summary(subject.value, index, names))
        elif types & _PROPERTY_TYPES:
            properties.append(_term_summary(subject.value, index, names))
        elif types & {SKOS + "Concept", SKOS + "ConceptScheme"}:
            concepts.append({"iri": subject.value, **names.link(subject)})
    for group in (classes, properties):
        group.sort(key=lambda term: term["label"]["value"].lower())
    concepts.sort(key=lambda c: c["label"]["value"].lower())
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
            "classes": classes, "properties": properties, "concepts": concepts}


def term_page(iri: str, index: Index) -> dict[str, Any]:
    names = labeller(index)
    node = ox.NamedNode(iri)
    summary = _term_summary(iri, index, names)
    shown = {RDF_TYPE, SKOS + "definition", RDFS + "comment", RDFS + "domain", RDFS + "range",
             RDFS + "subClassOf"}
    subclasses = [names.term_link(s.value) for s in index.subjects(RDFS + "subClassOf", node)
                  if isinstance(s, ox.NamedNode)]
    used_as_domain = [names.term_link(s.value) for s in index.subjects(RDFS + "domain", node)
                      if isinstance(s, ox.NamedNode)]
    used_as_range = [names.term_link(s.value) for s in index.subjects(RDFS + "range", node)
                     if isinstance(s, ox.NamedNode)]
    return {"page": "term", **summary,
            "types": [names.term_link(t) for t in index.types(node)],
            "names": all_literals(index.objects(node, RDFS + "label")),
            "definitions": all_literals(index.objects(node, SKOS + "definition")),
            "subclasses": subclasses, "properties_with_domain": used_as_domain,
            "properties_with_range": used_as_range,
            "other": properties_view(node, names, skip=shown),
            "vocabulary_href": here().page("def/") + "#" + local_name(iri)}

