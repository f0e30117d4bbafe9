"""Our JSON-LD: /doc/… and the release's data.jsonld compacted with the context the release
wrote and the web serves at /context.jsonld; read back by pyld and rdflib — the context
fetched from our live server through a loader that serves nothing else, the network never
touched — they give the graph of the Turtle form."""
from __future__ import annotations

import json
import socket
import urllib.request
from urllib.parse import urlsplit

import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.support.jsonld import Refused, client_fetch, live_fetch, pyld_loader, rdflib_graph
from tests.support.release import BASE

EVAKA = "id/project/kuntien-evaka"
DOCS = ["doc/project/kuntien-evaka", "doc/organisation/049", "doc/person/meri-vainio",
        "doc/document/004-f0ab20c46da3f21c", "doc/status/ongoing", "def/leadOrganisation",
        "ontology"]


@pytest.fixture()
def no_network(monkeypatch):
    """Every name resolved during the test must be our loopback server's."""
    resolve = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            raise OSError(f"the test tried to reach {host!r}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


def get(url: str, accept: str) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}),
                                timeout=10) as answer:
        assert answer.headers.get_content_type() == accept
        return answer.read()


def pyld_graph(body: bytes, url: str, fetch) -> rdflib.Graph:
    from pyld import jsonld

    nquads = jsonld.to_rdf(json.loads(body), {"base": url, "documentLoader": pyld_loader(fetch),
                                              "format": "application/n-quads"})
    return rdflib.Graph().parse(data=nquads, format="nt")


# --------------------------------------------------------------------------- the context


def test_the_context_is_served_as_the_release_wrote_it(client, settings):
    response = client.get("/context.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*" and response.headers["ETag"]
    written = json.loads((settings.releases_dir / "latest" / "context.jsonld").read_text())
    assert json.loads(response.data) == written
    context = written["@context"]
    assert context["kd"] == BASE + "def/" and context["dcterms"] == "http://purl.org/dc/terms/"
    assert context["Project"] == "kd:Project"
    assert context["leadOrganisation"] == {"@id": "kd:leadOrganisation", "@type": "@id"}
    assert context["catalogueNumber"] == {"@id": "kd:catalogueNumber", "@type": "xsd:integer"}
    again = client.get("/context.jsonld", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_context_follows_the_host_answering(local_client):
    context = json.loads(local_client.get("/context.jsonld").data)["@context"]
    assert context["kd"] == "http://localhost/def/"
    assert context["dcterms"] == "http://purl.org/dc/terms/"
    page = json.loads(local_client.get(f"/{DOCS[0]}.jsonld").data)
    assert page["@context"] == "http://localhost/context.jsonld"
    main = page["@graph"][0]                 # compacted with the rebased context
    assert main["@id"] == "http://localhost/" + EVAKA and main["@type"] == "Project"
    assert main["leadOrganisation"] == "http://localhost/id/organisation/049"


def test_the_context_is_listed_with_the_release_files(client):
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json
    files = {f["name"]: f for f in listing["files"]}
    assert files["context.jsonld"]["media_type"] == "application/ld+json"
    assert files["context.jsonld"]["sha256"]
    assert "JSON-LD context" in files["context.jsonld"]["description"]
    assert client.get("/dumps/context.jsonld").data == client.get("/context.jsonld").data


# --------------------------------------------------------------------------- /doc/…


def test_a_document_is_compacted_with_the_main_node_first(client):
    document = json.loads(client.get(f"/{DOCS[0]}.jsonld").data)
    assert document["@context"] == BASE + "context.jsonld"
    main = document["@graph"][0]
    assert main["@id"] == BASE + EVAKA and main["@type"] == "Project"
    assert main["leadOrganisation"] == BASE + "id/organisation/049"
    assert main["dcterms:title"] == {"@value": "Kuntien eVaka", "@language": "fi"}
    keys = {key for node in document["@graph"] for key in node}
    assert keys and not [key for key in keys if "://" in key]       # every property compacted
    lead = next(n for n in document["@graph"] if n["@id"] == BASE + "id/organisation/049")
    assert lead["@type"] == ["org:Organization", "Municipality"]


@pytest.mark.parametrize("path", DOCS)
def test_documents_read_back_with_pyld_and_rdflib_as_their_turtle(live, no_network, path):
    """pyld expands and converts our JSON-LD with the context from the live server (on its
    own host, so links and context are rebased onto it), as does rdflib; both give the
    graph the Turtle form gives."""
    url = f"{live.url}/{path}"
    turtle = rdflib.Graph().parse(data=get(url + ".ttl", "text/turtle"), format="turtle")
    body = get(url, "application/ld+json")           # negotiated, as a JSON-LD client asks
    assert json.loads(body)["@context"] == live.url + "/context.jsonld"
    fetch = live_fetch(live.url)
    assert len(turtle) > 3
    assert isomorphic(pyld_graph(body, url, fetch), turtle)
    assert isomorphic(rdflib_graph(body, url, fetch), turtle)


def test_the_loader_refuses_anything_not_ours(live, no_network):
    from pyld import jsonld

    refused = []

    def fetch(url: str) -> dict:
        try:
            return live_fetch(live.url)(url)
        except Refused:
            refused.append(url)
            raise

    document = {"@context": "https://example.org/context.jsonld", "@id": "urn:x:a",
                "name": "a"}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(document, {"documentLoader": pyld_loader(fetch)})
    assert refused == ["https://example.org/context.jsonld"]


# --------------------------------------------------------------------------- the dump


def test_the_dump_reads_back_as_the_turtle_dump(live, no_network):
    """data.jsonld names the context beside it (context.jsonld, same release), so loaded
    from /dumps/ its context comes from there."""
    url = live.url + "/dumps/data.jsonld"
    body = get(url, "application/ld+json")
    document = json.loads(body)
    assert document["@context"] == "context.jsonld"
    assert any(node.get("@type") == "Project" and "leadOrganisation" in node
               for node in document["@graph"])
    turtle = rdflib.Graph().parse(data=get(live.url + "/dumps/data.ttl", "text/turtle"),
                                  format="turtle")
    asked = []

    def fetch(target: str) -> dict:
        asked.append(target)
        return live_fetch(live.url)(target)

    assert isomorphic(pyld_graph(body, url, fetch), turtle)
    assert isomorphic(rdflib_graph(body, url, fetch), turtle)
    assert set(asked) == {live.url + "/dumps/context.jsonld"}


def test_the_published_context_fits_the_dump(live, no_network):
    """/context.jsonld asked on the base URI's host is the dump's own context."""
    base_host = urlsplit(BASE).netloc
    fetch = live_fetch(live.url, BASE, base_host)
    published = fetch(BASE + "context.jsonld")
    beside = live_fetch(live.url)(live.url + "/dumps/context.jsonld")
    assert published == beside
    with pytest.raises(Refused):
        fetch("https://example.org/context.jsonld")


# --------------------------------------------------------------------------- no context


def test_a_release_without_a_context_answers_expanded_json_ld(tmp_path):
    from publisher.store import EmbeddedStore
    from publisher.web import create_app
    from tests.support.release import make_settings, write_release

    settings = make_settings(tmp_path)
    folder = write_release(settings.releases_dir, "v1")
    (folder / "context.jsonld").unlink()
    store = EmbeddedStore(settings)
    try:
        client = create_app(settings, store).test_client()
        assert client.get("/context.jsonld").status_code == 404
        body = client.get(f"/{DOCS[0]}.jsonld").data
        assert b'"@context"' not in body
        graph = rdflib.Graph().parse(data=body, format="json-ld")
        assert (rdflib.URIRef("http://localhost/" + EVAKA), rdflib.RDF.type,
                rdflib.URIRef("http://localhost/def/Project")) in graph
    finally:
        store.close()


def test_client_fetch_is_restricted_too(client):
    fetch = client_fetch(client, BASE)
    assert "@context" in fetch(BASE + "context.jsonld")
    with pytest.raises(Refused):
        fetch("http://example.org/context.jsonld")
