"""The SPARQL protocol as one framework-neutral function: called with no Flask app or request
in sight it answers as the /sparql route does, byte for byte, so the route is only an adapter."""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import pytest
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest, Forbidden, NotAcceptable

from publisher.web.cache import RenderCache
from publisher.web.sparql_protocol import ProtocolRequest, answer
from publisher.web.state import Publisher
from tests.support.release import BASE

PROJECTS = f"SELECT ?p WHERE {{ ?p a <{BASE}def/Project> }} ORDER BY ?p"
ROOT = "http://elsewhere.test/"


@dataclass
class OnHost:
    """A host mapping as the web app makes it: the base URI, or another host that rewrites."""

    rewrite: tuple[str, str] | None = None

    def to_base(self, url: str) -> str:
        if self.rewrite and url.startswith(self.rewrite[1]):
            return self.rewrite[0] + url[len(self.rewrite[1]):]
        return url


def asked(method: str = "GET", headers: dict[str, str] | None = None, body: bytes = b"",
          **params: str) -> ProtocolRequest:
    query_string = urllib.parse.urlencode(params).encode()
    return ProtocolRequest(method, f"{BASE}sparql?{query_string.decode()}",
                           Headers(headers or {}), query_string, lambda: body)


@pytest.fixture()
def pub(settings, store) -> Publisher:
    return Publisher(settings, store, settings.releases_dir / "latest")


def test_a_query_is_answered_without_flask(pub):
    found = answer(asked(query=PROJECTS, headers={"Accept": "text/csv"}), pub, OnHost(),
                   RenderCache())
    assert found.status == 200
    headers = dict(found.headers)
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Vary"] == "Accept" and headers["ETag"].startswith('"')
    assert found.body.decode().splitlines()[-1] == BASE + "id/project/kuntien-evaka"


def test_same_answer_as_the_route(pub, client):
    route = client.get("/sparql", query_string={"query": PROJECTS},
                       headers={"Accept": "text/csv"})
    found = answer(asked(query=PROJECTS, headers={"Accept": "text/csv"}), pub, OnHost(),
                   RenderCache())
    assert found.body == route.data
    for name, value in found.headers:
        assert route.headers[name] == value


def test_etag_gives_304_and_the_cache_replays(pub):
    cache = RenderCache()
    first = answer(asked(query=PROJECTS), pub, OnHost(), cache)
    etag = dict(first.headers)["ETag"]
    assert answer(asked(query=PROJECTS), pub, OnHost(), cache) is first
    unchanged = answer(asked(query=PROJECTS, headers={"If-None-Match": etag}), pub, OnHost(),
                       cache)
    assert unchanged.status == 304 and dict(unchanged.headers)["ETag"] == etag


def test_post_is_not_cached(pub):
    cache = RenderCache()
    found = answer(asked("POST", {"Content-Type": "application/sparql-query"},
                         PROJECTS.encode()), pub, OnHost(), cache)
    assert found.status == 200 and dict(found.headers)["Cache-Control"] == "no-store"
    assert len(cache) == 0


def test_no_query_leaves_the_description_to_the_caller(pub):
    assert answer(asked(), pub, OnHost(), RenderCache()) is None


def test_links_of_another_host_are_read_as_the_base_uri(pub):
    ask = f"ASK {{ <{ROOT}id/project/kuntien-evaka> ?p ?o }}"
    found = answer(asked(query=ask, headers={"Accept": "application/sparql-results+json"}),
                   pub, OnHost((BASE, ROOT)), RenderCache())
    assert b"true" in found.body


@pytest.mark.parametrize("request_, error", [
    (asked(update="INSERT DATA { <a:a> <a:b> <a:c> }"), Forbidden),
    (asked("POST", {"Content-Type": "application/sparql-update"}), Forbidden),
    (asked("POST"), BadRequest),
    (asked(query=PROJECTS, format="png"), NotAcceptable),
])
def test_refusals_are_raised_for_the_caller(pub, request_, error):
    with pytest.raises(error):
        answer(request_, pub, OnHost(), RenderCache())
