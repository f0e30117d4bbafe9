"""`/sparql`: the Flask adapter of :mod:`publisher.web.sparql_protocol`, the service
description and the query editor (YASGUI, served locally)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from publisher.i18n import LANGUAGES, texts
from publisher.store import GRAPH_FORMATS, serialize_graph
from publisher.vocab import DCTERMS, ENTAILMENT, FORMATS, RDF_TYPE, RDFS, SD, SKOS, vocabulary
from publisher.web.answers import (answered, cacheable, etag_for, remember, render_cache,
                                   request_key, response_of)
from publisher.web.context import here, page_globals, publisher, settings, store
from publisher.web.negotiation import HTML_OFFERS, RDF_OFFERS, negotiate, not_acceptable
from publisher.web.sparql_protocol import ProtocolRequest, answer

bp = Blueprint("sparql", __name__)

SD_OFFERS = RDF_OFFERS[:1] + HTML_OFFERS + RDF_OFFERS[1:] + [("application/json", "jsonld")]


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The Flask adapter: the request as the protocol reads it, its answer as a response; a
    GET that asks no query gets the service description (or the editor)."""
    if request.method == "OPTIONS":
        return Response(status=204)
    asked = ProtocolRequest(request.method, request.url, request.headers, request.query_string,
                            read_body)
    found = answer(asked, publisher(), here(), render_cache())
    if found is None:
        return _service_description_or_editor()
    return response_of(found)


def read_body() -> bytes:
    """The request body, at most MAX_CONTENT_LENGTH bytes (413 beyond), or a 400 when it
    cannot be read (a malformed chunk size makes the server's reader raise its own error
    type, whichever server it is)."""
    try:
        return _read_body()
    except (HTTPException, TimeoutError):
        raise
    except Exception as error:  # noqa: BLE001 - the server's body reader failed
        raise BadRequest(f"The request body cannot be read ({type(error).__name__}): send "
                         "it with a Content-Length, or in valid chunked encoding.") from None


def _read_body() -> bytes:
    """With a Content-Length werkzeug enforces the cap; a chunked body is read here,
    counting."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None or not limit:
        return request.get_data(cache=True)
    if not request.environ.get("wsgi.input_terminated"):
        return b""
    stream = request.environ["wsgi.input"]
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(65536, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise RequestEntityTooLarge()
    return b"".join(chunks)


def _service_description_or_editor() -> Response:
    name = negotiate(SD_OFFERS, request.headers.get("Accept"))
    if name is None:
        raise not_acceptable(SD_OFFERS, request.headers.get("Accept"),
                             " for the service description")
    etag = etag_for("sparql-description", name, here().rewrite, here().lang)
    key = request_key("sparql-description", etag)
    cached = answered(etag, key)
    if cached is not None:
        return cached
    if name == "html":
        response = Response(render_template("sparql/editor.html", **editor_context()),
                            mimetype="text/html")
    else:
        body = serialize_graph(service_description(), name,
                               prefixes={"sd": SD, "formats": FORMATS})
        response = Response(body, content_type=GRAPH_FORMATS[name])
    return remember(key, cacheable(response, etag, ["Accept", "Accept-Language"]))


def service_description() -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of this endpoint; ``sd:endpoint`` is the URL that was
    dereferenced (the Service Description tests check for that triple)."""
    current = here()
    endpoint_iri = ox.NamedNode(request.base_url)
    rdf_type = ox.NamedNode(RDF_TYPE)

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    triples = [
        ox.Triple(endpoint_iri, rdf_type, sd("Service")),
        ox.Triple(endpoint_iri, sd("endpoint"), endpoint_iri),
        ox.Triple(endpoint_iri, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(endpoint_iri, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(endpoint_iri, sd("defaultEntailmentRegime"),
                  ox.NamedNode(ENTAILMENT + "Simple")),
    ]
    if settings().limits.allow_service:
        triples.append(ox.Triple(endpoint_iri, sd("feature"), sd("BasicFederatedQuery")))
    for local in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(endpoint_iri, sd("resultFormat"),
                                 ox.NamedNode(FORMATS + local)))
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples += [
        ox.Triple(endpoint_iri, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf_type, sd("Graph")),
    ]
    for index, graph in enumerate(store().named_graphs()):
        node = ox.BlankNode(f"g{index}")
        triples += [ox.Triple(dataset, sd("namedGraph"), node),
                    ox.Triple(node, rdf_type, sd("NamedGraph")),
                    ox.Triple(node, sd("name"), ox.NamedNode(current.local(graph)))]
    return triples


def label_in(subject: str, var: str, lang: str, predicate: str = "skos:prefLabel") -> str:
    """SPARQL that binds ?`var` to `subject`'s label in `lang`, else in fi, sv, en: an
    OPTIONAL per language and the first found (COALESCE), so a name is never left empty
    because one language lacks it."""
    order = [lang] + [code for code in LANGUAGES if code != lang]
    optionals = "".join(
        f"  OPTIONAL {{ {subject} {predicate} ?{var}_{code} "
        f'FILTER(LANGMATCHES(LANG(?{var}_{code}), "{code}")) }}\n' for code in order)
    found = ", ".join(f"?{var}_{code}" for code in order)
    return f"{optionals}  BIND(COALESCE({found}) AS ?{var})"


def example_queries(lang: str) -> list[dict[str, str]]:
    """The editor's examples; names and titles in the page's language with a fallback."""
    _ = texts(lang).gettext
    lang = lang if lang in LANGUAGES else LANGUAGES[0]
    base = settings().base_uri
    prologue = (f"PREFIX kd: <{vocabulary(base)}>\nPREFIX dcterms: <{DCTERMS}>\n"
                f"PREFIX rdfs: <{RDFS}>\nPREFIX skos: <{SKOS}>\n")
    return [
        {"title": _("Projects and their lead municipalities"), "query": prologue + f"""
SELECT ?project ?name ?lead ?leadName WHERE {{
  ?project a kd:Project ;
           kd:leadOrganisation ?lead .
{label_in("?project", "name", lang, "rdfs:label")}
{label_in("?lead", "leadName", lang)}
}}
ORDER BY ?name
LIMIT 100"""},
        {"title": _("Municipalities with the most projects"), "query": prologue + f"""
SELECT ?municipality ?name (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
  ?project kd:leadOrganisation|kd:partnerMunicipality ?municipality .
  ?municipality a kd:Municipality .
{label_in("?municipality", "name", lang)}
}}
GROUP BY ?municipality ?name
ORDER BY DESC(?projects) ?name
LIMIT 20"""},
        {"title": _("Projects by status"), "query": prologue + f"""
SELECT ?status ?label (COUNT(?project) AS ?projects) WHERE {{
  ?project a kd:Project ; kd:status ?status .
{label_in("?status", "label", lang)}
}}
GROUP BY ?status ?label
ORDER BY DESC(?projects)"""},
        {"title": _("One project's description (CONSTRUCT)"), "query": prologue + """
CONSTRUCT { ?project ?p ?o } WHERE {
  { SELECT ?project WHERE { ?project a kd:Project } ORDER BY ?project LIMIT 1 }
  ?project ?p ?o .
}"""},
        {"title": _("Named graphs"), "query": """
SELECT ?graph (COUNT(*) AS ?triples) WHERE {
  GRAPH ?graph { ?s ?p ?o }
}
GROUP BY ?graph
ORDER BY ?graph"""},
    ]


def editor_context() -> dict[str, Any]:
    context = page_globals()
    vendor = Path(current_app.static_folder or "") / "vendor" / "yasgui"
    context.update(
        title=texts(context["lang"]).gettext("SPARQL queries"),
        page="sparql",                      # marks the menu entry of the current page
        endpoint=here().page("sparql"),
        examples=[{**e, "query": e["query"].strip()} for e in
                  example_queries(context["lang"])],
        yasgui=(vendor / "yasgui.min.js").is_file() and (vendor / "yasgui.min.css").is_file(),
        limits=settings().limits,
        store_kind=publisher().store.kind,
    )
    return context

