"""Pages of a cut SELECT answer: following every `Link: rel="next"` gives exactly the rows of
the unlimited query (a multiset: duplicates, unbound values, literals SPARQL's `<` cannot
order), on both stores; a changed cursor is a 400, one of a release gone a 410."""
from __future__ import annotations

import base64
import json
import re
from collections import Counter
from dataclasses import replace
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from publisher.store import EmbeddedStore, RemoteStore
from publisher.web import create_app
from tests.support.release import BASE, make_settings, write_release

XSD = "http://www.w3.org/2001/XMLSchema#"
#: 50 × 50 × 10 = 25 000 rows, ?c not projected: every (?a, ?b) ten times. ?a holds terms
#: SPARQL's `<` leaves unordered or equal: "1" and "01" as integers, one text in two
#: languages, an IRI, a typed literal of an unknown datatype, and unbound.
ODD = [f'"1"^^<{XSD}integer>', f'"01"^^<{XSD}integer>', f'"1.0"^^<{XSD}decimal>', '"a"@fi',
       '"a"@sv', '"a"', "<http://example.org/a>", '"x"^^<http://example.org/type>', "UNDEF"]
A_VALUES = " ".join(ODD + [str(n) for n in range(50 - len(ODD))])
B_VALUES = " ".join(f'"b{n}"' for n in range(50))
QUERY_25000 = ("PREFIX ex: <http://example.org/>\n"
               f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {A_VALUES} }} VALUES ?b {{ {B_VALUES} }}\n"
               "  VALUES ?c { 1 2 3 4 5 6 7 8 9 10 } }")


def variant(app, store, **limits):
    settings = app.extensions["publisher"].settings
    return create_app(replace(settings, limits=replace(settings.limits, **limits)), store)


def rows(body: bytes, fmt: ox.QueryResultsFormat) -> tuple[list[str], Counter]:
    solutions = ox.parse_query_results(body, fmt)
    names = [v.value for v in solutions.variables]
    return names, Counter(tuple(None if s[n] is None else str(s[n]) for n in names)
                          for s in solutions)


def next_link(response) -> str | None:
    found = re.fullmatch(r'<([^>]*)>; rel="next"', response.headers.get("Link", ""))
    return found.group(1) if found else None


def follow(client, first_url: str, accept: str) -> list:
    """Every page from the first, by its next links."""
    pages = [client.get(first_url, headers={"Accept": accept})]
    while next_link(pages[-1]) is not None:
        assert len(pages) < 20
        pages.append(client.get(next_link(pages[-1]), headers={"Accept": accept}))
    return pages


def unlimited(store, query: str) -> tuple[list[str], Counter]:
    result = store.query(query, format="tsv", limit=None)
    assert not result.truncated
    return rows(result.body, ox.QueryResultsFormat.TSV)


def test_25000_rows_in_three_pages_are_the_rows_of_the_unlimited_query(app, store):
    client = variant(app, store, result_limit=10000).test_client()
    pages = follow(client, "/sparql?" + urlencode({"query": QUERY_25000}),
                   "application/sparql-results+json")
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert [p.headers.get("X-Result-Truncated") for p in pages] == ["true", "true", None]
    names, expected = unlimited(store, QUERY_25000)
    assert sum(expected.values()) == 25000 and min(expected.values()) == 10
    got: Counter = Counter()
    sizes = []
    for page in pages:
        page_names, page_rows = rows(page.data, ox.QueryResultsFormat.JSON)
        assert page_names == names
        sizes.append(sum(page_rows.values()))
        got += page_rows
    assert sizes == [10000, 10000, 5000]
    assert got == expected
    # the same link again gives the same page (the answer cache, or the same order)
    again = client.get(next_link(pages[0]), headers={"Accept": "application/sparql-results+json"})
    assert again.data == pages[1].data


def test_pages_of_the_store_s_own_triples_in_xml_and_by_post(app, store):
    client = variant(app, store, result_limit=40).test_client()
    # every triple twice (VALUES beside a triple pattern, wrapped, hangs Virtuoso 7.2)
    query = "SELECT ?s ?p ?o WHERE { { ?s ?p ?o } UNION { ?s ?p ?o } }"
    names, expected = unlimited(store, query)
    first = client.post("/sparql", data={"query": query}, base_url=BASE,
                        headers={"Accept": "application/sparql-results+xml"})
    assert first.headers["Cache-Control"] == "no-store"
    link = next_link(first)
    assert link is not None and link.startswith(BASE + "sparql?query=")
    got = rows(first.data, ox.QueryResultsFormat.XML)[1]
    pages = 1
    while link is not None:
        page = client.get(link, headers={"Accept": "application/sparql-results+xml"})
        assert page.status_code == 200
        got += rows(page.data, ox.QueryResultsFormat.XML)[1]
        link = next_link(page)
        pages += 1
    assert pages == -(-sum(expected.values()) // 40) > 2
    assert got == expected


def test_a_query_without_one_answer_is_cut_without_a_next_page(app, store):
    client = variant(app, store, result_limit=5).test_client()
    for query in ("SELECT ?s (RAND() AS ?r) WHERE { ?s ?p ?o }",
                  "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 50 } }",
                  "SELECT REDUCED ?s WHERE { ?s ?p ?o }",
                  "SELECT ?s FROM <https://data.kuntadigi.example/graph/reference> "
                  "WHERE { ?s ?p ?o }"):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 200, query
        assert response.headers["X-Result-Truncated"] == "true", query
        assert "Link" not in response.headers, query


def test_a_changed_cursor_is_a_400_that_says_so(app, store):
    client = variant(app, store, result_limit=10).test_client()
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    link = next_link(client.get("/sparql", query_string={"query": query}))
    token = re.search(r"cursor=([^&]+)", link).group(1)
    payload, signature = token.split(".")
    fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    fields["o"] = 0
    forged = base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()
    for bad in (f"{forged}.{signature}", "garbage", "a.b.c", token[:-2], "x" * 9000):
        answer = client.get("/sparql", query_string={"query": query, "cursor": bad})
        assert answer.status_code == 400, bad
        assert b"cursor" in answer.data and b"Traceback" not in answer.data
    other = client.get("/sparql", query_string={"query": query + " # another",
                                                "cursor": token})
    assert other.status_code == 400 and b"another query" in other.data
    twice = client.get("/sparql", query_string=[("query", query), ("cursor", token),
                                                ("cursor", token)])
    assert twice.status_code == 400
    fine = client.get("/sparql", query_string={"query": query, "cursor": token})
    assert fine.status_code == 200


@pytest.fixture(params=["embedded", "remote"])
def switching(request, tmp_path):
    """A store of its own on release 1, and how to switch it to release 2."""
    settings = make_settings(tmp_path, result_limit=10)
    write_release(settings.releases_dir, "2024-05-01.1")
    if request.param == "embedded":
        store = EmbeddedStore(settings)

        def switch() -> None:
            write_release(settings.releases_dir, "2024-06-01.1")
            store.prepare()
    else:
        server = request.getfixturevalue("blank_oxigraph")
        store = RemoteStore(server.url, settings)
        store.load_release(settings.releases_dir / "latest")

        def switch() -> None:
            folder = write_release(settings.releases_dir, "2024-06-01.1")
            store.load_release(folder)
    yield settings, store, switch
    store.close()


def test_a_cursor_of_a_release_gone_is_a_410(switching):
    settings, store, switch = switching
    client = create_app(settings, store).test_client()
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    first = client.get("/sparql", query_string={"query": query})
    second_url = next_link(first)
    second = client.get(second_url)
    third_url = next_link(second)
    assert second.status_code == 200 and third_url is not None
    switch()
    assert store.version == "2024-06-01.1"
    for url in (second_url, third_url):       # remembered or not: the release is gone
        gone = client.get(url, headers={"Accept": "application/json"})
        assert gone.status_code == 410
        assert "2024-05-01.1" in json.loads(gone.data)["message"]
    fresh = client.get("/sparql", query_string={"query": query})
    assert fresh.status_code == 200 and client.get(next_link(fresh)).status_code == 200


def test_the_paging_secret_signs_the_cursors(app, store, tmp_path):
    from publisher.config import load_settings

    settings = app.extensions["publisher"].settings
    limits = replace(settings.limits, result_limit=10)
    one = create_app(replace(settings, limits=limits, paging_secret="one"), store).test_client()
    two = create_app(replace(settings, limits=limits, paging_secret="two"), store).test_client()
    query = {"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"}
    link = next_link(one.get("/sparql", query_string=query))
    assert one.get(link).status_code == 200
    assert two.get(link).status_code == 400
    # from the environment only, never from a file
    config = tmp_path / "publisher.toml"
    config.write_text('paging_secret = "in-a-file"\n')
    assert load_settings(config, environ={}).paging_secret == ""
    secret = load_settings(config, environ={"PUBLISHER_PAGING_SECRET": "not-shown"})
    assert secret.paging_secret == "not-shown" and "not-shown" not in repr(secret)
