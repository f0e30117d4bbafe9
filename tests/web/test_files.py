"""The release's files: dump listings, files (media types, Content-Length, ETag, Range),
catalogue, VoID, shapes."""
from __future__ import annotations

import gzip
import hashlib

import pytest
import rdflib

from tests.support.release import BASE

VERSION = "2024-05-01.1"


def test_listing(client, settings):
    data = client.get("/dumps.json").json
    names = [f["name"] for f in data["files"]]
    assert names[0].startswith("data.")
    for name in ("data.trig", "data.ttl", "data.nt.gz", "data.jsonld", "data.rdf",
                 "catalog.ttl", "void.ttl", "SHA256SUMS", "release.json"):
        assert name in names
    folder = settings.releases_dir / VERSION
    for entry in data["files"]:
        if entry["name"] != "SHA256SUMS":
            digest = hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest()
            assert entry["sha256"] == digest
        assert entry["size"] == (folder / entry["name"]).stat().st_size
    assert data["versions"][0] == {"version": VERSION, "built": "2024-05-01T12:00:00Z",
                                   "latest": True, "href": f"/dumps/{VERSION}/"}
    page = client.get("/dumps/", headers={"Accept": "text/html"}).data.decode()
    assert 'href="/dumps/data.nt.gz"' in page and "application/gzip" in page
    versioned = client.get(f"/dumps/{VERSION}/", headers={"Accept": "application/json"}).json
    assert versioned["files"][0]["href"].startswith(f"/dumps/{VERSION}/")
    assert client.get("/dumps").status_code in (301, 308)


@pytest.mark.parametrize("lang, words", [
    ("fi", "yksi nimetty graafi lähdedokumenttia kohden"),
    ("sv", "en namngiven graf per källdokument"),
    ("en", "one named graph per source document"),
])
def test_the_listing_describes_the_files_in_the_page_language(client, lang, words):
    page = client.get("/dumps/", headers={"Accept": "text/html",
                                          "Accept-Language": lang}).data.decode()
    assert words in page


@pytest.mark.parametrize("path, media", [
    ("/dumps/data.ttl", "text/turtle"),
    ("/dumps/data.trig", "application/trig"),
    (f"/dumps/{VERSION}/data.nt.gz", "application/gzip"),
    (f"/dumps/{VERSION}/data.jsonld", "application/ld+json"),
    ("/dumps/latest/data.rdf", "application/rdf+xml"),
    ("/dumps/SHA256SUMS", "text/plain"),
    ("/dumps/release.json", "application/json"),
])
def test_files(client, settings, path, media):
    name = path.rsplit("/", 1)[1]
    expected = (settings.releases_dir / VERSION / name).read_bytes()
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == media
    assert int(response.headers["Content-Length"]) == len(expected)
    assert response.data == expected
    assert response.headers["ETag"] and response.headers["Accept-Ranges"] == "bytes"
    assert "Content-Encoding" not in response.headers


def test_gzip_dump_is_the_ntriples(client):
    body = gzip.decompress(client.get("/dumps/data.nt.gz").data)
    assert len(rdflib.Graph().parse(data=body, format="nt")) > 100


def test_range_and_conditional(client):
    whole = client.get("/dumps/data.ttl")
    part = client.get("/dumps/data.ttl", headers={"Range": "bytes=10-29"})
    assert part.status_code == 206
    assert part.data == whole.data[10:30]
    assert part.headers["Content-Range"] == f"bytes 10-29/{len(whole.data)}"
    tail = client.get("/dumps/data.ttl", headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.data == whole.data[-5:]
    beyond = client.get("/dumps/data.ttl", headers={"Range": f"bytes={len(whole.data) + 10}-"})
    assert beyond.status_code == 416
    cached = client.get("/dumps/data.ttl", headers={"If-None-Match": whole.headers["ETag"]})
    assert cached.status_code == 304
    head = client.head("/dumps/data.ttl")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(whole.data)


@pytest.mark.parametrize("path", ["/dumps/nope.ttl", "/dumps/1999/data.ttl",
                                  "/dumps/..%2F..%2Fetc%2Fpasswd", "/dumps/../release.json",
                                  f"/dumps/{VERSION}/..%2Frelease.json", "/dumps/.hidden",
                                  f"/dumps/{VERSION}/nope"])
def test_no_escape_from_the_release(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    assert b"root:" not in response.data


@pytest.mark.parametrize("path", ["/catalog", "/void", "/.well-known/void", "/shapes"])
def test_metadata_graphs_negotiate(client, path):
    turtle = client.get(path)
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=turtle.data, format="turtle")
    assert len(graph) > 0
    for accept, parser in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
                           ("application/n-triples", "nt")):
        other = client.get(path, headers={"Accept": accept})
        assert other.mimetype == accept
        assert len(rdflib.Graph().parse(data=other.data, format=parser)) == len(graph)
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "<h1>" in page.data.decode()
    assert client.get(path, headers={"Accept": "image/png"}).status_code == 406


def test_catalog_links_follow_the_host(local_client, client):
    local = local_client.get("/catalog.ttl").data.decode()
    assert f"<http://localhost/dumps/{VERSION}/data.ttl>" in local
    canonical = client.get("/catalog.ttl").data.decode()
    assert f"<{BASE}dumps/{VERSION}/data.ttl>" in canonical
    assert local_client.get(f"/dumps/{VERSION}/data.ttl").status_code == 200


def test_void_is_the_same_at_well_known(client):
    assert client.get("/void").data == client.get("/.well-known/void").data
