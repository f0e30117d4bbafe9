"""A store without our release — an empty real Oxigraph server, or one filled by other tools —
never serves a site of "0 projects": every page answers 503 with a page in the site's
template, in Finnish, Swedish and English, saying what is missing and the command that fixes
it; /sparql and RDF answers say the same in a 503 text; /health in JSON; none of them names
the store's address. Once the release is loaded, the same app answers 200."""
from __future__ import annotations

import json
import urllib.request

import pytest

from publisher.store import RemoteStore
from publisher.web import create_app
from tests.support.release import BASE

COMMAND = "publisher load --store URL"
SAYS = {"fi": "Palvelun tietovarastossa ei ole sen julkaisua",
        "sv": "Tjänstens datalager innehåller ingen version av den",
        "en": "The data store of this site holds no release of it"}
PAGES = ["/", "/projects", "/doc/project/kuntien-evaka", "/def/", "/sitemap.xml",
         "/id/project/kuntien-evaka"]


def other_tools_data(url: str) -> None:
    """What another tool might have put there: a default graph and a named graph."""
    for target, body in (
            ("/store?default", b"<http://other.example/a> <http://other.example/b> "
                               b"<http://other.example/c> .\n"),
            ("/store?graph=http%3A%2F%2Fother.example%2Fgraph",
             f"<{BASE}id/project/kuntien-evaka> <http://other.example/p> \"x\" .\n".encode())):
        request = urllib.request.Request(url + target, data=body, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture(params=["empty", "other data"])
def foreign_store(request, blank_oxigraph, settings):
    if request.param == "other data":
        other_tools_data(blank_oxigraph.url)
    store = RemoteStore(blank_oxigraph.url, settings)
    yield store, blank_oxigraph
    store.close()


def _exposes_the_store(text: str, server) -> bool:
    return str(server.port) in text or "127.0.0.1" in text


def test_every_answer_is_503_saying_what_is_missing(foreign_store, settings):
    store, server = foreign_store
    client = create_app(settings, store).test_client()
    for lang, words in SAYS.items():
        for path in PAGES:
            answer = client.get(f"{path}?lang={lang}" if "?" not in path else path,
                                headers={"Accept": "text/html", "Accept-Language": lang},
                                base_url=BASE, follow_redirects=True)   # /id/ → 303 → /doc/
            text = answer.get_data(as_text=True)
            assert answer.status_code == 503, (lang, path, answer.status_code, text[:300])
            assert answer.mimetype == "text/html" and f'<html lang="{lang}">' in text
            assert words in text and COMMAND in text and 'class="site"' in text
            assert answer.headers["Retry-After"] and not _exposes_the_store(text, server)
    for path, accept in (("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
                          "application/sparql-results+json"),
                         ("/sparql?query=CONSTRUCT%20WHERE%7B%3Fs%20%3Fp%20%3Fo%7D",
                          "text/turtle"),
                         ("/doc/project/kuntien-evaka", "text/turtle"),
                         ("/doc/project/kuntien-evaka.ttl", "*/*")):
        answer = client.get(path, headers={"Accept": accept, "Accept-Language": "en"},
                            base_url=BASE)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 503 and answer.mimetype == "text/plain", (path, text)
        assert SAYS["en"] in text and COMMAND in text and not _exposes_the_store(text, server)
    health = client.get("/health")
    assert health.status_code == 503
    body = health.json
    assert body["status"] == "no release" and body["command"] == COMMAND
    assert "no release" in body["message"]
    assert not _exposes_the_store(json.dumps(body), server)

    store.load_release(settings.releases_dir / "latest")
    assert client.get("/health").status_code == 200
    assert client.get("/projects", headers={"Accept": "text/html"},
                      base_url=BASE).status_code == 200


def test_an_embedded_store_without_a_release_says_build_one(tmp_path):
    from publisher.store import EmbeddedStore
    from tests.support.release import make_settings

    settings = make_settings(tmp_path)
    store = EmbeddedStore(settings)
    client = create_app(settings, store).test_client()
    try:
        page = client.get("/projects?lang=sv", headers={"Accept": "text/html"})
        text = page.get_data(as_text=True)
        assert page.status_code == 503 and "Ingen version av den här tjänsten" in text
        assert "publisher build" in text
        health = client.get("/health")
        assert health.status_code == 503 and health.json["command"] == "publisher build"
    finally:
        store.close()
