"""`/sparql`: the SPARQL 1.1 Protocol, read-only, with a service description and an editor.

GET `query=`, POST form-encoded, POST `application/sparql-query`; `default-graph-uri` and
`named-graph-uri` honoured; results by `Accept` (q-values) or `format=`/`output=`. Updates are
refused (403), SERVICE is refused unless `limits.allow_service`, a syntax error is a 400 with
the parser's message, the time limit a 503, and the result limit cuts the answer with
`X-Result-Truncated: true`. Relative IRIs resolve against the endpoint. GET answers carry an
ETag of the release and are remembered for the release (`publisher.web.cache`); POST answers
are `no-store`.
"""
from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, RequestEntityTooLarge

from publisher.store import (GRAPH_FORMATS, QueryResult, check_iri,
                             check_query, serialize_graph)
from publisher.store.query_check import READ_ONLY
from publisher.web.cache import answered, remember, request_key
from publisher.web.common import (Publisher, cache_headers, cacheable, etag_for, etag_of,
                                  here, page_globals, publisher, release_version, settings,
                                  store)
from publisher.web.negotiation import (HTML_OFFERS, RDF_OFFERS, negotiate, not_acceptable)

bp = Blueprint("sparql", __name__)

SOLUTION_OFFERS = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
]
GRAPH_OFFERS = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml", "rdfxml"),
    ("application/x-turtle", "turtle"),
    ("text/n3", "turtle"),
    ("text/plain", "ntriples"),
    ("application/json", "jsonld"),
    ("application/xml", "rdfxml"),
    ("text/xml", "rdfxml"),
]
# format=/output= names (and full media types) → results format per kind
_FORMAT_ALIASES = {
    "solutions": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv",
                  "tsv": "tsv"},
    "graph": {"turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples",
              "n-triples": "ntriples", "nt": "ntriples", "jsonld": "jsonld",
              "json-ld": "jsonld", "json": "jsonld", "rdfxml": "rdfxml", "rdf": "rdfxml",
              "xml": "rdfxml", "rdf/xml": "rdfxml"},
}
SD_OFFERS = RDF_OFFERS[:1] + HTML_OFFERS + RDF_OFFERS[1:] + [("application/json", "jsonld")]
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


def _pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Decode `a=b&c=d` strictly: invalid UTF-8 (raw or percent-encoded) is a 400."""
    try:
        text = raw.decode("utf-8")
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8",
                                      errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise BadRequest(f"The {where} is not valid UTF-8.") from None
    except ValueError as error:
        raise BadRequest(f"The {where} cannot be read: {error}") from None


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


def _protocol_parameters() -> list[tuple[str, str]]:
    """All protocol parameters of the request, wherever the protocol puts them."""
    url_params = _pairs(request.query_string, "query string")
    if request.method != "POST":
        return url_params
    media = (request.mimetype or "").lower()
    charset = request.mimetype_params.get("charset")
    if charset and charset.strip().lower().replace("_", "-") not in {"utf-8", "utf8"}:
        raise BadRequest(f"Only UTF-8 is accepted, not charset={charset}.")
    if media == "application/sparql-update":
        raise Forbidden(READ_ONLY)
    if not media:
        raise BadRequest("A POST needs a Content-Type: application/x-www-form-urlencoded "
                         "or application/sparql-query.")
    body = read_body()
    if media == "application/x-www-form-urlencoded":
        return url_params + _pairs(body, "request body")
    if media == "application/sparql-query":
        if any(k == "query" for k, _ in url_params):
            raise BadRequest("The query is both in the body and in the URL.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The query in the request body is not valid UTF-8.") from None
        return url_params + [("query", text)]
    raise BadRequest(f"Unsupported Content-Type {media}: use application/x-www-form-urlencoded "
                     "or application/sparql-query.")


def _graphs(params: list[tuple[str, str]], name: str) -> list[str]:
    graphs = []
    for key, value in params:
        if key == name:
            try:
                graphs.append(check_iri(here().to_base(value.strip())))
            except ValueError:
                raise BadRequest(f"{name} is not an IRI: {value!r}") from None
    return graphs


def choose_format(kind: str | None, asked: str | None, accept: str | None) -> str | None:
    """The results format from format=/output= or the Accept header; None when the kind is
    unknown; 406 when nothing offered fits."""
    if kind is None:
        return None
    family = "graph" if kind == "graph" else "solutions"
    offers = GRAPH_OFFERS if family == "graph" else SOLUTION_OFFERS
    if asked:
        key = asked.strip().lower()
        name = _FORMAT_ALIASES[family].get(key) or dict(offers).get(key.split(";")[0].strip())
        if name is None:
            raise not_acceptable(offers)
        return name
    name = negotiate(offers, accept)
    if name is None:
        raise not_acceptable(offers)
    return name


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    params = _protocol_parameters()
    if any(k == "update" for k, _ in params):
        raise Forbidden(READ_ONLY)
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise BadRequest("More than one query parameter: send exactly one query.")
    if not queries:
        if request.method == "POST":
            raise BadRequest("No query: send it as the 'query' parameter or as an "
                             "application/sparql-query body.")
        return _service_description_or_editor()
    query = queries[0]
    if not query.strip():
        raise BadRequest("The query is empty.")
    limits = settings().limits
    info = check_query(query, limits)
    asked = next((v for k, v in params if k in {"format", "output"} and v), None)
    fmt = choose_format(info.result_kind, asked, request.headers.get("Accept"))
    current = here()
    if current.rewriting:
        query = query.replace(current.root, current.base)
    default_graphs = _graphs(params, "default-graph-uri")
    named_graphs = _graphs(params, "named-graph-uri")
    etag = key = None
    if request.method in {"GET", "HEAD"}:
        version = release_version()
        if version is not None:
            etag = answer_etag(version, query, fmt, default_graphs, named_graphs,
                               current.rewrite)
        key = request_key("sparql", etag)
        cached = answered(etag, key)
        if cached is not None:
            return cached
    result = store().query(query, format=fmt, default_graph_uris=default_graphs,
                           named_graph_uris=named_graphs, rewrite=current.rewrite,
                           timeout=limits.query_timeout_seconds, limit=limits.result_limit,
                           allow_service=limits.allow_service)
    return remember(key, Response(result.body, status=200,
                                  headers=result_headers(publisher(), result, etag)))


def answer_etag(version: str, query: str, fmt: str | None, default_graphs: list[str],
                named_graphs: list[str], rewrite: tuple[str, str] | None) -> str:
    """The ETag of a query's answer on release ``version``."""
    return etag_of(version, "sparql", query, default_graphs, named_graphs, fmt, rewrite)


def result_headers(pub: Publisher, result: QueryResult,
                   etag: str | None) -> list[tuple[str, str]]:
    """The headers of a query result: its media type, the truncation signal, and caching
    tied to the release for GET (POST answers, without an ETag, are not stored)."""
    media = result.media_type
    headers = [("Content-Type",
                f"{media}; charset=utf-8" if media != "application/ld+json" else media)]
    if result.truncated:
        headers += [("X-Result-Truncated", "true"), ("X-Result-Limit", str(result.limit))]
    headers += cache_headers(pub, etag) if etag else [("Cache-Control", "no-store")]
    headers.append(("Vary", "Accept"))
    return headers


# --------------------------------------------------------------------------- description


def _service_description_or_editor() -> Response:
    name = negotiate(SD_OFFERS, request.headers.get("Accept"))
    if name is None:
        raise not_acceptable(SD_OFFERS)
    etag = etag_for("sparql-description", name, here().rewrite, here().lang)
    key = request_key("sparql-description", etag)
    cached = answered(etag, key)
    if cached is not None:
        return cached
    if name == "html":
        response = Response(render_template("sparql.html", **editor_context()),
                            mimetype="text/html")
    else:
        body = serialize_graph(service_description(), name,
                               prefixes={"sd": SD, "formats": FORMATS_NS})
        response = Response(body, content_type=GRAPH_FORMATS[name])
    return remember(key, cacheable(response, etag, ["Accept", "Accept-Language"]))


def service_description() -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of this endpoint; ``sd:endpoint`` is the URL that was
    dereferenced (the Service Description tests check for that triple)."""
    current = here()
    endpoint_iri = ox.NamedNode(request.base_url)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    triples = [
        ox.Triple(endpoint_iri, rdf_type, sd("Service")),
        ox.Triple(endpoint_iri, sd("endpoint"), endpoint_iri),
        ox.Triple(endpoint_iri, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(endpoint_iri, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(endpoint_iri, sd("defaultEntailmentRegime"),
                  ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
    ]
    if settings().limits.allow_service:
        triples.append(ox.Triple(endpoint_iri, sd("feature"), sd("BasicFederatedQuery")))
    for local in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(endpoint_iri, sd("resultFormat"),
                                 ox.NamedNode(FORMATS_NS + local)))
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


def example_queries(lang: str, t: Any) -> list[dict[str, str]]:
    base = settings().base_uri
    prologue = (f"PREFIX kd: <{base}def/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
    return [
        {"title": t("example_projects"), "query": prologue + f"""
SELECT ?project ?title ?lead ?leadName WHERE {{
  ?project a kd:Project ;
           dcterms:title ?title ;
           kd:leadOrganisation ?lead .
  OPTIONAL {{ ?lead skos:prefLabel ?leadName FILTER(LANG(?leadName) = "{lang}") }}
}}
ORDER BY ?title
LIMIT 100"""},
        {"title": t("example_municipalities"), "query": prologue + f"""
SELECT ?municipality ?name (COUNT(DISTINCT ?project) AS ?projects) WHERE {{
  ?project kd:leadOrganisation|kd:partnerMunicipality ?municipality .
  ?municipality a kd:Municipality .
  OPTIONAL {{ ?municipality skos:prefLabel ?name FILTER(LANG(?name) = "{lang}") }}
}}
GROUP BY ?municipality ?name
ORDER BY DESC(?projects)
LIMIT 20"""},
        {"title": t("example_status"), "query": prologue + f"""
SELECT ?status ?label (COUNT(?project) AS ?projects) WHERE {{
  ?project a kd:Project ; kd:status ?status .
  OPTIONAL {{ ?status skos:prefLabel ?label FILTER(LANG(?label) = "{lang}") }}
}}
GROUP BY ?status ?label"""},
        {"title": t("example_describe"), "query": prologue + """
CONSTRUCT { ?project ?p ?o } WHERE {
  { SELECT ?project WHERE { ?project a kd:Project } ORDER BY ?project LIMIT 1 }
  ?project ?p ?o .
}"""},
        {"title": t("example_graphs"), "query": """
SELECT ?graph (COUNT(*) AS ?triples) WHERE {
  GRAPH ?graph { ?s ?p ?o }
}
GROUP BY ?graph
ORDER BY ?graph"""},
    ]


def editor_context() -> dict[str, Any]:
    context = page_globals()
    vendor = Path(__file__).parent / "static" / "vendor" / "yasgui"
    context.update(
        title=context["t"]("query_editor"),
        page="sparql",                      # marks the menu entry of the current page
        endpoint=here().page("sparql"),
        examples=[{**e, "query": e["query"].strip()} for e in
                  example_queries(context["lang"], context["t"])],
        yasgui=(vendor / "yasgui.min.js").is_file() and (vendor / "yasgui.min.css").is_file(),
        limits=settings().limits,
        store_kind=publisher().store.kind,
    )
    return context

