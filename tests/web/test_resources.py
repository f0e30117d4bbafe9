"""Dereferenceable URIs: 303 from /id, content negotiation on /doc, the vocabulary, rewriting."""
from __future__ import annotations

import json

import pytest
import rdflib

from tests.support.jsonld import client_fetch, rdflib_graph
from tests.support.release import BASE

KD = rdflib.Namespace(BASE + "def/")
EVAKA = rdflib.URIRef(BASE + "id/project/kuntien-evaka")
ESPOO = rdflib.URIRef(BASE + "id/organisation/049")
PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld",
           "application/rdf+xml": "xml", "application/n-triples": "nt"}


def graph_of(response, client=None) -> rdflib.Graph:
    """The RDF of an answer; compacted JSON-LD gets its context from the app (``client``)."""
    if response.mimetype == "application/ld+json":
        return rdflib_graph(response.data, BASE, client_fetch(client, BASE))
    return rdflib.Graph().parse(data=response.data, format=PARSERS[response.mimetype])


def test_id_redirects_to_doc(client):
    response = client.get("/id/project/kuntien-evaka")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/project/kuntien-evaka")
    with_ext = client.get("/id/project/kuntien-evaka.ttl?lang=sv")
    assert with_ext.status_code == 303
    assert with_ext.headers["Location"].endswith("/doc/project/kuntien-evaka.ttl?lang=sv")
    followed = client.get("/id/organisation/049", headers={"Accept": "text/turtle"},
                          follow_redirects=True)
    assert followed.status_code == 200 and followed.mimetype == "text/turtle"


@pytest.mark.parametrize("accept, media", [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml"),
    ("text/html;q=0.1, text/turtle", "text/turtle"),
    ("application/json", "application/json"),
    ("text/*", "text/html"),
])
def test_doc_negotiation(client, accept, media):
    response = client.get("/doc/project/kuntien-evaka", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.data
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].startswith("/doc/project/kuntien-evaka.")
    if media in PARSERS:
        assert (EVAKA, rdflib.RDF.type, KD.Project) in graph_of(response, client)


@pytest.mark.parametrize("ext, media", [(".html", "text/html"), (".ttl", "text/turtle"),
                                        (".jsonld", "application/ld+json"),
                                        (".rdf", "application/rdf+xml"),
                                        (".nt", "application/n-triples"),
                                        (".json", "application/json")])
def test_doc_by_extension_ignores_accept(client, ext, media):
    response = client.get("/doc/organisation/049" + ext, headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.mimetype == media


def test_406_lists_what_is_offered(client):
    response = client.get("/doc/project/kuntien-evaka", headers={"Accept": "image/png"})
    assert response.status_code == 406
    text = response.data.decode()
    for media in ("text/html", "text/turtle", "application/ld+json", "application/rdf+xml",
                  "application/n-triples"):
        assert media in text
    assert "Accept: image/png offers nothing we can give; offered: text/html" in text
    as_json = client.get("/doc/project/kuntien-evaka",
                         headers={"Accept": "image/png, application/json;q=0"})
    assert as_json.status_code == 406


def test_404(client):
    missing = client.get("/doc/project/ei-ole-olemassa", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "ei-ole-olemassa" in missing.data.decode()
    odd = client.get("/doc/project/%3Cscript%3E", headers={"Accept": "text/html"})
    assert odd.status_code == 404 and b"<script>" not in odd.data
    assert client.get("/doc/project/kuntien-evaka.xyz").status_code == 404
    assert client.get("/doc/project/kuntien-evaka.ttl",
                      headers={"Accept": "text/turtle"}).status_code == 200


def test_description_has_linked_labels_and_inverse_links(client):
    espoo = graph_of(client.get("/doc/organisation/049.ttl"))
    assert (EVAKA, KD.leadOrganisation, ESPOO) in espoo          # inverse link
    assert (EVAKA, rdflib.DCTERMS.title, rdflib.Literal("Kuntien eVaka", lang="fi")) in espoo
    project = graph_of(client.get("/doc/project/kuntien-evaka.nt"))
    assert (ESPOO, rdflib.SKOS.prefLabel, rdflib.Literal("Esbo", lang="sv")) in project
    lines = set(project.objects(None, KD.firstLine))
    assert lines == {rdflib.Literal(19)}


def test_vocabulary(client):
    whole = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert whole.status_code == 200
    graph = graph_of(whole)
    assert (KD.Project, rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert client.get("/def/", headers={"Accept": "text/turtle"}).data == whole.data
    assert client.get("/ontology.ttl").data == whole.data
    assert client.get("/def").status_code in (301, 308)
    term = client.get("/def/leadOrganisation", headers={"Accept": "application/ld+json"})
    assert term.status_code == 200
    term_graph = graph_of(term, client)
    assert (KD.leadOrganisation, rdflib.RDFS.domain, KD.Project) in term_graph
    assert all(s == KD.leadOrganisation for s in term_graph.subjects())
    html = client.get("/def/Project", headers={"Accept": "text/html", "Accept-Language": "sv"})
    assert "Projekt" in html.data.decode()
    assert client.get("/def/EiOle").status_code == 404
    assert client.get("/def/Project.json").json["page"] == "term"


def test_links_point_to_the_server_answering(local_client, app, store):
    from publisher.web import create_app

    turtle = local_client.get("/doc/project/kuntien-evaka.ttl").data.decode()
    assert "<http://localhost/id/project/kuntien-evaka>" in turtle
    assert BASE not in turtle
    assert "@prefix kd: <http://localhost/def/>" in turtle
    html = local_client.get("/doc/project/kuntien-evaka.html").data.decode()
    assert 'href="/doc/organisation/049"' in html
    page = local_client.get("/doc/project/kuntien-evaka.json").json
    assert page["lead"][0]["url"] == "http://localhost/doc/organisation/049"
    assert page["iri"] == str(EVAKA)           # the identifier stays the canonical one
    fixed = create_app(app.extensions["publisher"].settings, store,
                       rewrite_links=False).test_client()
    kept = fixed.get("/doc/project/kuntien-evaka.ttl").data.decode()
    assert f"<{EVAKA}>" in kept
    kept_html = fixed.get("/doc/project/kuntien-evaka.html").data.decode()
    assert f'href="{BASE}doc/organisation/049"' in kept_html


def test_base_with_a_path_maps_request_paths(tmp_path):
    """A base URI with a path (https://host/kuntadigi/) served at a server's root."""
    from dataclasses import replace

    from tests.support.release import make_settings, write_release
    from publisher.store import EmbeddedStore
    from publisher.web import create_app

    base = "https://example.org/kuntadigi/"
    settings = replace(make_settings(tmp_path), base_uri=base)
    write_release(settings.releases_dir, "v1", base=base)
    store = EmbeddedStore(settings)
    try:
        client = create_app(settings, store).test_client()
        turtle = client.get("/doc/project/kuntien-evaka.ttl").data.decode()
        assert "<http://localhost/id/project/kuntien-evaka>" in turtle
        assert client.get("/id/organisation/049").headers["Location"] == "/doc/organisation/049"
    finally:
        store.close()


def test_conditional_requests(client):
    first = client.get("/doc/project/kuntien-evaka.ttl")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/doc/project/kuntien-evaka.ttl",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    html = client.get("/doc/project/kuntien-evaka", headers={"Accept": "text/html",
                                                             "If-None-Match": first.headers["ETag"]})
    assert html.status_code == 200


def test_page_json_is_datasette_style(client):
    page = client.get("/doc/project/kuntien-evaka", headers={"Accept": "application/json"}).json
    assert page["page"] == "project"
    assert page["label"]["value"] == "Kuntien eVaka"
    assert [x["iri"] for x in page["lead"]] == [str(ESPOO)]
    assert page["sources"][0]["first"] == 19
    assert json.dumps(page)


def test_metadata_resources_dereference(client):
    dataset = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert dataset.status_code == 200
    graph = graph_of(dataset)
    assert (rdflib.URIRef(BASE + "dataset"), rdflib.RDF.type,
            rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")) in graph
    page = client.get("/dataset", headers={"Accept": "text/html"}).data.decode()
    assert "Kuntien digitalisaatiohankkeet" in page
    assert client.get("/dataset/distribution/ttl.ttl").status_code == 200
    assert client.get("/dataset/nope").status_code == 404
    publisher = client.get("/doc/organisation/valtiovarainministerio?lang=sv",
                           headers={"Accept": "text/html"})
    assert publisher.status_code == 200 and "Finansministeriet" in publisher.data.decode()


def test_named_graphs_dereference(client):
    reference = graph_of(client.get("/graph/reference.ttl"))
    assert (ESPOO, rdflib.SKOS.prefLabel, rdflib.Literal("Esbo", lang="sv")) in reference
    assert (EVAKA, None, None) not in reference
    page = client.get("/graph/004-f0ab20c46da3f21c", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'href="/doc/document/004-f0ab20c46da3f21c"' in page.data.decode()
    assert client.get("/graph/nope").status_code == 404


# --------------------------------------------------------------------------- keys that cannot exist


HOSTILE_KEYS = ["%00", "a%00b", "%01", "%1F", "%7F", "..", "%2E%2E", ".", "a" * 201,
                "k%C3%A4", "%F0%9F%98%80", "Kuntien-Evaka", "a--b", "-a", "a-",
                "a_b", "a.b", "a%20b", "a%2Fb", "%3Cscript%3E", "kuntien-evaka.xyz"]


@pytest.mark.parametrize("area", ["id", "doc"])
@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_a_key_outside_the_key_alphabet_is_a_404_at_once(client, area, key):
    """No 303 to a page that cannot exist: the site's own 404 page, in its language."""
    response = client.get(f"/{area}/project/{key}",
                          headers={"Accept": "text/html", "Accept-Language": "sv"})
    assert response.status_code == 404, response.headers.get("Location")
    assert "Location" not in response.headers
    page = response.data.decode()
    assert response.mimetype == "text/html" and '<html lang="sv"' in page
    assert "<h1>404 " in page and "lowercase letters a–z, digits and single dashes" in page
    assert "\x00" not in page and "<script>" not in page


@pytest.mark.parametrize("kind", ["nope", "Project", "projects", "def", "id", "%00", "..",
                                  "theme-rules"])
def test_an_unknown_type_is_a_404_at_once(client, kind):
    for area in ("id", "doc"):
        response = client.get(f"/{area}/{kind}/kuntien-evaka",
                              headers={"Accept": "application/json"})
        assert response.status_code == 404 and "Location" not in response.headers
        assert "a type of build, document, initiative" in response.json["message"]


def test_keys_of_the_alphabet_still_go_through_303(client):
    assert client.get("/id/project/ei-ole-olemassa").status_code == 303
    assert client.get("/id/project/" + "a" * 200).status_code == 303
    assert client.get("/id/project/kuntien-evaka.ttl").status_code == 303
    assert client.get("/id/theme-rule/participation").status_code == 303
    assert client.get("/doc/project/ei-ole-olemassa").status_code == 404    # looked up
    assert client.get("/id/project/%FF").status_code == 400     # not UTF-8: refused earlier


def test_hostile_keys_over_a_real_server(live):
    from tests.support.servers import raw_request

    for path in (b"/id/project/%00", b"/id/project/%01%02", b"/id/project/..%2F..%2Fetc",
                 b"/id/%00/x", b"/doc/project/%C3%A4"):
        status, answer = raw_request(live.port, b"GET " + path + b" HTTP/1.1\r\nHost: h\r\n"
                                     b"Accept: text/html\r\nConnection: close\r\n\r\n")
        assert status == 404, (path, answer[:200])
        assert b"Location:" not in answer.split(b"\r\n\r\n")[0]


def test_every_type_minted_is_a_type_the_web_knows():
    """The mapping files, the shapes and the bundled vocabulary name no type of thing that
    publisher.vocab.THING_TYPES (and so /id/, /doc/) lacks."""
    import re
    from pathlib import Path

    from publisher.config import PROJECT_ROOT
    from publisher.vocab import THING_TYPES

    found = set()
    for folder, pattern in (("mappings", r"\{base\}id/([a-z-]+)/"),
                            ("shapes", r"/id/([a-z-]+)/"),
                            ("ontology", r"kuntadigi\.example/id/([a-z-]+)/")):
        for path in Path(PROJECT_ROOT, folder).glob("*.t*"):
            found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    assert {"project", "organisation", "person", "document", "status"} <= found
    assert found <= THING_TYPES, found - THING_TYPES
