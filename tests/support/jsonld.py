"""Reading our compacted JSON-LD in tests without the network: its remote ``@context`` is
fetched only from our own server (a Flask test client or a live server), through a document
loader that refuses every other URL."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any, Callable

import rdflib

Fetch = Callable[[str], dict[str, Any]]


class Refused(Exception):
    """A JSON-LD reader asked for a document outside our server."""


def client_fetch(client, base: str) -> Fetch:
    """Context documents from the app behind a test client: only URLs under ``base``."""
    def fetch(url: str) -> dict[str, Any]:
        if not url.startswith(base):
            raise Refused(f"not ours: {url}")
        response = client.get("/" + url[len(base):])
        assert response.status_code == 200, (url, response.status_code)
        return json.loads(response.data)
    return fetch


def live_fetch(server_url: str, base: str | None = None, base_host: str | None = None) -> Fetch:
    """Documents from a live server: its own URLs, and (when given) URLs under ``base``
    asked of it with the base URI's Host, as a proxy in front of it would."""
    def fetch(url: str) -> dict[str, Any]:
        headers = {"Accept": "application/ld+json"}
        if url.startswith(server_url + "/"):
            target = url
        elif base and url.startswith(base):
            target = server_url + "/" + url[len(base):]
            headers["Host"] = base_host or ""
        else:
            raise Refused(f"not ours: {url}")
        with urllib.request.urlopen(urllib.request.Request(target, headers=headers),
                                    timeout=10) as answer:
            return json.loads(answer.read())
    return fetch


def pyld_loader(fetch: Fetch) -> Callable[..., dict[str, Any]]:
    """A pyld document loader that reads only what ``fetch`` allows."""
    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": fetch(url)}
    return load


def with_inline_context(document: dict[str, Any], base_url: str, fetch: Fetch) -> dict[str, Any]:
    """The document with its ``@context`` reference replaced by the context it names (for
    rdflib, whose JSON-LD reader would fetch it from the network)."""
    reference = document["@context"]
    assert isinstance(reference, str), "our JSON-LD names its context by URL"
    url = urllib.parse.urljoin(base_url, reference)
    return {**document, "@context": fetch(url)["@context"]}


def rdflib_graph(body: bytes, base_url: str, fetch: Fetch) -> rdflib.Graph:
    """Our JSON-LD read by rdflib, its context read from our server."""
    document = with_inline_context(json.loads(body), base_url, fetch)
    return rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
