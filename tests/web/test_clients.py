"""/sparql as mainstream clients use it, over real HTTP, against both stores.

SPARQLWrapper and rdflib's SPARQLStore are installed and run as they are. YASGUI and Jena's
`rsparql` cannot run here, so their exact requests are sent instead, as their sources say:

* YASGUI (@zazuko/yasqe 4.6.2, the editor we serve): `src/sparql.ts` `executeQuery` POSTs
  `application/x-www-form-urlencoded` with the `query` parameter (our editor sets `method:
  "POST"`, also the default in `src/defaults.ts`); `getAcceptHeader` sends `acceptHeaderSelect`
  for SELECT and ASK, `acceptHeaderGraph` for CONSTRUCT and DESCRIBE, whose defaults in
  `src/defaults.ts` are below. No format parameter.
* Jena `rsparql` (jena-cmds `arq/rsparql.java` → `QueryExecutionHTTP`, jena-arq
  `sparql/exec/http/QueryExecHTTP.java`): GET `?query=` (a long query, or `--post`: POST
  `application/sparql-query;charset=utf-8`), Accept from `riot/WebContent.java`:
  `defaultSparqlResultsHeader` (SELECT), `defaultSparqlAskHeader` (ASK),
  `defaultGraphAcceptHeader` (CONSTRUCT, DESCRIBE). No format parameter. Fuseki, Jena's
  server, reads `output=`, which some scripts send to any endpoint.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import replace
from xml.dom.minidom import Document

import pyoxigraph as ox
import pytest
import rdflib

from tests.support.recording_proxy import RecordingProxy
from tests.support.release import BASE
from tests.support.servers import LiveServer

PROJECTS = f"SELECT ?p WHERE {{ ?p a <{BASE}def/Project> }} ORDER BY ?p"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = f"CONSTRUCT {{ ?p a <{BASE}def/Project> }} WHERE {{ ?p a <{BASE}def/Project> }}"
DESCRIBE = f"DESCRIBE <{BASE}id/project/kuntien-evaka>"
QUERIES = {"SELECT": PROJECTS, "ASK": ASK, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}

YASGUI_SELECT_ACCEPT = "application/sparql-results+json,*/*;q=0.9"
YASGUI_GRAPH_ACCEPT = "application/n-triples,*/*;q=0.9"
JENA_SELECT_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
                      "text/tab-separated-values;q=0.7, text/csv;q=0.5,application/json;q=0.2,"
                      "application/xml;q=0.2,*/*;q=0.1")
JENA_ASK_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9,"
                   "application/json;q=0.2,application/xml;q=0.2,*/*;q=0.1")
JENA_GRAPH_ACCEPT = ("text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
                     "application/rdf+xml;q=0.7,*/*;q=0.3")


def variant(app, store, **limits):
    """Another app on the same store with other limits."""
    from publisher.web import create_app

    settings = app.extensions["publisher"].settings
    return create_app(replace(settings, limits=replace(settings.limits, **limits)), store)


def send(url: str, method: str = "GET", headers: dict[str, str] | None = None,
         body: bytes | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, answer.headers.get_content_type(), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


# --------------------------------------------------------------------------- SPARQLWrapper


def check_converted(form: str, converted, content_type: str, root: str) -> None:
    """What SPARQLWrapper's convert() gives for each answer we send (links point to the
    server answering, ``root``)."""
    solutions = form in {"SELECT", "ASK"}
    if content_type == "application/sparql-results+json":
        assert solutions
        if form == "ASK":
            assert converted["boolean"] is True
        else:
            assert len(converted["results"]["bindings"]) == 3
    elif content_type == "application/sparql-results+xml":
        assert solutions and isinstance(converted, Document)
        if form == "ASK":
            assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
        else:
            assert len(converted.getElementsByTagName("result")) == 3
    elif content_type in {"text/csv", "text/tab-separated-values"}:
        text = converted.decode() if isinstance(converted, bytes) else converted
        assert text.strip() == "true" if form == "ASK" else len(text.strip().splitlines()) == 4
    else:
        assert not solutions
        if isinstance(converted, bytes):
            graph = rdflib.Graph().parse(data=converted, format="turtle")
        else:
            graph = converted
        assert (None, rdflib.RDF.type, rdflib.URIRef(root + "/def/Project")) in graph


#: SPARQLWrapper's returnFormat → (the answer for SELECT/ASK, for CONSTRUCT/DESCRIBE). A
#: format of the other forms is set aside and its Accept (*/*) decides.
SPARQLWRAPPER_ANSWERS = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "turtle": ("application/sparql-results+json", "text/turtle"),
    "n3": ("application/sparql-results+json", "text/turtle"),
    "rdf": ("application/sparql-results+json", "application/rdf+xml"),
    "rdf+xml": ("application/sparql-results+json", "application/rdf+xml"),
    "json-ld": ("application/sparql-results+json", "application/ld+json"),
    "csv": ("text/csv", "text/turtle"),
    "tsv": ("text/tab-separated-values", "text/turtle"),
}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_every_return_format_and_query_form(live, method):
    """Every returnFormat SPARQLWrapper has, for each query form: it sends it as format=,
    output= and results= (with its Accept value repeated for TSV, JSON-LD and RDF/XML);
    none is refused, and what comes back is what convert() reads."""
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.Wrapper import _allowedFormats

    assert set(_allowedFormats) == set(SPARQLWRAPPER_ANSWERS)
    for fmt, (solutions, graph) in SPARQLWRAPPER_ANSWERS.items():
        for form, query in QUERIES.items():
            wrapper = SPARQLWrapper(live.url + "/sparql")
            wrapper.setMethod(method)
            wrapper.setQuery(query)
            wrapper.setReturnFormat(fmt)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")      # "Format requested was TURTLE, but JSON…"
                result = wrapper.query()
                content_type = result.info()["content-type"].split(";")[0]
                expected = solutions if form in {"SELECT", "ASK"} else graph
                assert content_type == expected, (fmt, form, content_type)
                check_converted(form, result.convert(), content_type, live.url)


def test_sparqlwrapper_sends_what_we_accept(live):
    """The parameters SPARQLWrapper writes, read from the request it sends (through a
    recording loopback proxy in front of the app)."""
    from SPARQLWrapper import RDFXML, SPARQLWrapper

    proxy = RecordingProxy(live.url, {"/sparql": "/sparql"})
    try:
        wrapper = SPARQLWrapper(proxy.url + "/sparql")
        wrapper.setQuery(CONSTRUCT)
        wrapper.setReturnFormat(RDFXML)
        graph = wrapper.queryAndConvert()
        sent = urllib.parse.parse_qs(urllib.parse.urlsplit(proxy.seen[-1].path).query)
    finally:
        proxy.stop()
    assert sent["format"] == sent["output"] == sent["results"] == ["rdf+xml",
                                                                  "application/rdf+xml"]
    assert (None, rdflib.RDF.type, rdflib.URIRef(live.url + "/def/Project")) in graph


# --------------------------------------------------------------------------- rdflib


@pytest.mark.parametrize("return_format, select_type, graph_type", [
    ("xml", "application/sparql-results+xml", "application/rdf+xml"),
    ("json", "application/sparql-results+json", None),
    ("csv", "text/csv", None),
    ("tsv", "text/tab-separated-values", None),
    ("turtle", None, "text/turtle"),
    ("json-ld", None, "application/ld+json"),
])
def test_rdflib_sparqlstore_select_and_construct(live, return_format, select_type, graph_type):
    """SPARQLStore asks by Accept only (its returnFormat's media types); what fits the query
    form is answered, what does not is a 406 that names the Accept header."""
    from rdflib.plugins.stores.sparqlconnector import SPARQLConnector
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(live.url + "/sparql", returnFormat=return_format)
    graph = rdflib.Graph(store=store)
    accept = SPARQLConnector(returnFormat=return_format).response_mime_types()
    if select_type:
        rows = list(graph.query(PROJECTS))
        assert [str(r[0]).rsplit("/", 1)[1] for r in rows] == [
            "digitaalinen-asiointi", "digital-kundtjanst", "kuntien-evaka"]
    else:
        status, _, body = send(live.url + "/sparql?" + urllib.parse.urlencode(
            {"query": PROJECTS}), headers={"Accept": accept})
        assert status == 406
        assert f"Accept: {accept} offers nothing we can give for a SELECT query" in body.decode()
    if graph_type:
        constructed = graph.query(CONSTRUCT).graph
        assert len(set(constructed.subjects(rdflib.RDF.type, None))) == 3
    else:
        status, _, body = send(live.url + "/sparql?" + urllib.parse.urlencode(
            {"query": CONSTRUCT}), headers={"Accept": accept})
        assert status == 406 and b"for a CONSTRUCT or DESCRIBE query" in body


# --------------------------------------------------------------------------- YASGUI, Jena


def test_yasgui_requests(live):
    """YASGUI's POST form with its default Accept headers: JSON results, N-Triples graphs."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for query in (PROJECTS, ASK):
        status, media, body = send(live.url + "/sparql", "POST",
                                   {**form, "Accept": YASGUI_SELECT_ACCEPT},
                                   urllib.parse.urlencode({"query": query}).encode())
        assert (status, media) == (200, "application/sparql-results+json")
        answer = json.loads(body)
        assert answer.get("boolean") is True or len(answer["results"]["bindings"]) == 3
    for query in (CONSTRUCT, DESCRIBE):
        status, media, body = send(live.url + "/sparql", "POST",
                                   {**form, "Accept": YASGUI_GRAPH_ACCEPT},
                                   urllib.parse.urlencode({"query": query}).encode())
        assert (status, media) == (200, "application/n-triples")
        assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) >= 3


@pytest.mark.parametrize("post", [False, True])
def test_jena_rsparql_requests(live, post):
    """rsparql's GET (or --post: the query as the body) with Jena's Accept headers."""
    accept = {"SELECT": JENA_SELECT_ACCEPT, "ASK": JENA_ASK_ACCEPT,
              "CONSTRUCT": JENA_GRAPH_ACCEPT, "DESCRIBE": JENA_GRAPH_ACCEPT}
    for form, query in QUERIES.items():
        headers = {"Accept": accept[form]}
        if post:
            headers["Content-Type"] = "application/sparql-query;charset=utf-8"
            answer = send(live.url + "/sparql", "POST", headers, query.encode())
        else:
            answer = send(live.url + "/sparql?" + urllib.parse.urlencode({"query": query}),
                          headers=headers)
        status, media, body = answer
        assert status == 200, body
        if form == "SELECT":
            assert media == "application/sparql-results+json"
            assert len(list(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))) == 3
        elif form == "ASK":
            assert media == "application/sparql-results+json" and json.loads(body)["boolean"]
        else:
            assert media == "text/turtle"
            assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) >= 3


@pytest.mark.parametrize("output, media", [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("text/csv; charset=utf-8", "text/csv")])
def test_fuseki_style_output_parameter(live, output, media):
    status, got, _ = send(live.url + "/sparql?" + urllib.parse.urlencode(
        {"query": PROJECTS, "output": output}))
    assert (status, got) == (200, media)


def test_unknown_format_values_are_a_406_naming_the_parameter(live):
    for name in ("format", "output", "results"):
        status, media, body = send(live.url + "/sparql?" + urllib.parse.urlencode(
            {"query": PROJECTS, name: "text"}), headers={"Accept": "application/json"})
        assert status == 406 and media == "application/json"
        answer = json.loads(body)
        assert answer["message"].startswith(
            f"{name}=text is not a result format we offer for a SELECT query; offered: json, "
            "xml, csv, tsv")
        assert answer["available"] == ["json", "xml", "csv", "tsv"]
    status, _, body = send(live.url + "/sparql?" + urllib.parse.urlencode({"query": PROJECTS}),
                           headers={"Accept": "image/png"})
    assert status == 406 and b"Accept: image/png offers nothing we can give" in body


# --------------------------------------------------------------------------- truncation


@pytest.fixture(scope="module")
def small(app, store):
    """A live server whose result limit (4 rows) cuts most answers."""
    server = LiveServer(variant(app, store, result_limit=4))
    yield server
    server.stop()


ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def test_truncated_json_and_xml_still_parse_in_sparqlwrapper(small):
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    wrapper = SPARQLWrapper(small.url + "/sparql")
    wrapper.setQuery(ALL)
    wrapper.setReturnFormat(JSON)
    result = wrapper.query()
    assert result.info()["x-result-truncated"] == "true"
    answer = result.convert()
    assert answer["truncated"] is True and answer["resultLimit"] == 4
    assert answer["head"]["link"] == [small.url + "/sparql"]
    assert answer["head"]["vars"] == ["s", "p", "o"] and len(answer["results"]["bindings"]) == 4
    wrapper.setReturnFormat(XML)
    document = wrapper.queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 4
    links = document.getElementsByTagName("head")[0].getElementsByTagName("link")
    assert [link.getAttribute("href") for link in links] == [small.url + "/sparql"]


@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_truncated_results_still_parse_in_rdflib(small, return_format):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(small.url + "/sparql", returnFormat=return_format))
    rows = list(graph.query(ALL))
    assert len(rows) == 4 and all(len(row) == 3 for row in rows)
    status, _, body = send(small.url + "/sparql?" + urllib.parse.urlencode({"query": ALL}),
                           headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["truncated"] is True


def test_truncated_answers_for_jena_and_yasgui_requests(small):
    status, media, body = send(small.url + "/sparql?" + urllib.parse.urlencode({"query": ALL}),
                               headers={"Accept": JENA_SELECT_ACCEPT})
    assert (status, media) == (200, "application/sparql-results+json")
    assert len(list(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))) == 4
    status, media, body = send(small.url + "/sparql", "POST", {
        "Content-Type": "application/x-www-form-urlencoded", "Accept": YASGUI_GRAPH_ACCEPT},
        urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o }"}).encode())
    assert media == "application/n-triples"
    assert body.startswith(b"# Result truncated at the result limit of 4 triples.")
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == 4
