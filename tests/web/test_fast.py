"""The plain SPARQL GET path gives the answers of the endpoint, and passes on all else."""
from __future__ import annotations

import threading
import time
import urllib.parse

import pytest
from werkzeug.test import Client

from fixture_release import BASE, make_settings, write_release
from publisher.web.fast import SparqlFastPath
from web_support import HEAVY

PROJECT = f"{BASE}id/project/kuntien-evaka"
PREFIX = f"PREFIX kd: <{BASE}def/>\n"
QUERIES = [
    f"SELECT ?p ?o WHERE {{ <{PROJECT}> ?p ?o }}",
    PREFIX + "SELECT ?p WHERE { ?p a kd:Project } ORDER BY ?p",
    PREFIX + "SELECT ?p WHERE { ?p a kd:Project } ORDER BY ?p LIMIT 2",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",          # past the result limit
    f"ASK {{ <{PROJECT}> ?p ?o }}",
    f"CONSTRUCT WHERE {{ <{PROJECT}> ?p ?o }}",
    f"DESCRIBE <{PROJECT}>",
    "SELECT ?s WHERE { ?s ?p }",                                      # syntax error
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "   ",
    "SELECT ?x WHERE { BIND(<relative> AS ?x) }",
]
ACCEPTS = [None, "*/*", "application/sparql-results+json", "application/sparql-results+xml",
           "text/csv", "text/tab-separated-values;q=0.9, text/csv;q=0.5", "text/turtle",
           "application/ld+json", "image/png", "text/html"]


class Counting:
    """The WSGI app behind the fast path, counting the requests that reach it."""

    def __init__(self, app) -> None:
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def _answer(wsgi, query: str, accept: str | None, base_url: str = BASE, **headers):
    if accept is not None:
        headers["Accept"] = accept
    response = Client(wsgi).get("/sparql", query_string={"query": query}, base_url=base_url,
                                headers=headers)
    kept = {name.lower(): value for name, value in response.headers.items()}
    return response.status_code, kept, response.get_data()


@pytest.fixture()
def paths(app):
    behind = Counting(app.wsgi_app)
    return SparqlFastPath(behind, app), behind


@pytest.mark.parametrize("query", QUERIES)
def test_same_answers_as_the_endpoint(app, paths, query):
    """Status, headers and body of every answer equal the endpoint's, for every Accept."""
    fast, behind = paths
    for accept in ACCEPTS:
        assert _answer(fast, query, accept) == _answer(app.wsgi_app, query, accept), accept


def test_plain_requests_do_not_reach_flask_and_others_do(paths):
    fast, behind = paths
    _answer(fast, QUERIES[0], "application/sparql-results+json")
    _answer(fast, QUERIES[5], "text/turtle")
    assert behind.calls == 0
    passed_on = [
        lambda: _answer(fast, QUERIES[0], None, base_url="http://localhost:5000/"),
        lambda: _answer(fast, QUERIES[0], None, **{"If-None-Match": '"x"'}),
        lambda: _answer(fast, QUERIES[7], None),                        # syntax error
        lambda: _answer(fast, QUERIES[8], None),                        # update
        lambda: _answer(fast, QUERIES[0], "image/png"),                 # 406
        lambda: Client(fast).get("/sparql", query_string={"query": QUERIES[0],
                                                          "format": "csv"}, base_url=BASE),
        lambda: Client(fast).post("/sparql", data={"query": QUERIES[0]}, base_url=BASE),
        lambda: Client(fast).get("/sparql?query=ASK%20%7B%7D%E4", base_url=BASE),
        lambda: Client(fast).get("/doc/project/kuntien-evaka", base_url=BASE),
    ]
    for count, send in enumerate(passed_on, start=1):
        send()
        assert behind.calls == count


def test_rewritten_links_are_the_endpoint_s(app, paths):
    """On another host the app maps IRIs onto it; the fast path leaves that to the app."""
    fast, behind = paths
    local = "http://localhost:5000/"
    assert (_answer(fast, QUERIES[0], None, base_url=local)
            == _answer(app.wsgi_app, QUERIES[0], None, base_url=local))
    assert behind.calls == 1


def test_a_runaway_query_is_run_once_and_answered_by_the_endpoint(tmp_path):
    """The time limit's 503 comes from the endpoint, which does not run the query again:
    the answer takes one time limit, not two, and the server answers others meanwhile."""
    from publisher.web import create_app
    from publisher.web.serve import production_app

    settings = make_settings(tmp_path, query_timeout_seconds=1.0)
    write_release(settings.releases_dir)
    app = production_app(settings)
    try:
        reference = create_app(settings)
        outcome: dict = {}

        def heavy() -> None:
            start = time.monotonic()
            outcome["answer"] = _answer(app, HEAVY, None)
            outcome["seconds"] = time.monotonic() - start

        thread = threading.Thread(target=heavy)
        thread.start()
        time.sleep(0.3)
        start = time.monotonic()
        light = _answer(app, QUERIES[4], None)
        light_seconds = time.monotonic() - start
        thread.join(10)
        status, headers, body = outcome["answer"]
        assert status == 503 and b"time limit" in body.lower()
        assert 0.9 < outcome["seconds"] < 1.8
        assert light[0] == 200 and light_seconds < 0.9
        expected = _answer(reference, HEAVY, None)
        assert (status, headers["content-type"], body) == (expected[0],
                                                           expected[1]["content-type"],
                                                           expected[2])
    finally:
        app.extensions["publisher"].store.close()


def test_query_string_decoding_matches_the_endpoint(app, paths):
    """'+' is a space, %-escapes are UTF-8; text the endpoint refuses is passed on."""
    fast, behind = paths
    encoded = "query=" + urllib.parse.quote_plus("SELECT ?s WHERE { ?s ?p \"väli\" }")
    for raw in (encoded, encoded.replace("+", "%20"), "query=ASK+%7B%7D"):
        direct = Client(app.wsgi_app).get(f"/sparql?{raw}", base_url=BASE)
        through = Client(fast).get(f"/sparql?{raw}", base_url=BASE)
        assert (through.status_code, through.get_data()) == (direct.status_code,
                                                             direct.get_data())
    assert behind.calls == 0
